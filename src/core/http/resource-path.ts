/** The path of one SCIM resource, built from its type and id: the id is one percent-encoded path segment. */
export function resourcePath(type: 'User' | 'Group', id: string): string {
  return `/${type === 'User' ? 'Users' : 'Groups'}/${encodeURIComponent(id)}`;
}
