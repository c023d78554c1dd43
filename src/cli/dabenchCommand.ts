// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { packageRoot } from '../eval/dataset';
import { runDabench } from '../eval/dabenchRun';
import { formatSummaryTable } from '../eval/summaryTable';
import { createTiktokenCounter } from '../feedback/tiktokenCounter';
import { ExitCode, UsageError } from './commonOptions';
import { parseEffort } from './effortOptions';
import {
  defaultWorkers,
  exitCodeOf,
  parsePositiveInt,
  parseServers,
  withInterrupt,
  type SharedValues
} from './evalOptions';
import {
  chooseModel,
  describeLocalModelProgress,
  openModel,
  type IModelChoiceValues,
  type IOpenModel
} from './modelEndpoint';
import { parseSettingOption, settingHelp } from './settingOptions';

/**
 * The help of `code-interpreter eval --dataset dabench` (a part of `eval --help`).
 */
export const DABENCH_HELP = `InfiAgent-DABench (--dataset dabench):
  The product's agent answers each data-analysis question in a notebook of its own (one kernel per
  question, the question's CSV in the notebook's folder), with a session's settings (system
  prompt, tools protocol auto, feedback, ${SETTING_DEFINITIONS.maxAttempts.default} executions, ${SETTING_DEFINITIONS.executionTimeout.default} s per cell, temperature 0). The answer is
  read as @name[value] lines from the agent's final answer (else from the last cell's output) and
  scored: text ignoring case and blanks around it; a number when it rounds to the label at the
  label's decimals (or is within 1e-6); a comma-separated label item by item.
  --data DIR                  questions.jsonl, labels.jsonl and tables/*.csv (the benchmark's dev
                              set, CC BY-NC 4.0, not shipped: get it from github.com/InfiAgent/InfiAgent,
                              examples/DA-Agent/data); default in a source checkout: ../shared/data/dabench
  --kernel-state on|off       show the kernel's state (variables, frames, files) to the model at the
                              start of the turn, as a session does (default on: ${AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default} tokens)
  --max-attempts N            executions per question (as a session: ${settingHelp(SETTING_DEFINITIONS.maxAttempts)})
  --effort thorough           K runs of the agent per question (--candidates, default 3), the first
                              greedy, the others sampled at --candidate-temperature, candidate i with
                              seed --seed + i, each in a fresh notebook
                              with its own kernel in its own copy of the question's folder
                              (notebooks/<id>/candidate-<i>/: files one writes never reach another),
                              one after the other; per sub-answer the most common @name[value]
                              among the runs that completed wins (normalised: case, blanks, 3.50 =
                              3.5; ties to the earlier run); runs that gave up or ended unverified
                              vote only when none completed
  Writes results.jsonl (each question's notebook, answer and sub-answer verdicts; with thorough,
  every run and the votes), summary.json (accuracy by question, by sub-answer, and proportional
  by sub-answer; the effort; wall time per question, median and mean) and the notebooks under
  --out (default ./code-interpreter-eval/dabench, or dabench-thorough-kK).`;

/**
 * The values `eval` parses that a DABench run reads.
 */
export type DabenchValues = SharedValues &
  IModelChoiceValues & {
    mode?: string;
    'feedback-tests'?: string;
    'critic-model'?: string;
    'critic-base-url'?: string;
    'critic-api-key'?: string;
    'max-attempts'?: string;
    'max-tokens'?: string;
    'kernel-state'?: string;
    effort?: string;
    candidates?: string;
    'candidate-temperature'?: string;
    seed?: string;
  };

/**
 * `code-interpreter eval --dataset dabench`.
 *
 * @param values - the parsed options of `eval`.
 * @returns the exit code: 0 done, 1 stopped or failed, 2 usage error, 3 Jupyter or the model
 * unreachable.
 */
export async function runDabenchCommand(values: DabenchValues): Promise<number> {
  let opened: IOpenModel | undefined;
  try {
    for (const name of [
      'mode',
      'feedback-tests',
      'critic-model',
      'critic-base-url',
      'critic-api-key',
      'max-tokens',
      'min-time-limit',
      'gt-time-limit-factor',
      'cache-dir'
    ] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} does not apply to dabench (the agent runs as in a session).`);
      }
    }
    const servers = parseServers(values);
    if (servers.length > 1) {
      throw new UsageError('dabench runs on one Jupyter server: give one --server-url.');
    }
    const [server] = servers;
    const workers = parsePositiveInt('--workers', values.workers, defaultWorkers());
    const limit = parsePositiveInt('--limit', values.limit);
    const maxAttempts = parseSettingOption('--max-attempts', values['max-attempts'], SETTING_DEFINITIONS.maxAttempts);
    const kernelState = values['kernel-state'] ?? 'on';
    if (kernelState !== 'on' && kernelState !== 'off') {
      throw new UsageError(`--kernel-state must be on or off, not "${kernelState}".`);
    }
    const thorough = parseEffort(values);
    const dataDir = Private.resolveDataDir(values.data);
    const choice = chooseModel(values);
    opened = await openModel(choice, {
      server,
      onProgress: progress => process.stderr.write(`${describeLocalModelProgress(progress)}\n`)
    });
    const model = opened;
    const outDir =
      values.out ?? join('code-interpreter-eval', thorough ? `dabench-thorough-k${thorough.candidates}` : 'dabench');
    const tokenCounter = await createTiktokenCounter();
    const summary = await withInterrupt(signal =>
      runDabench({
        dataDir,
        outDir,
        workers,
        limit,
        resume: !!values.resume,
        jupyter: { serverUrl: server?.url, token: server?.token },
        // Greedy decoding, as the other datasets.
        model: { client: model.client, contextWindow: model.contextWindow, temperature: 0 },
        agent: {
          maxAttempts,
          kernelStateTokens: kernelState === 'on' ? AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default : 0
        },
        tokenCounter,
        ...(thorough ? { thorough } : {}),
        progress: process.stderr,
        signal
      })
    );
    process.stdout.write(formatSummaryTable(summary));
    process.stderr.write(`Results in ${outDir}\n`);
    return summary.interrupted ? ExitCode.Failed : ExitCode.Ok;
  } catch (error) {
    const { code, message } = exitCodeOf(error);
    process.stderr.write(`code-interpreter eval: ${message}\n`);
    return code;
  } finally {
    await opened?.close();
  }
}

namespace Private {
  /**
   * The data folder: `--data`, or the shared copy next to a source checkout.
   */
  export function resolveDataDir(value: string | undefined): string {
    const check = (dir: string) => existsSync(join(dir, 'questions.jsonl')) && existsSync(join(dir, 'labels.jsonl'));
    if (value) {
      if (!check(value)) {
        throw new UsageError(
          `${value} is not a DABench folder: it must hold questions.jsonl, labels.jsonl and tables/.`
        );
      }
      return value;
    }
    const root = packageRoot();
    const candidate = root && existsSync(join(root, 'src')) ? join(root, '..', 'shared', 'data', 'dabench') : undefined;
    if (candidate && check(candidate)) {
      return candidate;
    }
    throw new UsageError(
      '--data DIR is required for dabench: a folder with questions.jsonl, labels.jsonl and tables/ from ' +
        'https://github.com/InfiAgent/InfiAgent (examples/DA-Agent/data; CC BY-NC 4.0, for evaluation only).'
    );
  }
}
