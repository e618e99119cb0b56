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

/** What a histogram's buckets say of the observations made between two scrapes: each quantile as the bucket bound it falls under (ms). */
export interface BucketedDistribution {
  count: number;
  /** "≤ bound" in milliseconds; Infinity when it lies above the largest bucket. */
  p50AtMost: number;
  p99AtMost: number;
}

export function bucketedDistribution(before: Map<number, number>, after: Map<number, number>): BucketedDistribution {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const count = counts.length ? counts[counts.length - 1] : 0;
  const at = (q: number) => {
    if (!count) return NaN;
    const i = counts.findIndex((c) => c >= q * count);
    return bounds[i] * 1000;
  };
  return { count, p50AtMost: at(0.5), p99AtMost: at(0.99) };
}

export const formatBucketed = (d: BucketedDistribution) => `p50 ≤ ${d.p50AtMost} ms, p99 ≤ ${d.p99AtMost} ms (n=${d.count})`;
