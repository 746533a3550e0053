/**
 * Test Connection's wording: the built-in `test-connection` suite (suites/test-connection.yaml) is judged by the
 * engine like any suite; this module words its failures the way an admin meets them in Entra (what Entra would
 * show, and the likeliest fix for each status). It changes what a verdict says, never whether it passed: the
 * structured `failures` from judging stay as they are.
 */
import type { ScimResponse } from '../http/client.js';
import type { CheckResult, Judged } from '../model/verdict.js';
import type { Wording } from '../runner/execute.js';
import { formatIssues, preview, validateMessage } from '../scim/validate.js';

export const TEST_CONNECTION_SUITE = 'test-connection';
const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ENTRA_CREDENTIALS =
  'Entra would report invalid credentials (SystemForCrossDomainIdentityManagementCredentialValidationUnavailable) and not save the app.';

/** The wording of a suite's verdicts, if it has its own. */
export function wordingFor(suiteId: string): Wording | undefined {
  return suiteId === TEST_CONNECTION_SUITE ? testConnectionWording : undefined;
}

interface Words {
  message: string;
  expected?: string;
  actual?: string;
  hint?: string;
  entraMessage?: string;
}

const testConnectionWording: Wording = (check, res) => {
  const key = check.id.slice(TEST_CONNECTION_SUITE.length + 1);
  let words: Words | undefined;
  if (check.outcome === 'errored' && res && res.status === undefined && res.error) {
    words = { message: check.message, hint: hintForTransport(res.error.code) };
    if (res.error.unreachable) words.entraMessage = 'Entra would fail Test Connection: it could not reach the endpoint either.';
    if (res.error.code === 'AUTH') words.entraMessage = ENTRA_CREDENTIALS;
  } else if (check.outcome === 'passed' && res?.status !== undefined) {
    words = { message: PASSED[key]?.(res.status) ?? check.message };
  } else if (check.outcome === 'failed' && res?.status !== undefined) {
    if (key === 'users-filter-no-match' || key === 'groups-filter-no-match') {
      const kind = key === 'users-filter-no-match' ? 'user' : 'group';
      words = emptyList(res, kind, filterAttribute(res) ?? (kind === 'user' ? 'userName' : 'displayName'));
    } else if (key === 'rejects-invalid-token') {
      words = badToken(res);
    } else if (key === 'unauthorized-error-format') {
      words = errorBody(res);
    }
  }
  return words ? reword(check, words) : check;
};

const PASSED: Record<string, (status: number) => string> = {
  'users-filter-no-match': () => '200 with an empty ListResponse',
  'groups-filter-no-match': () => '200 with an empty ListResponse',
  'rejects-invalid-token': (status) => `refused with ${status}`,
  'unauthorized-error-format': () => 'a valid SCIM Error',
};

function reword(check: Judged<CheckResult>, w: Words): Judged<CheckResult> {
  const out = { ...check, message: w.message };
  if (w.expected !== undefined) out.expected = w.expected;
  if (w.actual !== undefined) out.actual = w.actual;
  if (w.hint !== undefined) out.hint = w.hint;
  if (w.entraMessage !== undefined) out.entraMessage = w.entraMessage;
  return out;
}

