/** `scimcheck validate`, run as users run it: the built CLI on the payload fixtures (run `npm run build` first). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const F = 'test/fixtures/payloads';

describe('scimcheck validate', () => {
  it('exits 0 and says ok, with the guessed type, when every file is valid', async () => {
    const files = [
      ['rfc7643-8.1-minimal-user.json', 'User'],
      ['rfc7643-8.2-full-user.json', 'User'],
      ['rfc7643-8.3-enterprise-user.json', 'User'],
      ['rfc7643-8.4-group.json', 'Group'],
      ['rfc7643-8.5-service-provider-config.json', 'ServiceProviderConfig'],
      ['rfc7643-8.6-resource-types.json', 'ResourceType'],
      ['entra-patch-user-default.json', 'PatchOp'],
      ['entra-patch-group-aadoptscim062020.json', 'PatchOp'],
      ['error-404.json', 'Error'],
    ];
    const r = await runCli(['validate', ...files.map(([f]) => `${F}/${f}`)]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(files.map(([f, t]) => `${F}/${f}: ok (${t})`));
    expect(r.code).toBe(0);
  });

  it('prints one FILE:LINE:COL: POINTER: message (reference) line per problem and exits 1', async () => {
    const f = `${F}/invalid/user.json`;
    const r = await runCli(['validate', f]);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${f}:3:9: /id: must be a string, got 42 (RFC 7643 §3.1)`,
      `${f}:5:13: /active: must be a boolean, got "False" (RFC 7643 §4.1.1)`,
      `${f}:6:13: /emails: must be an array, got {"value":"bjensen@example.com"} (RFC 7643 §4.1.2)`,
      `${f}:7:23: /meta/created: must be a date-time with a time zone, such as 2011-05-13T04:42:34Z, got "yesterday" (RFC 7643 §3.1)`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('places a missing attribute at the object that lacks it', async () => {
    const g = `${F}/invalid/group-without-id.json`;
    const p = `${F}/invalid/patch-remove-without-path.json`;
    const r = await runCli(['validate', g, p]);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${g}:1:1: (root): missing required attribute "id" (RFC 7643 §4.2)`,
      `${g}:4:26: /members/0/value: must be a string, got 17 (RFC 7643 §4.2)`,
      `${p}:4:5: /Operations/0: missing required attribute "path" (RFC 7644 §3.5.2.2)`,
    ]);
    expect(r.code).toBe(1);
  });

  it('exits 1 when one file of several is invalid, and still reports the valid ones', async () => {
    const r = await runCli(['validate', `${F}/rfc7643-8.4-group.json`, `${F}/invalid/list-with-bad-user.json`]);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${F}/rfc7643-8.4-group.json: ok (Group)`,
      `${F}/invalid/list-with-bad-user.json:8:107: /Resources/1/active: must be a boolean, got "True" (RFC 7643 §4.1.1)`,
    ]);
    expect(r.code).toBe(1);
  });

  it('reports invalid JSON with its position', async () => {
    const f = `${F}/invalid/trailing-comma.json`;
    const r = await runCli(['validate', f]);
    expect(r.stdout.trim()).toBe(`${f}:5:1: (root): invalid JSON: unexpected "}" after ",": JSON allows no trailing comma (RFC 8259)`);
    expect(r.code).toBe(1);
  });

  it('says so when the type cannot be guessed from "schemas"', async () => {
    const f = `${F}/invalid/no-schemas.json`;
    const r = await runCli(['validate', f]);
    expect(r.stdout.trim()).toBe(`${f}:1:1: (root): cannot tell the payload's type: it has no "schemas"; name it with --as (RFC 7643 §3)`);
    expect(r.code).toBe(1);
  });

  it('--as names the type: the enterprise extension object, or a user checked as a Group', async () => {
    const ext = await runCli(['validate', '--as', 'EnterpriseUser', `${F}/enterprise-extension.json`]);
    expect(ext.stdout.trim()).toBe(`${F}/enterprise-extension.json: ok (EnterpriseUser)`);
    expect(ext.code).toBe(0);
    const f = `${F}/rfc7643-8.1-minimal-user.json`;
    const asGroup = await runCli(['validate', f, '--as', 'Group']);
    expect(asGroup.stdout.trim()).toBe(`${f}:2:14: /schemas: must contain "urn:ietf:params:scim:schemas:core:2.0:Group", got ["urn:ietf:params:scim:schemas:core:2.0:User"] (RFC 7643 §3)`);
    expect(asGroup.code).toBe(1);
  });

  it('exits 2 with one line when a file does not exist, before validating anything', async () => {
    const r = await runCli(['validate', `${F}/rfc7643-8.4-group.json`, 'no-such-file.json']);
    expect(r.stderr).toBe('scimcheck: no-such-file.json: cannot read: no such file\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('exits 2 for an unknown --as and for no file at all', async () => {
    const bad = await runCli(['validate', '--as', 'Person', `${F}/rfc7643-8.4-group.json`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^scimcheck: .*Person/);
    const none = await runCli(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^scimcheck: .*file/i);
  });

  it('--json prints {files: [{file, type, valid, issues}]} and keeps the exit code', async () => {
    const bad = `${F}/invalid/user.json`;
    const ok = `${F}/rfc7643-8.3-enterprise-user.json`;
    const json = `${F}/invalid/trailing-comma.json`;
    const r = await runCli(['validate', ok, bad, json, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { files: { file: string; type: string | null; valid: boolean; issues: Record<string, unknown>[] }[] };
    expect(Object.keys(out)).toEqual(['files']);
    expect(out.files.map((f) => [f.file, f.type, f.valid, f.issues.length])).toEqual([
      [ok, 'User', true, 0],
      [bad, 'User', false, 4],
      [json, null, false, 1],
    ]);
    expect(out.files[1]!.issues[0]).toEqual({ pointer: '/id', line: 3, col: 9, message: 'must be a string, got 42', reference: 'RFC 7643 §3.1' });
    expect(out.files[2]!.issues[0]).toMatchObject({ pointer: '', line: 5, col: 1, reference: 'RFC 8259' });

    const valid = await runCli(['validate', '--json', ok]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({ files: [{ file: ok, type: 'User', valid: true, issues: [] }] });
  });
});
