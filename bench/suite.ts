// The benchmark suite of jupyterlab-code-interpreter: every figure measured side by side with
// its baseline in the same run and printed as a ratio. Run it with scripts/bench (the whole
// suite, results written to bench/RESULTS.md) or scripts/bench-ci (the short regression check).
//
//   node bench/run.mjs bench/suite.ts [--ci] [--only roundtrip,agent,feedback,context,bundle,browser]
//                                     [--write-results]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { measureAgentOverhead, type IOverheadResult } from './agentOverhead';
import { measureBrowserLatency, type IBrowserLatencyResult } from './browserLatency';
import { measureBundle, type IBundleResult } from './bundleSize';
import { measureContextTokens, type IContextRow } from './contextTokens';
import { measureRoundTrips, type IRoundTripResult } from './roundTrip';
import { describeMachine, type IMachine } from './support/machine';
import { fixed, ratio, type ISummary } from './support/statistics';

type Figure = 'roundtrip' | 'agent' | 'feedback' | 'context' | 'bundle' | 'browser';
const FIGURES: Figure[] = ['roundtrip', 'agent', 'feedback', 'context', 'bundle', 'browser'];

/**
 * One line of the feedback bench (bench/feedbackRender.bench.ts, by the feedback module's author).
 */
interface IFeedbackCase {
  case: string;
  bytes: number;
  budgetTokens: number;
  tokens: number;
  coldMs: number;
  medianMs: number;
  p95Ms: number;
  baselineJsonMs: number;
  countWholeOutputMs: number | null;
  heapDeltaMB: number;
}

interface IResults {
  machine: IMachine;
  date: string;
  command: string;
  roundTrip?: IRoundTripResult;
  agent?: IOverheadResult;
  feedback?: IFeedbackCase[];
  context?: { rows: IContextRow[]; contextBudgetTokens: number };
  bundle?: IBundleResult;
  browser?: IBrowserLatencyResult | { error: string };
}

/**
 * Goals the suite checks; a failed check makes the exit code 1.
 */
const GOALS = {
  /** CI: the executor's median round trip at most this many times the ZMQ floor's. */
  executorOverZmq: 2,
  agentPerStepMs: 2,
  feedback10MBMs: 50,
  ownBundleGzipKB: 400
};

