/** Order statistics for reports (reaction times). */

/**
 * The `p`-quantile (0..1) with linear interpolation between closest ranks — what PostgreSQL's
 * `percentile_cont` gives. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}
