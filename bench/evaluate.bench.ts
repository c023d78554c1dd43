// Benchmark: the harness against EvalPlus's own evaluator, on the 164 HumanEval+ canonical
// solutions (base and plus inputs), in the same run, on the same machine, with 2 workers each.
//
// Run it with `node bench/evaluate-runner.mjs` (it bundles this file with esbuild and runs it).
// Prints the wall time of both, their ratio, and whether the verdicts agree, twice: with cold
// caches (expected outputs computed) and warm ones (read from the cache).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvaluateCommand } from '../src/cli/evaluateCommand';
import { defaultDataFile, loadDataset, packageRoot } from '../src/eval/dataset';
import type { IResultRecord } from '../src/eval/resultsFile';

// @jupyterlab/services logs every websocket event with console.debug.
console.debug = () => undefined;

/** EvalPlus 0.3.1 fails HumanEval/32 for every solution (its find_zero oracle skips the pass count). */
const EVALPLUS_FIND_ZERO_BUG = 'HumanEval/32';

const workers = Number(process.env.BENCH_WORKERS ?? 2);
const python = process.env.CODE_INTERPRETER_PYTHON ?? join(packageRoot() ?? '.', '.venv', 'bin', 'python');

type Verdicts = Map<string, string>;

async function ours(
  samples: string,
  dataFile: string,
  outDir: string,
  cacheDir: string
): Promise<{ seconds: number; verdicts: Verdicts }> {
  const started = process.hrtime.bigint();
  const code = await runEvaluateCommand([
    '--dataset',
    'humaneval+',
    '--data',
    dataFile,
    '--samples',
    samples,
    '--out',
    outDir,
    '--workers',
    String(workers),
    '--cache-dir',
    cacheDir
  ]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) {
    throw new Error(`the harness exited with ${code}`);
  }
  const verdicts: Verdicts = new Map();
  for (const line of readFileSync(join(outDir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const record = JSON.parse(line) as IResultRecord;
    verdicts.set(record.task_id, `${record.base_status}/${record.plus_status}`);
  }
  return { seconds, verdicts };
}

function evalplus(samples: string, dataFile: string, cacheHome: string): { seconds: number; verdicts: Verdicts } {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    python,
    [
      '-m',
      'evalplus.evaluate',
      '--dataset',
      'humaneval',
      '--samples',
      samples,
      '--parallel',
      String(workers),
      '--i_just_wanna_run'
    ],
    {
      env: {
        ...process.env,
        HUMANEVAL_OVERRIDE_PATH: dataFile,
        XDG_CACHE_HOME: cacheHome,
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9'
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    }
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`evalplus exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  }
  const parsed = JSON.parse(readFileSync(samples.replace(/\.jsonl$/, '_eval_results.json'), 'utf8')) as {
    eval: Record<string, { base_status: string; plus_status: string }[]>;
  };
  const verdicts: Verdicts = new Map();
  for (const [taskId, [first]] of Object.entries(parsed.eval)) {
    verdicts.set(taskId, `${first.base_status}/${first.plus_status}`);
  }
  return { seconds, verdicts };
}

function compare(a: Verdicts, b: Verdicts): { same: number; differ: string[] } {
  let same = 0;
  const differ: string[] = [];
  for (const [taskId, verdict] of a) {
    if (b.get(taskId) === verdict) {
      same++;
    } else {
      differ.push(`${taskId}: harness ${verdict}, evalplus ${b.get(taskId)}`);
    }
  }
  return { same, differ };
}

async function main(): Promise<void> {
  const dataFile = process.env.BENCH_DATA ?? defaultDataFile('humaneval+');
  if (!dataFile) {
    throw new Error('No HumanEvalPlus.jsonl.gz: set BENCH_DATA.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'evaluate-bench-'));
  const stderr = process.stderr.write.bind(process.stderr);
  try {
    const tasks = loadDataset(dataFile).tasks;
    const samples = [join(dir, 'cold.jsonl'), join(dir, 'warm.jsonl')];
    writeFileSync(
      samples[0],
      tasks.map(t => JSON.stringify({ task_id: t.taskId, solution: t.prompt + t.canonicalSolution })).join('\n') + '\n'
    );
    copyFileSync(samples[0], samples[1]);
    const rows: string[] = [];
    for (const [index, phase] of ['cold', 'warm'].entries()) {
      // The harness's progress bar and table would drown the report.
      process.stderr.write = (() => true) as typeof process.stderr.write;
      const stdoutWrite = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      let mine: Awaited<ReturnType<typeof ours>>;
      let theirs: ReturnType<typeof evalplus>;
      try {
        // Alternate the order so neither side always runs on a machine the other just warmed.
        if (index === 0) {
          mine = await ours(samples[index], dataFile, join(dir, `ours-${phase}`), join(dir, 'cache'));
          theirs = evalplus(samples[index], dataFile, join(dir, 'xdg'));
        } else {
          theirs = evalplus(samples[index], dataFile, join(dir, 'xdg'));
          mine = await ours(samples[index], dataFile, join(dir, `ours-${phase}`), join(dir, 'cache'));
        }
      } finally {
        process.stderr.write = stderr;
        process.stdout.write = stdoutWrite;
      }
      const agreement = compare(mine.verdicts, theirs.verdicts);
      const known = agreement.differ.filter(line => line.startsWith(`${EVALPLUS_FIND_ZERO_BUG}:`));
      const unknown = agreement.differ.filter(line => !known.includes(line));
      const passing = [...mine.verdicts.values()].filter(v => v === 'pass/pass').length;
      rows.push(
        `${phase.padEnd(5)}  harness ${mine.seconds.toFixed(2).padStart(7)} s  evalplus ${theirs.seconds.toFixed(2).padStart(7)} s  ` +
          `ratio ${(mine.seconds / theirs.seconds).toFixed(2)}x  harness pass/pass ${passing}/${tasks.length}  ` +
          `same verdicts ${agreement.same}/${tasks.length}` +
          (known.length ? ` (+ ${known.length} EvalPlus find_zero bug)` : '') +
          (unknown.length ? `\n       DIFFERENT: ${unknown.join('; ')}` : '')
      );
    }
    process.stdout.write(
      `HumanEval+ canonical solutions, base + plus inputs, ${workers} workers each (ratio = harness / evalplus)\n${rows.join('\n')}\n`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  }
);
