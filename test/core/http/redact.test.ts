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
});
