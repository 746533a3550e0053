import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../src/core/http/redact.js';

describe('Redactor', () => {
  const r = new Redactor(['s3cr3t-token+/=', 'pw']);

  it('replaces a secret wherever it stands, also percent-encoded', () => {
    expect(r.text('a s3cr3t-token+/= b')).toBe(`a ${REDACTED} b`);
    expect(r.text(`q=${encodeURIComponent('s3cr3t-token+/=')}`)).toBe(`q=${REDACTED}`);
  });

  it('leaves secrets shorter than 4 characters to structural redaction', () => {
    expect(r.text('pw is short')).toBe('pw is short');
    expect(r.header('Authorization', 'Basic cHc=')).toBe(`Basic ${REDACTED}`);
  });

  it('hides credential headers whole, keeping the scheme', () => {
    expect(r.headers({ Authorization: 'Bearer abc', Cookie: 'a=b', 'X-Api-Key': 'k', Accept: 'application/scim+json', 'Set-Cookie': ['x=1', 'y=2'] })).toEqual({
      Authorization: `Bearer ${REDACTED}`,
      Cookie: REDACTED,
      'X-Api-Key': REDACTED,
      Accept: 'application/scim+json',
      'Set-Cookie': REDACTED,
    });
  });

  it('hides credential query parameters and URL passwords', () => {
    expect(r.url('https://u:p@h.example/x?access_token=abc&filter=a&client_secret=z')).toBe(
      `https://u:REDACTED@h.example/x?access_token=${encodeURIComponent(REDACTED)}&filter=a&client_secret=${encodeURIComponent(REDACTED)}`,
    );
  });

  it('redacts JSON structurally and literally, without touching other values', () => {
    const value = { access_token: 'zzz', nested: [{ note: 'has s3cr3t-token+/= inside', count: 3, ok: true, none: null }] };
    expect(r.json(value)).toEqual({ access_token: REDACTED, nested: [{ note: `has ${REDACTED} inside`, count: 3, ok: true, none: null }] });
  });

  it('keeps values that are already redacted as they are', () => {
    expect(r.json({ headers: { authorization: `Bearer ${REDACTED}` }, token: 'live' })).toEqual({ headers: { authorization: `Bearer ${REDACTED}` }, token: REDACTED });
  });

  it('learns secrets at run time, longest first', () => {
    const late = new Redactor(['abcd']);
    late.add('abcdefgh');
    expect(late.text('abcdefgh abcd')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('parses response JSON without a walk only when the text shows no secret, no credential key and no escape', () => {
    const clean = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","emails":[{"value":"a@example.com"}]}';
    expect(r.parseJson(clean)).toEqual(JSON.parse(clean));
    // a credential name as a value (an attribute named "password" in /Schemas) is not a credential
    expect(r.parseJson('{"name":"password","type":"string"}')).toEqual({ name: 'password', type: 'string' });
    expect(r.parseJson('{"userName":"x","password" :"hunter2"}')).toEqual({ userName: 'x', password: REDACTED });
    // each of these needs the walk, and gets it
    expect(r.parseJson('{"userName":"x","Password":"hunter2"}')).toEqual({ userName: 'x', Password: REDACTED });
    expect(r.parseJson('{"note":"echo s3cr3t-token+/= here"}')).toEqual({ note: `echo ${REDACTED} here` });
    // JSON escapes can spell a secret or a credential key that the raw text does not show
    expect(r.parseJson('{"note":"echo \\u00733cr3t-token+\\/= here"}')).toEqual({ note: `echo ${REDACTED} here` });
    expect(r.parseJson('{"pass\\u0077ord":"hunter2"}')).toEqual({ password: REDACTED });
    // an ETag's escaped quotes alone do not call for the walk, and change nothing
    expect(r.parseJson('{"meta":{"version":"W/\\"3694e05e9dff590\\""}}')).toEqual({ meta: { version: 'W/"3694e05e9dff590"' } });
    // a secret with a quote comes back escaped in JSON: found in the text and in the parsed value alike
    const q = new Redactor(['pa"ss-word']);
    expect(q.text('{"echo":"pa\\"ss-word"}')).toBe(`{"echo":"${REDACTED}"}`);
    expect(q.parseJson('{"echo":"pa\\"ss-word"}')).toEqual({ echo: REDACTED });
    expect(q.parseJson('{"echo":"pa\\u0022ss-word"}')).toEqual({ echo: REDACTED });
    // the literal pattern is global: a test must not leave it half-way through the next text
    expect(r.parseJson('{"a":"s3cr3t-token+/="}')).toEqual({ a: REDACTED });
    expect(r.parseJson('{"a":"s3cr3t-token+/="}')).toEqual({ a: REDACTED });
  });

  it('parses a URL only when it may hold userinfo or a credential query key, and redacts both kinds', () => {
    const plain = 'https://h.example/scim/Users?filter=userName+eq+"a"&count=1';
    expect(r.url(plain)).toBe(plain);
    expect(r.url('https://h.example/x?%74oken=abc')).toBe(`https://h.example/x?token=${encodeURIComponent(REDACTED)}`);
    expect(r.url('https://h.example/x?sig=abc&b=1')).toBe(`https://h.example/x?sig=${encodeURIComponent(REDACTED)}&b=1`);
    expect(r.url('https://h.example/x?q=s3cr3t-token+/=')).toBe(`https://h.example/x?q=${REDACTED}`);
    // the URL parser drops tabs and newlines: a name split by one is still a credential name
    expect(r.url('https://h.example/x?tok\nen=abc')).toBe(`https://h.example/x?token=${encodeURIComponent(REDACTED)}`);
  });
});
