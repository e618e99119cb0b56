/** Latency distribution in milliseconds, as the reports print it. */
export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; an empty sample gives NaN so a missing figure can never pass for a good one. */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return { count: sorted.length, p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/** ours / baseline, to two decimals (truncated, never rounded up). */
export function ratio(ours: number, baseline: number): number {
  return Math.floor((ours / baseline) * 100) / 100;
}

export function perSecond(count: number, elapsedMs: number): number {
  return Math.floor((count * 1000) / elapsedMs);
}

export const formatDistribution = (d: Distribution, unit = 'ms') => `p50 ${d.p50} ${unit}, p99 ${d.p99} ${unit}, max ${d.max} ${unit} (n=${d.count})`;
