// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { loadDataset } from '../eval/dataset';
import { readSamples } from '../eval/samplesFile';
import {
  parseCommandLine,
  parseDataset,
  resolveDataFile,
  runEvaluationCommand,
  SHARED_HELP,
  SHARED_OPTIONS,
  UsageError
} from './evalOptions';

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
  const values = parseCommandLine(argv, Private.parse, EVALUATE_HELP);
  if (typeof values === 'number') {
    return values;
  }
  return runEvaluationCommand('evaluate', values, () => {
    const dataset = parseDataset(values.dataset);
    const dataFile = resolveDataFile(dataset, values.data);
    if (!values.samples) {
      throw new UsageError('--samples FILE.jsonl is required.');
    }
    if (!existsSync(values.samples)) {
      throw new UsageError(`The samples file ${values.samples} does not exist.`);
    }
    const samples = readSamples(values.samples, loadDataset(dataFile).tasks);
    const outDir =
      values.out ?? join(dirname(values.samples), `${basename(values.samples).replace(/\.jsonl$/, '')}.eval`);
    return { dataset, dataFile, outDir, samples };
  });
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
