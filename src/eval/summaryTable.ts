// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IDabenchSummary } from './dabenchSummary';
import type { IEvalSummary } from './evalSummary';

/**
 * The summary as a small text table, for stdout.
 *
 * @param summary - the run's summary.
 * @returns the table, lines ending in a newline.
 */
export function formatSummaryTable(summary: IEvalSummary | IDabenchSummary): string {
  const percent = (value: number | null) => (value === null ? '-' : `${(100 * value).toFixed(1)}`);
  let header: string[];
  let row: string[];
  if (summary.dataset === 'dabench') {
    header = [
      'dataset',
      'model',
      'n',
      'by question',
      'by sub-answer',
      'proportional',
      'no code',
      'unverified',
      'errors',
      'tokens',
      'wall time'
    ];
    row = [
      summary.dataset,
      summary.model ?? '-',
      String(summary.n),
      percent(summary.accuracy.by_question),
      percent(summary.accuracy.by_sub_answer),
      percent(summary.accuracy.proportional_by_sub_answer),
      String(summary.no_code ?? '-'),
      String(summary.unverified ?? '-'),
      String(summary.errors),
      String(summary.tokens.prompt + summary.tokens.completion),
      `${summary.wall_time_s.toFixed(1)}s`
    ];
  } else {
    header = ['dataset', 'mode', 'model', 'n', 'pass@1 base', 'pass@1 plus', 'tokens', 'wall time'];
    row = [
      summary.dataset,
      summary.mode,
      summary.model ?? '-',
      String(summary.n),
      percent(summary['pass@1'].base),
      percent(summary['pass@1'].plus),
      String(summary.tokens.prompt + summary.tokens.completion),
      `${summary.wall_time_s.toFixed(1)}s`
    ];
  }
  // The effort and the time per task last: the columns before keep their places.
  header.push('effort', 'per task');
  row.push(
    summary.effort === 'thorough' ? `thorough k=${summary.candidates ?? '?'}` : (summary.effort ?? '-'),
    summary.task_wall_time_s ? `${summary.task_wall_time_s.median.toFixed(1)}s` : '-'
  );
  const widths = header.map((title, index) => Math.max(title.length, row[index].length));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map(width => '-'.repeat(width))), line(row)];
  if (summary.by_candidates) {
    // What the first k candidates would have scored: the effort's cost against its gain.
    const titles =
      summary.dataset === 'dabench'
        ? ['first k candidates', 'by question', 'by sub-answer', 'per task (candidates)']
        : ['first k candidates', 'pass@1 base', 'pass@1 plus', 'per task (candidates)'];
    lines.push('', titles.join('  '));
    for (const row of summary.by_candidates) {
      const figures = 'by_question' in row ? [row.by_question, row.by_sub_answer] : [row.base, row.plus];
      const cells = [`k=${row.k}`, percent(figures[0]), percent(figures[1]), `${row.median_task_s.toFixed(1)}s`];
      lines.push(
        cells
          .map((cell, index) => cell.padEnd(titles[index].length))
          .join('  ')
          .trimEnd()
      );
    }
  }
  if (summary.interrupted) {
    lines.push(`Stopped before the end: ${summary.n} of ${summary.total} tasks done; --resume continues.`);
  }
  return `${lines.join('\n')}\n`;
}
