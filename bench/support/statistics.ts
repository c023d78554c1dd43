// Summary statistics of timing samples, and the formatting every bench prints them with.

/**
 * The summary of a set of samples, in the samples' unit.
 */
export interface ISummary {
  count: number;
  median: number;
  p95: number;
  min: number;
  mean: number;
}

/**
 * The value below which a fraction `p` of the samples lie (nearest rank).
 *
 * @param values - the samples.
 * @param p - the fraction, between 0 and 1.
 * @returns the percentile; NaN for no samples.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * The median (the lower of the two middle values for an even count).
 *
 * @param values - the samples.
 * @returns the median; NaN for no samples.
 */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/**
 * Summarise samples.
 *
 * @param values - the samples.
 * @returns count, median, p95, min and mean.
 */
export function summarise(values: readonly number[]): ISummary {
  return {
    count: values.length,
    median: median(values),
    p95: percentile(values, 0.95),
    min: values.length ? Math.min(...values) : NaN,
    mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN
  };
}

/**
 * A number with a fixed count of decimals, for tables.
 *
 * @param value - the number.
 * @param digits - decimals.
 * @returns its text.
 */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/**
 * A ratio as `1.23x`.
 *
 * @param value - the measured value.
 * @param baseline - the baseline value.
 * @returns its text.
 */
export function ratio(value: number, baseline: number): string {
  return baseline > 0 && Number.isFinite(value) ? `${(value / baseline).toFixed(2)}x` : 'n/a';
}
