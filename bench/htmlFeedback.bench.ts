// Feedback from large HTML outputs: how the time grows with the HTML's size.
//
// Run: node bench/run.mjs bench/htmlFeedback.bench.ts [--ci] [--rounds N]
//
// Renders 100 KB, 400 KB and 1 MB of HTML table to feedback (renderFeedback, tiktoken counter),
// two ways: a pandas DataFrame rendered with its display limits lifted (class "dataframe", read as
// a table) and a plain HTML table (read as text), each an output with no text/plain, so the HTML
// is what is read; and the two converters alone on the same HTML (parseDataFrameHtml, htmlToText),
// which read all of it (renderFeedback reads 1 MB and more of HTML only in clipped windows). Prints
// one JSON line per case, with the median time, its ratio to JSON.stringify of the same output (the
// least any consumer pays to send or store it), and its time per byte relative to the 100 KB case
// of the same kind (1.0 is linear). With --ci the exit code is 1 when, for any kind, the 1 MB
// case's time per byte is over 3x the 100 KB case's (superlinear).
import type * as nbformat from '@jupyterlab/nbformat';
import { parseArgs } from 'node:util';

import { htmlToText } from '../src/feedback/htmlText';
import { renderFeedback } from '../src/feedback/renderFeedback';
import { parseDataFrameHtml } from '../src/feedback/dataFrameHtml';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import type { IExecutionResult } from '../src/kernel/executionResult';

const SIZES = [100_000, 400_000, 1_000_000];
const BUDGET = 1500;
/** Time per byte of the largest case over that of the smallest, above which the check fails. */
const SUPERLINEAR = 3;

function dataFrameHtml(bytes: number): string {
  const head =
    '<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style>' +
    '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>' +
    '<th>id</th><th>value</th><th>label</th><th>when</th></tr></thead><tbody>';
  const rows: string[] = [];
  let length = head.length;
  for (let i = 0; length < bytes - 60; i++) {
    const row =
      `<tr><th>${i}</th><td>${i}</td><td>${(i * 0.5).toFixed(2)}</td><td>item &amp; ${i}</td>` +
      `<td>2026-12-${String((i % 28) + 1).padStart(2, '0')}</td></tr>`;
    rows.push(row);
    length += row.length;
  }
  return `${head}${rows.join('')}</tbody></table><p>${rows.length} rows × 4 columns</p></div>`;
}

function plainTableHtml(bytes: number): string {
  return dataFrameHtml(bytes).replace('class="dataframe"', 'class="report"');
}

function result(html: string): IExecutionResult {
  const output: nbformat.IDisplayData = { output_type: 'display_data', data: { 'text/html': html }, metadata: {} };
  return {
    status: 'ok',
    executionCount: 1,
    outputs: [output],
    durationMs: 1,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false
  };
}

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { ci: { type: 'boolean', default: false }, rounds: { type: 'string', default: '7' } }
  });
  const rounds = Math.max(1, Number(values.rounds));
  const counter = await createTiktokenCounter();
  const options = { budgetTokens: BUDGET, vision: false, counter };
  const failures: string[] = [];
  const kinds: [string, (bytes: number) => string, (html: string) => number][] = [
    ['dataframe', dataFrameHtml, html => renderFeedback(result(html), options).tokens],
    ['html-table', plainTableHtml, html => renderFeedback(result(html), options).tokens],
    ['parseDataFrameHtml', dataFrameHtml, html => (parseDataFrameHtml(html) ? 0 : Infinity)],
    ['htmlToText', plainTableHtml, html => (htmlToText(html) ? 0 : Infinity)]
  ];
  for (const [kind, make, run] of kinds) {
    let smallest: { bytes: number; ms: number } | undefined;
    for (const size of SIZES) {
      const html = make(size);
      const input = result(html);
      let tokens = run(html);
      const renders: number[] = [];
      const baselines: number[] = [];
      for (let round = 0; round < rounds; round++) {
        renders.push(time(() => (tokens = run(html))));
      }
      for (let round = 0; round < rounds; round++) {
        baselines.push(time(() => JSON.stringify(input)));
      }
      const ms = median(renders);
      const baselineMs = median(baselines);
      smallest ??= { bytes: html.length, ms };
      const perByteRatio = ms / html.length / (smallest.ms / smallest.bytes);
      process.stdout.write(
        JSON.stringify({
          case: `${kind}-${size / 1000}KB`,
          bytes: html.length,
          ...(Number.isFinite(tokens) && tokens > 0 ? { tokens, budgetTokens: BUDGET } : {}),
          medianMs: +ms.toFixed(2),
          baselineJsonMs: +baselineMs.toFixed(3),
          ratioToJson: +(ms / baselineMs).toFixed(1),
          timeRatioToSmallest: +(ms / smallest.ms).toFixed(2),
          sizeRatioToSmallest: +(html.length / smallest.bytes).toFixed(2),
          perByteRatioToSmallest: +perByteRatio.toFixed(2)
        }) + '\n'
      );
      if (tokens > BUDGET) {
        failures.push(`${kind} ${size} bytes: ${tokens} tokens, over the budget of ${BUDGET} (or nothing read)`);
      }
      if (size === SIZES[SIZES.length - 1] && perByteRatio > SUPERLINEAR) {
        failures.push(
          `${kind}: 1 MB takes ${perByteRatio.toFixed(1)}x the time per byte of 100 KB (over ${SUPERLINEAR}x: superlinear)`
        );
      }
    }
  }
  if (failures.length) {
    process.stderr.write(`html feedback bench FAILED:\n${failures.map(line => `  ${line}\n`).join('')}`);
  }
  return values.ci && failures.length ? 1 : 0;
}

void main().then(code => process.exit(code));
