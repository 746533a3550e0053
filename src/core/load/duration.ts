/** Durations on the command line: `60s`, `2m`, `500ms`, `1h`, or a plain number of seconds (`90`, `1.5`). */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
