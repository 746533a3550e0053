import { randomUUID } from 'node:crypto';
import type { ScimClient, ScimRequest, ScimResponse } from '../http/client.js';
import { summarize, exitCodeFor, type CheckResult, type Severity, type Summary } from '../result.js';
import { formatIssues, preview, validateMessage } from '../scim/validate.js';
import type { ExitCode } from '../errors.js';

export const SUITE = 'test-connection';
const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ENTRA_CREDENTIALS =
  'Entra would report invalid credentials (SystemForCrossDomainIdentityManagementCredentialValidationUnavailable) and not save the app.';

export interface TestConnectionOptions {
  /** The user attribute Entra matches on (default userName; older jobs used externalId). */
  matchingAttribute: string;
  /** Probe /Groups as well (apps that provision groups). */
  groups: boolean;
  /** SHOULD/MAY failures count like MUST failures. */
  strict?: boolean;
  /** Called as each probe finishes. */
  onCheck?: (check: CheckResult) => void;
}

export interface TestConnectionResult {
  checks: CheckResult[];
  summary: Summary;
  exitCode: ExitCode;
}

interface ProbeSpec {
  id: string;
  title: string;
  severity: Severity;
  entra: boolean;
  reference: string;
}

/**
 * What Entra's "Test Connection" does, probe by probe (shared/reference/entra-provisioning.md): a user query for a
 * random GUID, a group query likewise, and the same user query with a wrong token.
 */
export async function testConnection(client: ScimClient, opts: TestConnectionOptions): Promise<TestConnectionResult> {
  const started = Date.now();
  const checks: CheckResult[] = [];
  const emit = (c: CheckResult) => {
    checks.push(c);
    opts.onCheck?.(c);
  };
  const attr = opts.matchingAttribute;
  const userQuery: ScimRequest = { method: 'GET', path: '/Users', query: [['filter', `${attr} eq "${randomUUID()}"`]] };

  emit(
    await probe(
      client,
      {
        id: `${SUITE}/users-filter-no-match`,
        title: `GET /Users?filter=${attr} eq "<random GUID>" answers 200 with an empty ListResponse`,
        severity: 'MUST',
        entra: true,
        reference: 'RFC 7644 §3.4.2',
      },
      userQuery,
      (res) => judgeEmptyList(res, 'user', attr),
    ),
  );

  if (opts.groups) {
    emit(
      await probe(
        client,
        {
          id: `${SUITE}/groups-filter-no-match`,
          title: 'GET /Groups?excludedAttributes=members&filter=displayName eq "<random GUID>" answers 200 with an empty ListResponse',
          severity: 'MUST',
          entra: true,
          reference: 'RFC 7644 §3.4.2',
        },
        {
          method: 'GET',
          path: '/Groups',
          query: [
            ['excludedAttributes', 'members'],
            ['filter', `displayName eq "${randomUUID()}"`],
          ],
        },
        (res) => judgeEmptyList(res, 'group', 'displayName'),
      ),
    );
  } else {
    emit(skipped({ id: `${SUITE}/groups-filter-no-match`, title: 'GET /Groups with a filter that matches nothing', severity: 'MUST', entra: true, reference: 'RFC 7644 §3.4.2' }, 'groups are out of scope (--no-groups)'));
  }

  // A made-up credential of the same kind must be refused.
  const wrong = randomUUID().replace(/-/g, '');
  const badAuthQuery: ScimRequest = { ...userQuery, auth: { bearer: wrong } };
  let refused: ScimResponse | undefined;
  emit(
    await probe(
      client,
      {
        id: `${SUITE}/rejects-invalid-token`,
        title: 'The same user query with a wrong bearer token is refused with 401 (or 403)',
        severity: 'MUST',
        entra: false,
        reference: 'RFC 7644 §2, §3.12 (401 Unauthorized)',
      },
      badAuthQuery,
      (res) => {
        if (res.status === 401 || res.status === 403) {
          refused = res;
          return pass(`refused with ${res.status}`);
        }
        if (res.status !== undefined && res.status >= 200 && res.status < 300) {
          return fail(`the endpoint answered ${res.status} to a made-up token: it does not check credentials`, {
            expected: '401 Unauthorized (or 403 Forbidden)',
            actual: `${res.status}`,
            hint: 'Validate the bearer token on every request and answer 401 with a SCIM Error when it is missing or wrong; anyone who can reach this endpoint can now read and change your users.',
          });
        }
        return fail(`a wrong token got ${res.status}, not 401 or 403`, {
          expected: '401 Unauthorized (or 403 Forbidden)',
          actual: `${res.status}`,
          hint: 'Answer 401 for a missing or invalid token (RFC 7644 §3.12), before any other processing.',
        });
      },
    ),
  );

  // RFC 7644 §3.12: errors carry a SCIM Error body. Entra does not read it, so this one is the RFC's verdict alone.
  const errorFormat: ProbeSpec = {
    id: `${SUITE}/unauthorized-error-format`,
    title: 'The 401/403 for a wrong token carries a SCIM Error body',
    severity: 'MUST',
    entra: false,
    reference: 'RFC 7644 §3.12',
  };
  if (!refused) {
    const probe = checks[checks.length - 1];
    emit(skipped(errorFormat, probe?.outcome === 'errored' ? 'the wrong-token probe got no complete answer' : 'the wrong token was not refused'));
  } else {
    const res = refused;
    emit(finish(errorFormat, res, 0, judgeErrorBody(res)));
  }

  const durationMs = Date.now() - started;
  const summary = summarize(checks, durationMs, opts.strict);
  return { checks, summary, exitCode: exitCodeFor(checks, summary) };
}

