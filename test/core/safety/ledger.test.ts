import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { Ledger, stateDir } from '../../../src/core/safety/ledger.js';

describe('the ledger file', () => {
  it('is written before the id is known, read back by cleanup, and removed when nothing remains', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'sub', 'ledger.json');
    const l = Ledger.forRun('0badc0de', 'https://a.example/scim', file);
    const a = l.beforeCreate('User', 'scimcheck-0badc0de-a');
    expect(Ledger.read(file).remaining()).toEqual([expect.objectContaining({ type: 'User', name: 'scimcheck-0badc0de-a', state: 'pending' })]);
    l.created(a, 'u1');
    const b = l.beforeCreate('Group', 'scimcheck-0badc0de-g');
    l.rejected(b);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    const back = Ledger.read(file);
    expect([back.runId, back.target]).toEqual(['0badc0de', 'https://a.example/scim']);
    expect(back.remaining()).toEqual([expect.objectContaining({ id: 'u1', state: 'created' })]);
    expect(back.owns('User', 'u1')).toBe(true);
    l.deleted('User', 'u1');
    expect(Ledger.read(file).remaining()).toEqual([]);
    expect(l.close()).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('skips a last line cut short by a crash, and refuses a file that is not a ledger', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-ledger-'));
    const file = join(dir, 'l.json');
    const l = Ledger.forRun('0badc0de', 't', file);
    l.created(l.beforeCreate('User', 'scimcheck-0badc0de-x'), 'u9');
    appendFileSync(file, '{"n":0,"state":"del');
    expect(Ledger.read(file).remaining().map((e) => e.id)).toEqual(['u9']);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"scimcheck-ledger":1');
    const other = join(dir, 'other.json');
    appendFileSync(other, '{"hello": 1}\n');
    expect(() => Ledger.read(other)).toThrow(ConfigError);
    expect(() => Ledger.read(join(dir, 'none.json'))).toThrow(`--ledger: cannot read ${join(dir, 'none.json')}: no such file`);
  });

  it('read back with an entry missing, it keeps the numbers of the file: a later delete names the right entry', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'l.json');
    const l = Ledger.forRun('0badc0de', 't', file);
    for (const [i, id] of ['u0', 'u1', 'u2'].entries()) l.created(l.beforeCreate('User', `scimcheck-0badc0de-${i}`), id);
    l.close();
    // entry 0's own lines lost (hand-edited, or a disk that kept only part of the file)
    const lines = readFileSync(file, 'utf8').split('\n').filter((x) => x && !/^\{"n":0,/.test(x));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const back = Ledger.read(file);
    expect(back.remaining().map((e) => e.id)).toEqual(['u1', 'u2']);
    back.deleted('User', 'u2');
    back.close();
    expect(Ledger.read(file).remaining().map((e) => e.id)).toEqual(['u1']);
    expect(readFileSync(file, 'utf8').trim().split('\n').pop()).toMatch(/^\{"n":2,"state":"deleted"/);
  });

  it('answers ownership by type and id, for many entries', () => {
    const l = Ledger.inMemory('0badc0de', 't');
    for (let i = 0; i < 2000; i++) l.created(l.beforeCreate(i % 2 ? 'Group' : 'User', `scimcheck-0badc0de-${i}`), `id${i}`);
    expect([l.owns('User', 'id0'), l.owns('Group', 'id0'), l.owns('Group', 'id1999'), l.owns('User', 'nope')]).toEqual([true, false, true, false]);
    l.deleted('Group', 'id1999');
    expect(l.owns('Group', 'id1999')).toBe(true); // deleted by this run: it may still send it a request
    expect(l.remaining().length).toBe(1999);
  });

  it('lives under SCIMCHECK_STATE_DIR, XDG_STATE_HOME or ~/.local/state', () => {
    expect(stateDir({ SCIMCHECK_STATE_DIR: '/s' })).toBe('/s');
    expect(stateDir({ XDG_STATE_HOME: '/x' })).toBe('/x/scimcheck');
    expect(stateDir({})).toMatch(/\.local\/state\/scimcheck$/);
  });
});
