import { Flags } from '@oclif/core';
import { CONFIG_SETTING, TARGET_SETTINGS, type FlagValues } from '../core/target/settings.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFlag = any;

/**
 * The target flags of every command that talks to a server, built from the settings table. Flags carry no
 * defaults and no `env`: precedence (flag > environment > file > default) is the resolver's job, so that the
 * config file can sit between the environment and the defaults.
 */
export const targetFlags: Record<string, AnyFlag> = Object.fromEntries([
  ...TARGET_SETTINGS.map((s) => {
    const summary = `${s.description} [env: ${s.env}]${'defaultText' in s ? ` [default: ${s.defaultText}]` : ''}`;
    const flag =
      s.kind === 'boolean'
        ? Flags.boolean({ summary, allowNo: true, helpGroup: 'TARGET' })
        : s.kind === 'list'
          ? Flags.string({ summary, multiple: true, helpGroup: 'TARGET', helpValue: helpValue(s.kind) })
          : Flags.string({ summary, helpGroup: 'TARGET', helpValue: helpValue(s.kind) });
    return [s.key, flag] as const;
  }),
  ['config', Flags.string({ summary: `${CONFIG_SETTING.description} [env: ${CONFIG_SETTING.env}]`, helpGroup: 'TARGET', helpValue: 'FILE' })],
]);

function helpValue(kind: string): string {
  switch (kind) {
    case 'path':
      return 'FILE';
    case 'integer':
      return 'N';
    case 'list':
      return '"Name: value"';
    default:
      return 'VALUE';
  }
}

/** Picks the target settings out of parsed flags. */
export function targetFlagValues(flags: Record<string, unknown>): FlagValues {
  const out: FlagValues = {};
  for (const key of [...TARGET_SETTINGS.map((s) => s.key), 'config'] as const) {
    const v = flags[key];
    if (v !== undefined) out[key] = v as string | string[] | boolean;
  }
  return out;
}