// ---------------------------------------------------------------------------------------------------------------

interface Verdict {
  outcome: 'passed' | 'failed';
  message: string;
  expected?: string;
  actual?: string;
  hint?: string;
  entraMessage?: string;
}

const pass = (message: string): Verdict => ({ outcome: 'passed', message });
const fail = (message: string, rest: Omit<Verdict, 'outcome' | 'message'> = {}): Verdict => ({ outcome: 'failed', message, ...rest });

async function probe(client: ScimClient, spec: ProbeSpec, req: ScimRequest, judge: (res: ScimResponse) => Verdict): Promise<CheckResult> {
  const t0 = Date.now();
  const res = await client.send(req);
  if (res.error && res.status === undefined) {
    const unreachable = res.error.unreachable;
    return {
      ...spec,
      suite: SUITE,
      outcome: 'errored',
      message: res.error.message,
      ...(unreachable || res.error.code === 'AUTH'
        ? { entraMessage: res.error.code === 'AUTH' ? ENTRA_CREDENTIALS : 'Entra would fail Test Connection: it could not reach the endpoint either.' }
        : {}),
      hint: hintForTransport(res.error.code),
      durationMs: Date.now() - t0,
      exchanges: [res.exchange],
    };
  }
  if (res.error) {
    // A status came back but the body could not be read whole (too large, reset).
    return { ...spec, suite: SUITE, outcome: 'errored', message: `${res.status}: ${res.error.message}`, durationMs: Date.now() - t0, exchanges: [res.exchange] };
  }
  return finish(spec, res, t0, judge(res));
}

function finish(spec: ProbeSpec, res: ScimResponse, t0: number, v: Verdict): CheckResult {
  return { ...spec, suite: SUITE, ...v, durationMs: t0 ? Date.now() - t0 : res.exchange.durationMs, exchanges: [res.exchange] };
}

function skipped(spec: ProbeSpec, why: string): CheckResult {
  return { ...spec, suite: SUITE, outcome: 'skipped', message: why, durationMs: 0, exchanges: [] };
}

