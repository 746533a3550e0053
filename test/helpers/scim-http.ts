/** Raw HTTP against a running reference server (fetch), for testing the server on its own. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export function api(base: string, token: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) => call('PATCH', path, body, headers),
    del: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
    call,
  };
}

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENT_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ADSCIM_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The body Entra sends to create a user (entra-provisioning.md), including its null and empty-array habits. */
export function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_URN, ENT_URN],
    externalId: `ext-${userName}`,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    roles: [],
    nickName: null,
    ...extra,
  };
}

export function entraGroup(displayName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [GROUP_URN, ADSCIM_GROUP_URN], externalId: `ext-${displayName}`, displayName, meta: { resourceType: 'Group' }, ...extra };
}

export const patchOp = (...ops: Record<string, unknown>[]) => ({ schemas: [PATCH_URN], Operations: ops });

/** Walks a JSON value and returns the pointers of every null inside it. */
export function nullsIn(v: unknown, at = ''): string[] {
  if (v === null) return [at || '/'];
  if (Array.isArray(v)) return v.flatMap((x, i) => nullsIn(x, `${at}/${i}`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nullsIn(x, `${at}/${k}`));
  return [];
}
