import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** --color (true) / --no-color (false) / absent (undefined). */
  flag?: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

/**
 * Colour is decided once, in this order: --color/--no-color > NO_COLOR > FORCE_COLOR > TTY.
 * (chalk 5 ignores NO_COLOR and listr2 treats any FORCE_COLOR as on, so neither decides for itself.)
 */
export function decideColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR.toLowerCase());
  return isTTY;
}

export function chalkFor(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
