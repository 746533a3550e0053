/**
 * The HAR reporter (`--report-har`): every exchange of a run once, in sequence order, as HAR 1.2
 * (http://www.softwareishard.com/blog/har-12-spec/), for browser devtools, Fiddler, Charles or a HAR viewer.
 *
 * Everything in the report is already redacted; this only reshapes it. What scimcheck does not record is written as
 * HAR says to: `headersSize: -1`, zero `send`/`receive` timings (the whole duration is `wait`), `HTTP/1.1`. An
 * exchange that failed below HTTP has `response.status 0` and the transport error in `response._error` (custom fields
 * start with `_`), as browsers write a failed request. `comment` names the checks and mapping rows that used it.
 */
import { STATUS_CODES } from 'node:http';
import type { Exchange } from '../model/exchange.js';
import { allExchanges, type Report } from '../model/report.js';
import { writeReportFile, type CreateReporter } from './reporter.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: { mimeType: string; text: string };
  headersSize: number;
  bodySize: number;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: { size: number; mimeType: string; text?: string };
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** The transport failure (DNS, refused, TLS, timeout, …), when there is one. */
  _error?: string;
  _errorCode?: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment?: string;
  /** The exchange's sequence number in the run (`#12` in the text and JUnit reports). */
  _seq: number;
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: 'scimcheck'; version: string };
    comment?: string;
    entries: HarEntry[];
  };
}

export function toHar(report: Report): Har {
  const users = usersBySeq(report);
  return {
    log: {
      version: '1.2',
      creator: { name: 'scimcheck', version: report.tool.version },
      comment: [`scimcheck ${report.command}`, `target ${report.target.baseUrl}`, ...(report.runId ? [`run ${report.runId}`] : [])].join('; '),
      entries: allExchanges(report).map((e) => entry(e, users.get(e.seq) ?? [])),
    },
  };
}

/** For each exchange, the check ids and mapping rows (`app:<id> <object> <attribute>`) that rest on it. */
function usersBySeq(report: Report): Map<number, string[]> {
  const users = new Map<number, string[]>();
  const add = (seq: number, who: string) => {
    const list = users.get(seq) ?? [];
    if (!list.includes(who)) list.push(who);
    users.set(seq, list);
  };
  for (const c of report.checks) for (const e of c.exchanges) add(e.seq, c.id);
  for (const m of report.mappings ?? []) for (const e of m.exchanges) add(e.seq, `app:${m.app} ${m.object} ${m.attribute}`);
  return users;
}

function entry(e: Exchange, users: string[]): HarEntry {
  const time = nonNegative(e.durationMs);
  return {
    startedDateTime: e.startedAt,
    time,
    request: request(e),
    response: response(e),
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
    ...(users.length ? { comment: `used by ${users.join(', ')}` } : {}),
    _seq: e.seq,
  };
}

function request(e: Exchange): HarRequest {
  const r = e.request;
  const body = r.body;
  return {
    method: r.method,
    url: r.url,
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: nameValues(r.headers),
    queryString: queryString(r.url),
    ...(body !== undefined ? { postData: { mimeType: header(r.headers, 'content-type') ?? '', text: body } } : {}),
    headersSize: -1,
    bodySize: body !== undefined ? Buffer.byteLength(body, 'utf8') : 0,
  };
}

function response(e: Exchange): HarResponse {
  const r = e.response;
  const error = e.error ? { _error: e.error.message, _errorCode: e.error.code } : {};
  if (!r) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      ...error,
    };
  }
  const location = r.status >= 300 && r.status < 400 ? header(r.headers, 'location') : undefined;
  return {
    status: r.status,
    statusText: STATUS_CODES[r.status] ?? '',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: nameValues(r.headers),
    content: { size: nonNegative(r.sizeBytes), mimeType: header(r.headers, 'content-type') ?? 'x-unknown', text: r.body },
    redirectURL: location ?? '',
    headersSize: -1,
    bodySize: nonNegative(r.sizeBytes),
    ...error,
  };
}

function nameValues(headers: Record<string, string>): HarNameValue[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The URL's query, decoded as a server reads it (`+` is a space); [] when there is none or the URL does not parse. */
function queryString(url: string): HarNameValue[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  return [...parsed.searchParams].map(([name, value]) => ({ name, value }));
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export const create: CreateReporter = (_io, _info, opts) => ({
  report: (report) => writeReportFile('har', opts.har!, `${JSON.stringify(toHar(report), null, 2)}\n`),
});
