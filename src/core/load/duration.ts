/** The longest duration accepted: a day (anything longer is a typo, and Node's timers stop at 2^31-1 ms). */
export const MAX_DURATION_MS = 86_400_000;

/** Durations on the command line: `60s`, `2m`, `500ms`, `1h`, or a plain number of seconds (`90`, `1.5`), up to a day. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS ? Math.round(ms) : undefined;
}
