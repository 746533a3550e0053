/**
 * The HAR reporter, on the real report in test/fixtures/reports/sample.json.
 *
 * Golden file: test/fixtures/reports/golden/sample.har.json holds the output with times (`startedDateTime`, `time`,
 * `wait`) and `127.0.0.1:<port>` normalised. It is written when missing (outside CI); after an intended change of the
 * output, regenerate it with
 *   UPDATE_GOLDEN=1 npx vitest run test/core/report/har.test.ts
 * and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/core/model/exchange.js';
import { toHar, type HarEntry } from '../../../src/core/report/har.js';
import { allExchanges, type Report } from '../../../src/core/model/report.js';

const SAMPLE = fileURLToPath(new URL('../../fixtures/reports/sample.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/reports/golden/sample.har.json', import.meta.url));

function sample(): Report {
  return JSON.parse(readFileSync(SAMPLE, 'utf8')) as Report;
}

function normalise(json: string): string {
  return json
    .replace(/"(startedDateTime)": "[^"]*"/g, '"$1": "T"')
    .replace(/"(time|wait)": [0-9.]+/g, '"$1": 0')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

function bySeq(entries: HarEntry[], seq: number): HarEntry {
  const e = entries.find((x) => x._seq === seq);
  expect(e, `#${seq}`).toBeDefined();
  return e!;
}

describe('toHar on the sample report', () => {
  const report = sample();
  const har = toHar(report);
  const entries = har.log.entries;

  it('is HAR 1.2 by scimcheck', () => {
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'scimcheck', version: '0.1.0' });
    expect(har.log.comment).toBe(`scimcheck demo; target ${report.target.baseUrl}; run 670dc4c9`);
  });

  it('has one entry per unique exchange, in sequence order', () => {
    const seqs = entries.map((e) => e._seq);
    expect(seqs).toEqual(allExchanges(report).map((e) => e.seq));
    expect(entries).toHaveLength(49); // 67 exchange references in the report, 49 distinct
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.slice(0, 4)).toEqual([13, 15, 21, 24]);
  });

  it('writes request and response of a POST', () => {
    const e = bySeq(entries, 24);
    expect(e.startedDateTime).toBe('2026-11-22T20:32:25.976Z');
    expect(e.time).toBe(77);
    expect(e.timings).toEqual({ send: 0, wait: 77, receive: 0 });
    expect(e.cache).toEqual({});
    expect(e.request).toMatchObject({
      method: 'POST',
      url: 'http://127.0.0.1:37597/scim/v2/Users',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      queryString: [],
      headersSize: -1,
      bodySize: 124,
      postData: {
        mimeType: 'application/scim+json',
        text: '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"scimcheck-670dc4c9-errors-699b2698.taken@example.com"}',
      },
    });
    expect(e.request.headers).toEqual([
      { name: 'accept', value: 'application/scim+json, application/json;q=0.9' },
      { name: 'content-type', value: 'application/scim+json' },
      { name: 'authorization', value: '[REDACTED]' },
    ]);
    expect(e.response).toMatchObject({
      status: 201,
      statusText: 'Created',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      redirectURL: '', // a 201's Location is not a redirect
      headersSize: -1,
      bodySize: 385,
      content: { size: 385, mimeType: 'application/scim+json; charset=utf-8' },
    });
    expect(e.response.content.text).toMatch(/^\{"schemas":\["urn:ietf:params:scim:schemas:core:2\.0:User"\],"id":"bf800334/);
    expect(e.response.headers).toContainEqual({ name: 'location', value: 'http://127.0.0.1:37597/scim/v2/Users/bf800334-24d9-4171-b3c6-9d7e958f11b8' });
    expect(e.comment).toBe('used by errors/create-user');
  });

  it('has no postData for a GET and names every user of a shared exchange', () => {
    const e = bySeq(entries, 147);
    expect(e.request.method).toBe('GET');
    expect(e.request.url).toBe('http://127.0.0.1:37597/scim/v2/Users/c0d268ec-6e03-465f-9d94-2c745a2984e1');
    expect(e.request.postData).toBeUndefined();
    expect(e.request.bodySize).toBe(0);
    expect(e.response).toMatchObject({ status: 404, statusText: 'Not Found' });
    expect(e.comment).toBe('used by users-crud/disabled-readable[entra-legacy], users-crud/disable-verify[entra-legacy]');
    expect(bySeq(entries, 15).comment).toBe('used by app:zenya User active');
    expect(bySeq(entries, 21)).toMatchObject({ request: { method: 'PATCH' }, response: { status: 404 } });
    expect(bySeq(entries, 21).request.postData?.text).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}',
    );
  });

  it('parses query strings as the server reads them', () => {
    const withQuery = entries.filter((e) => e.request.url.includes('?'));
    expect(withQuery.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.request.queryString.length > 0).toBe(e.request.url.includes('?'));
    const e = withQuery.find((x) => x.request.url.includes('users-crud.a46ea889%40example.com'))!;
    expect(e.request.queryString).toEqual([{ name: 'filter', value: 'userName eq "scimcheck-670dc4c9.users-crud.a46ea889@example.com"' }]);
    const bare = withQuery.find((x) => x.request.url.endsWith('?filter=userName+eq'))!;
    expect(bare.request.queryString).toEqual([{ name: 'filter', value: 'userName eq' }]);
  });

  it('keeps [REDACTED] as it is and adds nothing secret', () => {
    const json = JSON.stringify(har);
    const refs = (s: string) => s.split('[REDACTED]').length - 1;
    const distinct = allExchanges(report).reduce((n, e) => n + refs(JSON.stringify(e)), 0);
    expect(refs(json)).toBe(distinct);
    expect(distinct).toBeGreaterThan(0);
    for (const e of entries) expect(e.request.headers.find((h) => h.name === 'authorization')?.value).toBe('[REDACTED]');
  });

  it('gives every entry the fields HAR 1.2 requires', () => {
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['cache', 'request', 'response', 'startedDateTime', 'time', 'timings']));
      expect(Object.keys(e.request)).toEqual(expect.arrayContaining(['method', 'url', 'httpVersion', 'cookies', 'headers', 'queryString', 'headersSize', 'bodySize']));
      expect(Object.keys(e.response)).toEqual(
        expect.arrayContaining(['status', 'statusText', 'httpVersion', 'cookies', 'headers', 'content', 'redirectURL', 'headersSize', 'bodySize']),
      );
      expect(e.time).toBe(e.timings.send + e.timings.wait + e.timings.receive);
      for (const k of Object.keys(e)) expect(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings', 'comment'].includes(k) || k.startsWith('_')).toBe(true);
      expect(Number.isNaN(Date.parse(e.startedDateTime))).toBe(false);
    }
  });

  it('is deterministic and plain JSON', () => {
    expect(JSON.stringify(toHar(sample()))).toBe(JSON.stringify(har));
    expect(JSON.parse(JSON.stringify(har))).toEqual(har);
  });

  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const got = normalise(`${JSON.stringify(har, null, 2)}\n`);
    if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(GOLDEN) && !process.env.CI)) {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, got);
    }
    expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('toHar on other exchanges', () => {
  const base = sample();
  const ex = (seq: number, over: Partial<Exchange>): Exchange => ({
    seq,
    startedAt: `2026-11-22T20:33:0${seq % 10}.000Z`,
    durationMs: 12,
    request: { method: 'GET', url: 'http://127.0.0.1:1/scim/v2/Users', headers: { authorization: '[REDACTED]' } },
    ...over,
  });
  const refused = ex(1001, { error: { code: 'REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', unreachable: true } });
  const redirect = ex(1000, {
    request: { method: 'GET', url: 'http://127.0.0.1:1/scim/v2/Users?startIndex=1&count=2&attributes=userName,emails&x=%26%3D', headers: {} },
    response: { status: 307, headers: { Location: 'https://127.0.0.1:2/scim/v2/Users' }, body: '', sizeBytes: 0 },
  });
  const put = ex(1002, {
    request: { method: 'PUT', url: 'http://127.0.0.1:1/scim/v2/Users/1', headers: { 'Content-Type': 'application/scim+json' }, body: '{"displayName":"Zoë"}' },
    response: { status: 299, headers: {}, body: 'ok', sizeBytes: 2 },
  });
  const report: Report = {
    ...base,
    runId: undefined,
    checks: [
      { ...base.checks[0]!, id: 'extra/a', suite: 'extra', exchanges: [refused, redirect] },
      { ...base.checks[0]!, id: 'extra/b', suite: 'extra', exchanges: [put, redirect] },
    ],
    mappings: [],
  };
  const har = toHar(report);

  it('orders by sequence', () => {
    expect(har.log.entries.map((e) => e._seq)).toEqual([1000, 1001, 1002]);
    expect(har.log.comment).toBe(`scimcheck demo; target ${base.target.baseUrl}`);
  });

  it('writes a transport failure as status 0 with _error', () => {
    const e = bySeq(har.log.entries, 1001);
    expect(e.response).toEqual({
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: 'connect ECONNREFUSED 127.0.0.1:1',
      _errorCode: 'REFUSED',
    });
    expect(e.time).toBe(12);
    expect(e.comment).toBe('used by extra/a');
  });

  it('gives a 3xx its Location as redirectURL and parses every query parameter', () => {
    const e = bySeq(har.log.entries, 1000);
    expect(e.response).toMatchObject({ status: 307, statusText: 'Temporary Redirect', redirectURL: 'https://127.0.0.1:2/scim/v2/Users' });
    expect(e.request.queryString).toEqual([
      { name: 'startIndex', value: '1' },
      { name: 'count', value: '2' },
      { name: 'attributes', value: 'userName,emails' },
      { name: 'x', value: '&=' },
    ]);
    expect(e.comment).toBe('used by extra/a, extra/b');
  });

  it('counts the request body in bytes and finds headers in any case', () => {
    const e = bySeq(har.log.entries, 1002);
    expect(e.request.postData).toEqual({ mimeType: 'application/scim+json', text: '{"displayName":"Zoë"}' });
    expect(e.request.bodySize).toBe(22);
    expect(e.response).toMatchObject({ status: 299, statusText: '', content: { size: 2, mimeType: 'x-unknown', text: 'ok' } });
  });

  it('writes an empty log for a report without exchanges', () => {
    expect(toHar({ ...base, checks: [], mappings: undefined }).log.entries).toEqual([]);
  });
});
