/**
 * Latencies in a fixed-size structure: one bucket per millisecond up to `maxMs` (10 s by default) and one overflow
 * bucket, so that memory does not grow with the number of requests. Percentiles are the upper edge of their bucket
 * (never above the exact maximum, which is kept as is).
 */
export class LatencyHistogram {
  private readonly buckets: Uint32Array;
  count = 0;
  private sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  constructor(readonly maxMs = 10_000) {
    this.buckets = new Uint32Array(maxMs + 1);
  }

  record(ms: number): void {
    const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.buckets[Math.min(this.maxMs, Math.floor(v))]! += 1;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The latency below which `p` per cent of the recorded ones fall (0 when nothing was recorded). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i === this.maxMs ? this.max : Math.min(i + 1, this.max);
    }
    return this.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : 0;
  }
}
