/** Order statistics for the benchmarks: medians with quartiles, and their Markdown rendering. */

/** A sample summarised: median, quartiles, extremes and size. */
export interface Summary {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The `q` quantile of sorted values, linearly interpolated (q in 0..1). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Median, p25, p75, min and max of `values` (NaN for an empty sample). */
export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}

/** Per-round ratios `a[i] / b[i]` of two paired samples (taken in the same round). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, i) => value / b[i]!);
}

/** `12.3 ms (11.9–13.0)`: median with p25–p75, in milliseconds. */
export function formatMs(s: Summary): string {
  const digits = s.median >= 100 ? 0 : 1;
  return `${s.median.toFixed(digits)} ms (${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)})`;
}

/** `1.02× (0.98–1.05)`: a ratio's median with p25–p75. */
export function formatRatio(s: Summary): string {
  return `${s.median.toFixed(2)}× (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`;
}

/** `123.4 MB (120.0–130.2)`: bytes as MB (2^20), median with p25–p75. */
export function formatMb(s: Summary): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return `${mb(s.median)} MB (${mb(s.p25)}–${mb(s.p75)})`;
}

/** `612k msg/s (598k–630k)`: a rate's median with p25–p75. */
export function formatRate(s: Summary): string {
  const k = (value: number) => `${(value / 1000).toFixed(0)}k`;
  return `${k(s.median)} msg/s (${k(s.p25)}–${k(s.p75)})`;
}
