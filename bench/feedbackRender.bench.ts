// Render time and memory of renderFeedback on outputs of 1 KB to 10 MB.
//
// Run: npx esbuild bench/feedbackRender.bench.ts --bundle --platform=node --log-level=warning \
//        --loader:.py=text --outfile=bench/out/feedbackRender.bench.cjs && node --expose-gc bench/out/feedbackRender.bench.cjs
//
// Prints one JSON line per case. Speed is given as a ratio to a baseline measured in the same
// run on the same output: JSON.stringify of the execution result, the least any consumer pays
// to send or store it. For outputs up to 1 MB it also times the naive approach this module
// avoids, counting the tokens of the whole output.
import type * as nbformat from '@jupyterlab/nbformat';

import { renderFeedback } from '../src/feedback/renderFeedback';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import type { IExecutionResult } from '../src/kernel/executionResult';

const ROUNDS = 15;
const BUDGET = 1500;

function printedLines(bytes: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `epoch ${i}: loss=${(1 / (i + 1)).toFixed(6)} accuracy=${(1 - 1 / (i + 2)).toFixed(4)}\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('').slice(0, bytes);
}

function coloured(bytes: number): string {
  const line = '\x1b[32m----> \x1b[39m\x1b[32m12\x1b[39m \x1b[38;5;28;01mreturn\x1b[39;00m value\n';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

function result(text: string): IExecutionResult {
  const output: nbformat.IStream = { output_type: 'stream', name: 'stdout', text };
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const counter = await createTiktokenCounter();
  const cases: Array<[string, string]> = [
    ['lines-1KB', printedLines(1_000)],
    ['lines-100KB', printedLines(100_000)],
    ['lines-1MB', printedLines(1_000_000)],
    ['lines-10MB', printedLines(10_000_000)],
    ['ansi-10MB', coloured(10_000_000)],
    ['newlines-10MB', '\n'.repeat(10_000_000)]
  ];
  for (const [name, text] of cases) {
    const input = result(text);
    const options = { budgetTokens: BUDGET, vision: false, counter };
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let rendered = renderFeedback(input, options);
    const heapAfter = process.memoryUsage().heapUsed;
    const cold = time(() => renderFeedback(result(text + ' '), options));
    const renders: number[] = [];
    const baselines: number[] = [];
    // Separate loops: the baseline's 10 MB strings would otherwise put their garbage
    // collection inside the render times.
    for (let round = 0; round < ROUNDS; round++) {
      renders.push(time(() => (rendered = renderFeedback(input, options))));
    }
    collectGarbage();
    for (let round = 0; round < ROUNDS; round++) {
      baselines.push(time(() => JSON.stringify(input)));
    }
    const naive = text.length <= 1_000_000 ? median([0, 1, 2].map(() => time(() => counter.count(text)))) : null;
    const renderMs = median(renders);
    const baselineMs = median(baselines);
    process.stdout.write(
      JSON.stringify({
        case: name,
        bytes: text.length,
        budgetTokens: BUDGET,
        tokens: rendered.tokens,
        coldMs: +cold.toFixed(2),
        medianMs: +renderMs.toFixed(2),
        p95Ms: +percentile(renders, 0.95).toFixed(2),
        baselineJsonMs: +baselineMs.toFixed(2),
        ratioToBaseline: +(renderMs / baselineMs).toFixed(3),
        countWholeOutputMs: naive === null ? null : +naive.toFixed(2),
        heapDeltaMB: +((heapAfter - heapBefore) / 1e6).toFixed(2)
      }) + '\n'
    );
  }
}

void main();