const ROOT = resolve(__dirname, '..', '..');
const BENCH = join(ROOT, 'bench');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ci: { type: 'boolean', default: false },
      only: { type: 'string' },
      'write-results': { type: 'boolean', default: false },
      command: { type: 'string', default: 'scripts/bench' }
    }
  });
  // @jupyterlab/services logs every websocket and kernel status with console.debug.
  console.debug = () => undefined;
  const only = values.only ? (values.only.split(',') as Figure[]) : values.ci ? ['roundtrip', 'feedback'] : FIGURES;
  const python = process.env.CODE_INTERPRETER_PYTHON ?? join(ROOT, '.venv', 'bin', 'python');
  const results: IResults = {
    machine: describeMachine(python),
    date: new Date().toISOString(),
    command: values.command ?? 'scripts/bench'
  };
  const failures: string[] = [];
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  const heading = (line: string) => process.stdout.write(`\n== ${line}\n`);
  const m = results.machine;
  process.stdout.write(
    `${results.date}: ${m.cores} cores (${m.cpu}), ${m.memoryGB} GB, load ${m.loadAverage}; node ${m.node}; ${m.python}\n`
  );

  if (only.includes('roundtrip')) {
    heading('1. round trip of `pass` (ms; ratio to the jupyter_client/ZMQ floor of the same run)');
    const roundTrip = await measureRoundTrips(
      values.ci
        ? { python, count: 100, warmup: 20, blocks: 4, variants: ['zmq', 'executor'] }
        : { python, count: 300, warmup: 50, blocks: 6, variants: ['zmq', 'stock', 'servicesNoDelay', 'executor'] },
      log
    );
    results.roundTrip = roundTrip;
    const floor = roundTrip.summaries.zmq as ISummary;
    for (const [variant, summary] of Object.entries(roundTrip.summaries)) {
      process.stdout.write(
        `  ${Private.VARIANT_NAMES[variant].padEnd(58)} median ${fixed(summary.median).padStart(6)}  p95 ${fixed(summary.p95).padStart(6)}` +
          `  n=${summary.count}  ratio ${ratio(summary.median, floor.median)} (p95 ${ratio(summary.p95, floor.p95)})\n`
      );
    }
    const executor = roundTrip.summaries.executor as ISummary;
    const over = executor.median / floor.median;
    if (over > GOALS.executorOverZmq) {
      failures.push(
        `executor round trip median ${fixed(executor.median)} ms is ${over.toFixed(2)}x the ZMQ floor (${fixed(floor.median)} ms), over ${GOALS.executorOverZmq}x`
      );
    }
  }

  if (only.includes('agent')) {
    heading('2. agent overhead per refinement step (scripted model answering at once; ms per step)');
    const agent = await measureAgentOverhead({ python, steps: 40, turns: 6 }, log);
    results.agent = agent;
    process.stdout.write(
      `  agent's own code: ${fixed(agent.agentPerStepMs)} ms/step (goal < ${GOALS.agentPerStepMs}); ` +
        `with the turn's kernel inspection (${fixed(agent.inspectionMs, 0)} ms) and last save (${fixed(agent.conversationSaveMs, 0)} ms) ` +
        `spread over its ${agent.steps} steps: ${fixed(agent.agentWithTurnWaitsPerStepMs)} ms/step\n` +
        `  kernel ${fixed(agent.kernelPerStepMs)} ms/step, model ${fixed(agent.modelPerStepMs)} ms/step; ` +
        `ratio to the kernel time: ${ratio(agent.agentPerStepMs, agent.kernelPerStepMs)} (with the turn's waits ${ratio(agent.agentWithTurnWaitsPerStepMs, agent.kernelPerStepMs)})\n`
    );
  }

  if (only.includes('feedback')) {
    heading(
      '3. feedback rendering with the tiktoken counter (bench/feedbackRender.bench.ts; baseline JSON.stringify of the result)'
    );
    const feedback = Private.runFeedbackBench();
    results.feedback = feedback;
    for (const row of feedback) {
      const within = row.tokens <= row.budgetTokens;
      process.stdout.write(
        `  ${row.case.padEnd(14)} median ${fixed(row.medianMs).padStart(6)} ms  p95 ${fixed(row.p95Ms).padStart(6)}  cold ${fixed(row.coldMs).padStart(6)}` +
          `  ratio to JSON.stringify ${ratio(row.medianMs, row.baselineJsonMs).padStart(8)}  heap +${fixed(row.heapDeltaMB)} MB` +
          `  tokens ${row.tokens}/${row.budgetTokens} ${within ? 'within budget' : 'OVER BUDGET'}\n`
      );
      if (!within) {
        failures.push(`feedback ${row.case}: ${row.tokens} tokens, over the budget of ${row.budgetTokens}`);
      }
    }
    if (!feedback.some(row => row.bytes >= 10_000_000)) {
      failures.push('the feedback bench printed no 10 MB case');
    }
  }

  if (only.includes('context')) {
    heading('4. tokens the agent sends for a new turn, by notebook size (tiktoken cl100k_base)');
    const context = await measureContextTokens({ python, sizes: [10, 100, 1000] }, log);
    results.context = context;
    const smallest = context.rows[0];
    for (const row of context.rows) {
      process.stdout.write(
        `  ${String(row.cells).padStart(5)} cells  first request ${String(row.firstRequestTokens).padStart(6)}  max ${String(row.maxRequestTokens).padStart(6)}` +
          `  (${ratio(row.firstRequestTokens, smallest.firstRequestTokens)} the 10-cell request)  whole conversation ${row.wholeConversationTokens}` +
          `  user's own notebook ${row.userNotebookTokens}\n`
      );
    }
    // Bounded: never more than the history budget plus the fixed part of a request (system
    // prompt, tool definitions and the prompt, i.e. a fresh conversation's request).
    for (const row of context.rows) {
      const bound = context.contextBudgetTokens + row.userNotebookTokens;
      if (row.maxRequestTokens > bound) {
        failures.push(`${row.cells} cells: a request of ${row.maxRequestTokens} tokens, over the bound of ${bound}`);
      }
    }
  }

  if (only.includes('bundle')) {
    heading('5. labextension size (gzip level 6, per file of static/)');
    const bundle = measureBundle(
      join(ROOT, 'jupyterlab_code_interpreter', 'labextension', 'static'),
      'jupyterlab-code-interpreter'
    );
    results.bundle = bundle;
    for (const chunk of bundle.chunks) {
      process.stdout.write(
        `  ${chunk.file.padEnd(40)} ${chunk.kind.padEnd(6)} ${(chunk.packages.join(',') || '').padEnd(10)} ` +
          `${fixed(chunk.bytes / 1024, 1).padStart(8)} KB  gzip ${fixed(chunk.gzipBytes / 1024, 1).padStart(7)} KB\n`
      );
    }
    process.stdout.write(
      `  own code ${fixed(bundle.ownGzip / 1024, 1)} KB gzip (goal < ${GOALS.ownBundleGzipKB}: ${ratio(bundle.ownGzip / 1024, GOALS.ownBundleGzipKB)} of it); ` +
        `vendor ${fixed(bundle.vendorGzip / 1024, 1)} KB; loaded at start ${fixed(bundle.startupGzip / 1024, 1)} KB; ` +
        `tiktoken ranks chunk: ${bundle.tiktokenGzip === null ? 'none in this build' : `${fixed(bundle.tiktokenGzip / 1024, 1)} KB`}\n`
    );
  }

  if (only.includes('browser')) {
    heading('6. browser: streamed token arriving -> shown in the sidebar (Chromium, ms)');
    const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
    try {
      const browser = await measureBrowserLatency(
        { python, root: ROOT, chromium, turns: 4, tokensPerTurn: 80, intervalMs: 40 },
        log
      );
      results.browser = browser;
      const base = browser.baselineToPaint;
      for (const [name, summary] of [
        ['arrival -> in the sidebar DOM', browser.toDom],
        ['arrival -> painted (next frame)', browser.toPaint],
        ['baseline: arrival -> painted in a bare element', base],
        [`inter-arrival (model sends every ${browser.intervalMs} ms)`, browser.interArrival]
      ] as Array<[string, ISummary]>) {
        process.stdout.write(
          `  ${name.padEnd(48)} median ${fixed(summary.median, 1).padStart(6)}  p95 ${fixed(summary.p95, 1).padStart(6)}  ratio ${ratio(summary.median, base.median)}\n`
        );
      }
    } catch (error) {
      results.browser = { error: (error as Error).message.split('\n')[0] };
      process.stdout.write(`  could not run: ${(error as Error).message}\n`);
      failures.push(`browser figure: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  writeFileSync(join(BENCH, 'out', values.ci ? 'results-ci.json' : 'results.json'), JSON.stringify(results, null, 1));
  if (values['write-results']) {
    Private.writeResultsFile(join(BENCH, 'RESULTS.md'), results, failures);
    process.stdout.write('\nbench/RESULTS.md written.\n');
  }
  process.stdout.write(
    failures.length ? `\nFAILED:\n${failures.map(line => `  ${line}\n`).join('')}` : '\nAll checks passed.\n'
  );
  return failures.length ? 1 : 0;
}

namespace Private {
  export const VARIANT_NAMES: Record<string, string> = {
    zmq: 'jupyter_client over ZMQ (floor)',
    stock: '@jupyterlab/services, stock jupyter_server',
    servicesNoDelay: '@jupyterlab/services, server with the no-delay websocket',
    executor: 'KernelExecutor, server with the no-delay websocket'
  };

  /**
   * Run the feedback module's own bench in its own process and read its JSON lines.
   */
  export function runFeedbackBench(): IFeedbackCase[] {
    const entry = join(BENCH, 'feedbackRender.bench.ts');
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing`);
    }
    const child = spawnSync(process.execPath, [join(BENCH, 'run.mjs'), entry], { cwd: ROOT, encoding: 'utf8' });
    if (child.status !== 0) {
      throw new Error(`the feedback bench failed (${child.status}):\n${child.stderr}`);
    }
    return child.stdout
      .split('\n')
      .filter(line => line.startsWith('{'))
      .map(line => JSON.parse(line) as IFeedbackCase);
  }

  /**
   * Each goal of the brief, met or missed, with the measured figure.
   */
  export function goals(results: IResults): string[] {
    const verdict = (met: boolean) => (met ? 'met' : '**missed**');
    const lines: string[] = [];
    const rt = results.roundTrip?.summaries;
    if (rt?.zmq && rt.executor) {
      const over = rt.executor.median / rt.zmq.median;
      lines.push(
        `executor round trip within ${GOALS.executorOverZmq}x the ZMQ floor: ${verdict(over <= GOALS.executorOverZmq)} (${over.toFixed(2)}x)`
      );
    }
    const agent = results.agent;
    if (agent) {
      const worst = Math.max(...agent.turns.map(turn => turn.agentPerStepMs));
      lines.push(
        `agent overhead under ${GOALS.agentPerStepMs} ms a step: agent's own code ${verdict(agent.agentPerStepMs < GOALS.agentPerStepMs)} ` +
          `(median ${fixed(agent.agentPerStepMs)} ms, worst turn ${fixed(worst)} ms); with the turn's kernel inspection ` +
          `and last save spread over its ${agent.steps} steps ${fixed(agent.agentWithTurnWaitsPerStepMs)} ms (not a goal: ` +
          `they come once a turn, ${fixed(agent.inspectionMs, 0)} + ${fixed(agent.conversationSaveMs, 0)} ms, and are the kernel's and the server's time)`
      );
    }
    const tenMB = results.feedback?.find(row => row.case === 'lines-10MB');
    if (tenMB) {
      lines.push(
        `feedback of a 10 MB output under ${GOALS.feedback10MBMs} ms: ${verdict(tenMB.medianMs < GOALS.feedback10MBMs)} ` +
          `(median ${fixed(tenMB.medianMs)} ms, p95 ${fixed(tenMB.p95Ms)} ms, first call ${fixed(tenMB.coldMs)} ms); ` +
          `every case within its token budget: ${verdict(!!results.feedback?.every(row => row.tokens <= row.budgetTokens))}`
      );
    }
    const context = results.context;
    if (context) {
      const last = context.rows[context.rows.length - 1];
      lines.push(
        `tokens per turn bounded: ${verdict(last.maxRequestTokens <= context.contextBudgetTokens + last.userNotebookTokens)} ` +
          `(${last.cells} cells: ${last.maxRequestTokens} tokens sent, the whole conversation would be ${last.wholeConversationTokens})`
      );
    }
    const bundle = results.bundle;
    if (bundle) {
      lines.push(
        `own code under ${GOALS.ownBundleGzipKB} KB gzip: ${verdict(bundle.ownGzip / 1024 < GOALS.ownBundleGzipKB)} (${fixed(bundle.ownGzip / 1024, 1)} KB)`
      );
    }
    return lines;
  }

  const BEGIN = '<!-- results:begin (written by scripts/bench) -->';
  const END = '<!-- results:end -->';

  /**
   * Write the tables between the markers of bench/RESULTS.md, keeping the text around them.
   */
  export function writeResultsFile(path: string, results: IResults, failures: string[]): void {
    const previous = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmark results\n\n${BEGIN}\n${END}\n`;
    const start = previous.indexOf(BEGIN);
    const end = previous.indexOf(END);
    const head = start >= 0 ? previous.slice(0, start) : `${previous}\n`;
    const tail = end >= 0 ? previous.slice(end + END.length) : '\n';
    writeFileSync(path, `${head}${BEGIN}\n${tables(results, failures)}${END}${tail}`);
  }

  function tables(results: IResults, failures: string[]): string {
    const m = results.machine;
    const lines: string[] = [
      `Measured ${results.date.slice(0, 16).replace('T', ' ')} UTC with \`${results.command}\`.`,
      '',
      `Machine: ${m.cores} cores (\`nproc\`), ${m.cpu}, ${m.memoryGB} GB memory, load average ${m.loadAverage} at start ` +
        `(shared with other work); Node ${m.node}; ${m.python}.`,
      ''
    ];
    const rt = results.roundTrip;
    if (rt) {
      const floor = rt.summaries.zmq as ISummary;
      lines.push(
        `### 1. Round trip of \`pass\` (${floor.count} each after ${rt.warmup} warm-up, variants interleaved in ${rt.blocks} blocks)`,
        '',
        '| client | median ms | p95 ms | median / ZMQ | p95 / ZMQ |',
        '| --- | ---: | ---: | ---: | ---: |'
      );
      for (const [variant, summary] of Object.entries(rt.summaries)) {
        lines.push(
          `| ${VARIANT_NAMES[variant]} | ${fixed(summary.median)} | ${fixed(summary.p95)} | ${ratio(summary.median, floor.median)} | ${ratio(summary.p95, floor.p95)} |`
        );
      }
      lines.push('');
    }
    const agent = results.agent;
    if (agent) {
      lines.push(
        `### 2. Agent overhead per refinement step (${agent.turns.length} turns of ${agent.steps} steps after a warm-up turn, one conversation)`,
        '',
        '| per step, median of the turns | ms | / kernel time |',
        '| --- | ---: | ---: |',
        `| agent (total - model - executions - the turn's inspection and last save; the notebook's background saves, ${fixed(agent.savesPerStep, 1)} a step, overlap them) | ${fixed(agent.agentPerStepMs)} | ${ratio(agent.agentPerStepMs, agent.kernelPerStepMs)} |`,
        `| agent with the turn's inspection and last save spread over its steps | ${fixed(agent.agentWithTurnWaitsPerStepMs)} | ${ratio(agent.agentWithTurnWaitsPerStepMs, agent.kernelPerStepMs)} |`,
        `| kernel (executions of \`pass\`) | ${fixed(agent.kernelPerStepMs)} | 1.00x |`,
        `| model (scripted, loopback HTTP + SSE) | ${fixed(agent.modelPerStepMs)} | ${ratio(agent.modelPerStepMs, agent.kernelPerStepMs)} |`,
        '',
        `Once a turn (medians): the kernel's inspection before the first request ${fixed(agent.inspectionMs, 0)} ms, ` +
          `the save of the notebook with the conversation after the last step ${fixed(agent.conversationSaveMs, 0)} ms.`,
        '',
        'Turn by turn, as the conversation grows:',
        '',
        "| turn | messages before | agent's own ms/step | of which request assembly | inspection ms | last save ms | agent + these ms/step | kernel ms/step | model ms/step |",
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...agent.turns.map(
          (turn, i) =>
            `| ${i + 1} | ${turn.historyMessages} | ${fixed(turn.agentPerStepMs)} | ${fixed(turn.requestAssemblyPerStepMs)} | ${fixed(turn.inspectionMs, 0)} | ${fixed(turn.conversationSaveMs, 0)} | ${fixed(turn.agentWithTurnWaitsPerStepMs)} | ${fixed(turn.kernelPerStepMs)} | ${fixed(turn.modelPerStepMs)} |`
        ),
        ''
      );
    }
    const feedback = results.feedback;
    if (feedback) {
      lines.push(
        '### 3. Feedback rendering, tiktoken counter, budget 1500 tokens (baseline: `JSON.stringify` of the same result)',
        '',
        '| output | median ms | p95 ms | cold ms | / JSON.stringify | heap delta MB | tokens / budget |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'
      );
      for (const row of feedback) {
        lines.push(
          `| ${row.case} | ${fixed(row.medianMs)} | ${fixed(row.p95Ms)} | ${fixed(row.coldMs)} | ${ratio(row.medianMs, row.baselineJsonMs)} | ${fixed(row.heapDeltaMB)} | ${row.tokens} / ${row.budgetTokens} |`
        );
      }
      lines.push('');
    }
    const context = results.context;
    if (context) {
      lines.push(
        `### 4. Tokens sent for a new turn (history budget ${context.contextBudgetTokens} tokens; two agent cells a turn)`,
        '',
        "| cells | earlier turns | first request | largest request | / 10 cells | messages sent | whole conversation | user's notebook, no conversation |",
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
      );
      const smallest = context.rows[0];
      for (const row of context.rows) {
        lines.push(
          `| ${row.cells} | ${row.earlierTurns} | ${row.firstRequestTokens} | ${row.maxRequestTokens} | ${ratio(row.firstRequestTokens, smallest.firstRequestTokens)} | ${row.messagesSent} | ${row.wholeConversationTokens} | ${row.userNotebookTokens} |`
        );
      }
      lines.push('');
    }
    const bundle = results.bundle;
    if (bundle) {
      lines.push(
        `### 5. Labextension size (build of ${bundle.builtAt.slice(0, 16).replace('T', ' ')} UTC, gzip level 6)`,
        '',
        '| file | kind | packages | KB | KB gzip |',
        '| --- | --- | --- | ---: | ---: |'
      );
      for (const chunk of bundle.chunks) {
        lines.push(
          `| ${chunk.file} | ${chunk.kind}${chunk.tiktoken ? ' (tiktoken ranks)' : ''} | ${chunk.packages.join(', ')} | ${fixed(chunk.bytes / 1024, 1)} | ${fixed(chunk.gzipBytes / 1024, 1)} |`
        );
      }
      lines.push(
        '',
        `Own code ${fixed(bundle.ownGzip / 1024, 1)} KB gzip (goal < ${GOALS.ownBundleGzipKB} KB: ${ratio(bundle.ownGzip / 1024, GOALS.ownBundleGzipKB)} of it); ` +
          `vendor fallbacks ${fixed(bundle.vendorGzip / 1024, 1)} KB; loaded at start ${fixed(bundle.startupGzip / 1024, 1)} KB; ` +
          `lazy ${fixed(bundle.lazyGzip / 1024, 1)} KB; tiktoken ranks chunk: ${bundle.tiktokenGzip === null ? 'none in this build' : `${fixed(bundle.tiktokenGzip / 1024, 1)} KB`}.`,
        ''
      );
    }
    const browser = results.browser;
    if (browser) {
      lines.push(
        '### 6. Browser: streamed token arriving in the page -> shown in the sidebar (Chromium, headless)',
        ''
      );
      if ('error' in browser) {
        lines.push(`Could not run: ${browser.error}`, '');
      } else {
        const base = browser.baselineToPaint;
        lines.push(
          `${browser.tokens} tokens over ${browser.turns} turns, one every ${browser.intervalMs} ms.`,
          '',
          '| interval | median ms | p95 ms | median / baseline |',
          '| --- | ---: | ---: | ---: |',
          `| arrival -> in the sidebar's DOM | ${fixed(browser.toDom.median, 1)} | ${fixed(browser.toDom.p95, 1)} | ${ratio(browser.toDom.median, base.median)} |`,
          `| arrival -> painted (next frame) | ${fixed(browser.toPaint.median, 1)} | ${fixed(browser.toPaint.p95, 1)} | ${ratio(browser.toPaint.median, base.median)} |`,
          `| baseline: arrival -> painted in a bare element | ${fixed(base.median, 1)} | ${fixed(base.p95, 1)} | 1.00x |`,
          `| inter-arrival of tokens | ${fixed(browser.interArrival.median, 1)} | ${fixed(browser.interArrival.p95, 1)} | |`,
          ''
        );
      }
    }
    lines.push('### Goals', '', ...goals(results).map(line => `- ${line}`), '');
    lines.push(failures.length ? `Checks failed: ${failures.join('; ')}.` : 'All checks passed.', '');
    return lines.join('\n');
  }
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  }
);
