import { describe, expect, it } from 'vitest';
import { decideColor } from '../../../src/core/report/color.js';

describe('decideColor: --color/--no-color > NO_COLOR > FORCE_COLOR > TTY', () => {
  it.each([
    [{ flag: true, env: { NO_COLOR: '1' }, isTTY: false }, true],
    [{ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }, false],
    [{ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true }, false],
    [{ env: { NO_COLOR: '' }, isTTY: true }, true],
    [{ env: { FORCE_COLOR: '1' }, isTTY: false }, true],
    [{ env: { FORCE_COLOR: '0' }, isTTY: true }, false],
    [{ env: {}, isTTY: true }, true],
    [{ env: {}, isTTY: false }, false],
  ])('%j -> %s', (input, expected) => {
    expect(decideColor(input)).toBe(expected);
  });
});