/** The core of Test Connection: 200 + a valid, empty ListResponse. */
function judgeEmptyList(res: ScimResponse, kind: 'user' | 'group', attr: string): Verdict {
  const status = res.status!;
  const what = `a ${kind} query for a ${attr} that does not exist`;
  const expected = `200 with {"schemas":["${LIST_RESPONSE_URN}"],"totalResults":0,"Resources":[]}`;
  if (status === 401 || status === 403) {
    return fail(`the server refused the credentials (${status})`, {
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      entraMessage: ENTRA_CREDENTIALS,
      hint: 'Check the token (or client credentials): copy it again from the app, make sure it has not expired, and that it is sent as "Authorization: Bearer <token>" without quotes.',
    });
  }
  if (status === 404) {
    const scimError = isScimError(res.json);
    return fail(scimError ? `${what} answered 404` : `404 from ${kind === 'user' ? '/Users' : '/Groups'}: nothing is served at this path`, {
      expected,
      actual: `404 ${bodyPreview(res)}`,
      entraMessage: `Entra would report that an HTTP/404 Not Found came back where it expected HTTP/200 OK${kind === 'group' ? ' (for apps that provision groups)' : ''}, and not save the app.`,
      hint: scimError
        ? 'A filter that matches nothing is not an error: answer 200 with totalResults 0 and an empty Resources list (RFC 7644 §3.4.2).'
        : `Check the base URL: it must be the SCIM root, so that <base>/${kind === 'user' ? 'Users' : 'Groups'} exists (e.g. https://host/scim/v2, not https://host/scim/v2/Users).`,
    });
  }
  if (status >= 300 && status < 400) {
    const location = res.headers.location;
    return fail(`the server redirected (${status}${location ? ` to ${location}` : ''}); scimcheck does not follow redirects`, {
      expected,
      actual: `${status}${location ? ` Location: ${location}` : ''}`,
      hint: 'Use the final URL as the base URL; a SCIM client should not have to follow redirects (credentials must not be re-sent elsewhere).',
    });
  }
  if (status === 400 || status === 501) {
    return fail(`the server did not accept the filter ${attr} eq "..." (${status})`, {
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      entraMessage: 'Entra matches every object with this filter; provisioning would fail for every user or group.',
      hint: `Support filtering on ${attr} with the eq operator (RFC 7644 §3.4.2.2).`,
    });
  }
  if (status !== 200) {
    return fail(`${what} answered ${status}, not 200`, {
      expected,
      actual: `${status} ${bodyPreview(res)}`,
      hint: status >= 500 ? 'The server failed on a plain query: see its logs for this request.' : 'Answer a query with 200 and a ListResponse (RFC 7644 §3.4.2).',
    });
  }
  if (res.json === undefined) {
    return fail(`200 but ${res.jsonError ?? 'the body is empty'}`, {
      expected,
      actual: `200 ${bodyPreview(res)}`,
      hint: 'Answer with a JSON ListResponse, Content-Type application/scim+json.',
    });
  }
  const issues = validateMessage('ListResponse', res.json);
  if (issues.length > 0) {
    const lines = formatIssues(issues, res.json);
    return fail(`200 but not a valid ListResponse: ${lines.join('; ')}`, {
      expected,
      actual: `200 ${bodyPreview(res)}`,
      hint: 'Return {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0} for an empty result.',
    });
  }
  const body = res.json as { totalResults: number; Resources?: unknown[] };
  const count = body.Resources?.length ?? 0;
  if (body.totalResults !== 0 || count !== 0) {
    return fail(`the filter was not applied: ${what} returned totalResults ${body.totalResults} and ${count} resource(s)`, {
      expected: 'totalResults 0 and no resources',
      actual: `totalResults ${body.totalResults}, ${count} resource(s)`,
      entraMessage: `Entra would match the wrong ${kind} and update it instead of creating a new one.`,
      hint: `Evaluate the filter: ${attr} eq "<value>" must return only the ${kind}s whose ${attr} equals the value (RFC 7644 §3.4.2.2).`,
    });
  }
  return pass('200 with an empty ListResponse');
}

function judgeErrorBody(res: ScimResponse): Verdict {
  const expected = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"${res.status}",...}`;
  const hint = `Answer errors with a SCIM Error body: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"${res.status}","detail":"..."} (status as a string).`;
  const note = 'Entra does not read this body: it would still work.';
  if (res.json === undefined) {
    return fail(`the ${res.status} body is ${res.jsonError ? 'not JSON' : 'empty'}; ${note}`, { expected, actual: bodyPreview(res), hint });
  }
  const issues = validateMessage('Error', res.json);
  if (issues.length > 0) {
    return fail(`the ${res.status} body is not a SCIM Error: ${formatIssues(issues, res.json).join('; ')}; ${note}`, { expected, actual: bodyPreview(res), hint });
  }
  const status = (res.json as { status: string }).status;
  if (status !== String(res.status)) {
    return fail(`the Error body says status "${status}" but the response is ${res.status}`, { expected, actual: bodyPreview(res), hint });
  }
  return pass('a valid SCIM Error');
}

function isScimError(json: unknown): boolean {
  return validateMessage('Error', json).length === 0;
}

function bodyPreview(res: ScimResponse): string {
  const body = res.exchange.response?.body ?? '';
  if (!body.trim()) return '(empty body)';
  return res.json !== undefined ? preview(res.json, 200) : JSON.stringify(body.length > 200 ? `${body.slice(0, 199)}…` : body);
}

function hintForTransport(code: string): string {
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
