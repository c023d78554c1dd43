// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import {
  defaultWorkers,
  exitCodeOf,
  ExitCode,
  parseDataset,
  parsePositiveInt,
  parsePositiveNumber,
  resolveDataFile,
  SHARED_HELP,
  SHARED_OPTIONS,
  UsageError,
  withInterrupt
} from '../eval/commandSupport';
import { loadDataset } from '../eval/dataset';
import { runEvaluation } from '../eval/evalRun';
import { readSamples } from '../eval/samplesFile';
import { formatSummaryTable } from '../eval/summaryTable';

/**
 * The help of `code-interpreter evaluate`.
 */
export const EVALUATE_HELP = `Usage: code-interpreter evaluate --dataset NAME --samples FILE.jsonl [options]

Check existing solutions on a benchmark's hidden tests, without a model, in Jupyter kernels.
The samples are in EvalPlus's format: one {"task_id", "solution"} a line ("completion" is
accepted too and is appended to the task's prompt). Several lines for a task are several samples.
Verdicts follow EvalPlus (same time limits, tolerances and special cases).

Options:
  --samples FILE              the samples (required)
${SHARED_HELP}

Writes results.jsonl and summary.json into --out (default: FILE without .jsonl, plus ".eval"),
prints a table on stdout and a progress bar on stderr. Ctrl-C stops and keeps what finished.
Exit codes: 0 done, 1 failure or stopped, 2 usage error, 3 Jupyter server unreachable.
`;

/**
 * `code-interpreter evaluate`: check existing samples.
 *
 * @param argv - the arguments after `evaluate`.
 * @returns the exit code.
 */
export async function runEvaluateCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof Private.parse>;
  try {
    values = Private.parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${EVALUATE_HELP}`);
    return ExitCode.Usage;
  }
  if (values.help) {
    process.stdout.write(EVALUATE_HELP);
    return ExitCode.Ok;
  }
  try {
    const dataset = parseDataset(values.dataset);
    const dataFile = resolveDataFile(dataset, values.data);
    if (!values.samples) {
      throw new UsageError('--samples FILE.jsonl is required.');
    }
    if (!existsSync(values.samples)) {
      throw new UsageError(`The samples file ${values.samples} does not exist.`);
    }
    const samples = readSamples(values.samples, loadDataset(dataFile).tasks);
    const outDir = values.out ?? join(dirname(values.samples), `${basename(values.samples).replace(/\.jsonl$/, '')}.eval`);
    const summary = await withInterrupt(signal =>
      runEvaluation({
        dataset,
        dataFile,
        outDir,
        samples,
        workers: parsePositiveInt('--workers', values.workers, defaultWorkers()),
        limit: parsePositiveInt('--limit', values.limit),
        resume: !!values.resume,
        jupyter: { serverUrl: values['server-url'], token: values.token },
        cacheDir: values['cache-dir'],
        timeLimits: {
          minTimeLimit: parsePositiveNumber('--min-time-limit', values['min-time-limit']),
          gtTimeLimitFactor: parsePositiveNumber('--gt-time-limit-factor', values['gt-time-limit-factor'])
        },
        progress: process.stderr,
        signal
      })
    );
    process.stdout.write(formatSummaryTable(summary));
    process.stderr.write(`Results in ${outDir}\n`);
    return summary.interrupted ? ExitCode.Failed : ExitCode.Ok;
  } catch (error) {
    const { code, message } = exitCodeOf(error);
    process.stderr.write(`code-interpreter evaluate: ${message}\n`);
    return code;
  }
}

namespace Private {
  export function parse(argv: string[]) {
    return parseArgs({
      args: argv,
      options: { ...SHARED_OPTIONS, samples: { type: 'string' } },
      allowPositionals: false,
      strict: true
    }).values;
  }
}
