// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * The median and mean of the records' durations, in seconds (0 with none).
 *
 * @param records - the finished tasks' records.
 * @returns the figures, rounded to hundredths.
 */
export function taskWallTime(records: readonly { duration_ms: number }[]): { median: number; mean: number } {
  const seconds = records.map(entry => entry.duration_ms / 1000).sort((a, b) => a - b);
  if (!seconds.length) {
    return { median: 0, mean: 0 };
  }
  const middle = Math.floor(seconds.length / 2);
  const median = seconds.length % 2 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
  const mean = seconds.reduce((sum, value) => sum + value, 0) / seconds.length;
  const round = (value: number) => Math.round(value * 100) / 100;
  return { median: round(median), mean: round(mean) };
}