/** The attribute the probe filtered on (`userName`, or the --matching-attribute), from the request it sent. */
function filterAttribute(res: ScimResponse): string | undefined {
  try {
    const filter = new URL(res.exchange.request.url, 'http://x').searchParams.get('filter');
    return filter?.split(' ')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** The core of Test Connection: 200 + a valid, empty ListResponse. Undefined when the response meets it. */
function emptyList(res: ScimResponse, kind: 'user' | 'group', attr: string): Words | undefined {
  const status = res.status!;
  const what = `a ${kind} query for a ${attr} that does not exist`;
  const path = kind === 'user' ? '/Users' : '/Groups';
  const expected = `200 with {"schemas":["${LIST_RESPONSE_URN}"],"totalResults":0,"Resources":[]}`;
  if (status === 401 || status === 403) {
    return {
      message: `the server refused the credentials (${status})`,
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      entraMessage: ENTRA_CREDENTIALS,
      hint: 'Check the token (or client credentials): copy it again from the app, make sure it has not expired, and that it is sent as "Authorization: Bearer <token>" without quotes.',
    };
  }
  if (status === 404) {
    const scimError = validateMessage('Error', res.json).length === 0;
    return {
      message: scimError ? `${what} answered 404` : `404 from ${path}: nothing is served at this path`,
      expected,
      actual: `404 ${bodyPreview(res)}`,
      entraMessage: `Entra would report that an HTTP/404 Not Found came back where it expected HTTP/200 OK${kind === 'group' ? ' (for apps that provision groups)' : ''}, and not save the app.`,
      hint: scimError
        ? 'A filter that matches nothing is not an error: answer 200 with totalResults 0 and an empty Resources list (RFC 7644 §3.4.2).'
        : `Check the base URL: it must be the SCIM root, so that <base>${path} exists (e.g. https://host/scim/v2, not https://host/scim/v2${path}).`,
    };
  }
  if (status >= 300 && status < 400) {
    const location = res.headers.location;
    return {
      message: `the server redirected (${status}${location ? ` to ${location}` : ''}); scimcheck does not follow redirects`,
      expected,
      actual: `${status}${location ? ` Location: ${location}` : ''}`,
      hint: 'Use the final URL as the base URL; a SCIM client should not have to follow redirects (credentials must not be re-sent elsewhere).',
    };
  }
  if (status === 400 || status === 501) {
    return {
      message: `the server did not accept the filter ${attr} eq "..." (${status})`,
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      entraMessage: 'Entra matches every object with this filter; provisioning would fail for every user or group.',
      hint: `Support filtering on ${attr} with the eq operator (RFC 7644 §3.4.2.2).`,
    };
  }
  if (status !== 200) {
    return {
      message: `${what} answered ${status}, not 200`,
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      hint: status >= 500 ? 'The server failed on a plain query: see its logs for this request.' : 'Answer a query with 200 and a ListResponse (RFC 7644 §3.4.2).',
    };
  }
  if (res.json === undefined) {
    return { message: `200 but ${res.jsonError ?? 'the body is empty'}`, expected, actual: `200 ${bodyPreview(res)}`, hint: 'Answer with a JSON ListResponse, Content-Type application/scim+json.' };
  }
  const issues = validateMessage('ListResponse', res.json);
  if (issues.length > 0) {
    return {
      message: `200 but not a valid ListResponse: ${formatIssues(issues, res.json).join('; ')}`,
      expected,
      actual: `200 ${bodyPreview(res)}`,
      hint: 'Return {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0} for an empty result.',
    };
  }
  const body = res.json as { totalResults: number; Resources?: unknown[] };
  const count = body.Resources?.length ?? 0;
  if (body.totalResults !== 0 || count !== 0) {
    return {
      message: `the filter was not applied: ${what} returned totalResults ${body.totalResults} and ${count} resource(s)`,
      expected: 'totalResults 0 and no resources',
      actual: `totalResults ${body.totalResults}, ${count} resource(s)`,
      entraMessage: `Entra would match the wrong ${kind} and update it instead of creating a new one.`,
      hint: `Evaluate the filter: ${attr} eq "<value>" must return only the ${kind}s whose ${attr} equals the value (RFC 7644 §3.4.2.2).`,
    };
  }
  return undefined;
}

function badToken(res: ScimResponse): Words {
  const status = res.status!;
  const expected = '401 Unauthorized (or 403 Forbidden)';
  if (status >= 200 && status < 300) {
    return {
      message: `the endpoint answered ${status} to a made-up token: it does not check credentials`,
      expected,
      actual: `${status}`,
      hint: 'Validate the bearer token on every request and answer 401 with a SCIM Error when it is missing or wrong; anyone who can reach this endpoint can now read and change your users.',
    };
  }
  return {
    message: `a wrong token got ${status}, not 401 or 403`,
    expected,
    actual: `${status}`,
    hint: 'Answer 401 for a missing or invalid token (RFC 7644 §3.12), before any other processing.',
  };
}

/** RFC 7644 §3.12: errors carry a SCIM Error body. Entra does not read it, so this is the RFC's verdict alone. */
function errorBody(res: ScimResponse): Words | undefined {
  const expected = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"${res.status}",...}`;
  const hint = `Answer errors with a SCIM Error body: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"${res.status}","detail":"..."} (status as a string).`;
  const note = 'Entra does not read this body: it would still work.';
  if (res.json === undefined) return { message: `the ${res.status} body is ${res.jsonError ? 'not JSON' : 'empty'}; ${note}`, expected, actual: bodyPreview(res), hint };
  const issues = validateMessage('Error', res.json);
  if (issues.length > 0) return { message: `the ${res.status} body is not a SCIM Error: ${formatIssues(issues, res.json).join('; ')}; ${note}`, expected, actual: bodyPreview(res), hint };
  const status = (res.json as { status: string }).status;
  if (status !== String(res.status)) return { message: `the Error body says status "${status}" but the response is ${res.status}`, expected, actual: bodyPreview(res), hint };
  return undefined;
}

function bodyPreview(res: ScimResponse): string {
  const body = res.exchange.response?.body ?? '';
  if (!body.trim()) return '(empty body)';
  return res.json !== undefined ? preview(res.json, 200) : JSON.stringify(body.length > 200 ? `${body.slice(0, 199)}…` : body);
}

/** What to check first when a probe got no HTTP answer. */
export function hintForTransport(code: string): string {
  switch (code) {
    case 'REFUSED':
      return 'Nothing listens there: check the host and port of the base URL, and that the service is running.';
    case 'DNS':
      return 'Check the host name of the base URL.';
    case 'TLS':
      return 'Fix the certificate, or trust its CA with --ca FILE (never --insecure against production).';
    case 'TIMEOUT':
      return 'The endpoint is too slow or unreachable from here (firewall?); raise --timeout if it is merely slow.';
    case 'PROXY':
      return 'Check HTTPS_PROXY / HTTP_PROXY / NO_PROXY.';
    case 'AUTH':
      return 'Check the OAuth token URL, client id, client secret and scope.';
    case 'RESET':
      return 'The server closed the connection without answering. Over HTTPS this is often a server that requires a client certificate (mutual TLS): pass --cert and --key.';
    default:
      return 'See the exchange for details.';
  }
}
