// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { datasetFamily, datasetSections } from '../eval/dataset';
import { CandidateSolver } from '../eval/candidateSolver';
import { DABENCH_HELP, runDabenchCommand } from './dabenchCommand';
import { EFFORT_HELP, EFFORT_OPTIONS, parseEffort } from './effortOptions';
import { parseSettingOption } from './settingOptions';
import { TaskSolver, type ITaskSolver } from '../eval/taskSolver';
import type { EvalMode, TestSection } from '../eval/evalTask';
import { ModelClient } from '../model/modelClient';
import {
  LOCAL_MODEL_OPTIONS,
  chooseModel,
  describeLocalModelProgress,
  openModel,
  type IOpenModel
} from './modelEndpoint';
import {
  ExitCode,
  parseCommandLine,
  parseDataset,
  parsePositiveInt,
  parseServers,
  parseTimeLimits,
  resolveDataFile,
  runEvaluationCommand,
  SHARED_HELP,
  SHARED_OPTIONS,
  UsageError
} from './evalOptions';

/**
 * The help of `code-interpreter eval`.
 */
export const EVAL_HELP = `Usage: code-interpreter eval --dataset NAME [--model MODEL] [options]

Run a model on HumanEval(+) or MBPP(+) as the OpenCodeInterpreter paper does, with execution
feedback in Jupyter kernels, and score pass@1 (greedy, temperature 0) with EvalPlus's verdicts;
or run the product's agent on InfiAgent-DABench (--dataset dabench, below).

Modes (--mode):
  single           one answer per task
  exec-feedback    the solution runs on the tests; the first failure (wrong output with input,
                   expected and actual; traceback; timeout; missing function) goes back to the
                   model, which revises (the paper's execution feedback)
  self-feedback    no hidden test reaches the model: only the code's own run and the examples
                   visible in the prompt (doctest lines, MBPP's assert) give feedback
  human-feedback   a critic model turns the execution result into short guidance for the coder
                   (the paper's synthesized human feedback)

Model options:
  --base-url URL              OpenAI-compatible endpoint (env OPENAI_BASE_URL; a key alone means OpenAI)
  --api-key KEY               its key (env OPENAI_API_KEY)
  --model NAME                the coder model (env CODE_INTERPRETER_MODEL; required with an endpoint)
  --local-model NAME          with no endpoint and no key: the embedded local model, 1.5b or 0.5b
                              (default: the installed one; 1.5b when both are), started for the run
                              and stopped after it; with --server-url, the model that server's
                              extension serves, through its proxy
  --gguf PATH                 serve this GGUF file as the local model instead
  --critic-model NAME         the critic of human-feedback mode (default: the coder model)
  --critic-base-url URL       its endpoint (default: --base-url)
  --critic-api-key KEY        its key (default: --api-key)
  --max-tokens N              the longest answer, in tokens (default 1024: a model that repeats itself
                              cannot hold a task for the whole context window)
Run options:
  --mode MODE                 single | exec-feedback | self-feedback | human-feedback (default single)
  --max-attempts N            the coder's answers per task, the first included (default 2: one
                              refinement, as the paper; single mode always 1)
  --feedback-tests WHICH      base | all: the hidden tests whose failures are fed back in
                              exec-feedback and human-feedback (default base)
  --retry-temperature T       when the coder answers a failing solution again unchanged, it is told
                              so and asked once more, at this temperature with a fixed seed
                              (default 0: greedy, which mostly gives the same answer again)
${SHARED_HELP}
${EFFORT_HELP}

Thorough effort on HumanEval(+)/MBPP(+) (with --mode single, the default; it picks, it does not
refine): each task's K candidates are loaded each into a namespace of its own on the worker's
kernel and run on the examples visible in the prompt only (doctest lines, MBPP's assert), never
on the hidden tests; the candidate passing most examples wins, ties going to the behaviour (the
values and errors on the examples) most of them share, then to the first. Only the winner is
scored. results.jsonl records every candidate, its examples' verdicts and the choice.

Writes samples.jsonl (EvalPlus format), results.jsonl (verdicts, attempts, every answer, feedback,
tokens per task) and summary.json (with whether a second run would give the same answers, the
effort, and the wall time per task, median and mean) into --out (default
./code-interpreter-eval/DATASET-MODE, -thorough-kK appended for the thorough effort), prints a
table on stdout and a progress bar on stderr (with the candidate under way). Ctrl-C stops and
keeps what finished; --resume continues.

${DABENCH_HELP}

Exit codes: 0 done, 1 failure or stopped, 2 usage error, 3 Jupyter server or model endpoint unreachable.
`;

/**
 * `code-interpreter eval`: run a model on a benchmark.
 *
 * @param argv - the arguments after `eval`.
 * @returns the exit code.
 */
export async function runEvalCommand(argv: string[]): Promise<number> {
  const values = parseCommandLine(argv, Private.parse, EVAL_HELP);
  if (typeof values === 'number') {
    return values;
  }
  if (values.dataset === 'dabench') {
    return runDabenchCommand(values);
  }
  if (values['kernel-state'] !== undefined) {
    process.stderr.write('code-interpreter eval: --kernel-state applies to --dataset dabench only.\n');
    return ExitCode.Usage;
  }
  let opened: IOpenModel | undefined;
  try {
    return await runEvaluationCommand('eval', values, async () => {
      // Option values first (by name), then the data file, then the model.
      const dataset = parseDataset(values.dataset);
      const mode = Private.parseMode(values.mode);
      const thorough = parseEffort(values);
      if (thorough && mode !== 'single') {
        throw new UsageError(
          '--effort thorough picks among candidates and does not refine: use it with --mode single.'
        );
      }
      const feedbackSections = Private.parseFeedbackTests(values['feedback-tests'], datasetSections(dataset));
      const attempts = parsePositiveInt('--max-attempts', values['max-attempts'], 2);
      const maxTokens = parsePositiveInt('--max-tokens', values['max-tokens'], 1024);
      const retryTemperature = parseSettingOption(
        '--retry-temperature',
        values['retry-temperature'],
        SETTING_DEFINITIONS.temperature
      );
      const choice = chooseModel(values);
      const dataFile = resolveDataFile(dataset, values.data);
      // The local model of a server's extension: the first server's.
      opened = await openModel(choice, {
        server: parseServers(values)[0],
        onProgress: progress => process.stderr.write(`${describeLocalModelProgress(progress)}\n`)
      });
      const coder = opened.client;
      const model = coder.model;
      const apiKey = values['api-key'] ?? process.env.OPENAI_API_KEY ?? '';
      const criticModel = values['critic-model'];
      const critic =
        mode !== 'human-feedback'
          ? undefined
          : values['critic-base-url']
            ? new ModelClient({
                baseURL: values['critic-base-url'],
                apiKey: values['critic-api-key'] ?? apiKey,
                model: criticModel ?? model
              })
            : coder.withModel(criticModel ?? model);
      const maxAttempts = mode === 'single' ? 1 : attempts;
      const sections = datasetSections(dataset);
      // Reproducible verdicts on the local llama.cpp server (see TaskSolver.IOptions).
      const requestExtras = choice.kind === 'local' ? { cache_prompt: false } : undefined;
      const solver: ITaskSolver = thorough
        ? new CandidateSolver({
            coder,
            family: datasetFamily(dataset),
            sections,
            ...thorough,
            maxTokens,
            timeLimits: parseTimeLimits(values),
            requestExtras
          })
        : new TaskSolver({
            coder,
            critic,
            mode,
            family: datasetFamily(dataset),
            sections,
            feedbackSections,
            maxAttempts,
            maxTokens,
            timeLimits: parseTimeLimits(values),
            requestExtras,
            retryTemperature
          });
      const effortTag = thorough ? `-thorough-k${thorough.candidates}` : '';
      const outDir =
        values.out ?? join('code-interpreter-eval', `${dataset.replace('+', '-plus')}-${mode}${effortTag}`);
      const judgedBy = mode === 'human-feedback' ? (criticModel ?? model) : undefined;
      return {
        dataset,
        dataFile,
        outDir,
        solver: {
          solver,
          mode,
          model,
          criticModel: judgedBy,
          maxAttempts,
          retryTemperature,
          reproducibility: thorough
            ? Private.thoroughReproducibility(choice.kind === 'local')
            : Private.reproducibility(choice.kind === 'local', retryTemperature),
          ...(thorough ? { thorough } : {})
        }
      };
    });
  } finally {
    await opened?.close();
  }
}

namespace Private {
  const MODES: readonly EvalMode[] = ['single', 'exec-feedback', 'self-feedback', 'human-feedback'];

  export function parse(argv: string[]) {
    return parseArgs({
      args: argv,
      options: {
        ...SHARED_OPTIONS,
        mode: { type: 'string' },
        'max-attempts': { type: 'string' },
        'feedback-tests': { type: 'string' },
        'retry-temperature': { type: 'string' },
        'base-url': { type: 'string' },
        'api-key': { type: 'string' },
        model: { type: 'string' },
        ...LOCAL_MODEL_OPTIONS,
        'critic-model': { type: 'string' },
        'critic-base-url': { type: 'string' },
        'critic-api-key': { type: 'string' },
        'max-tokens': { type: 'string' },
        'kernel-state': { type: 'string' },
        ...EFFORT_OPTIONS
      },
      allowPositionals: false,
      strict: true
    }).values;
  }

  export function parseMode(value: string | undefined): EvalMode {
    const mode = value ?? 'single';
    if (!(MODES as readonly string[]).includes(mode)) {
      throw new UsageError(`Unknown mode "${mode}": use ${MODES.join(', ')}.`);
    }
    return mode as EvalMode;
  }

  /**
   * Whether two runs give the same answers, as summary.json says it.
   */
  export function reproducibility(local: boolean, retryTemperature: number): string {
    const sampled = retryTemperature > 0 ? ', retries sampled with fixed seeds' : '';
    return local
      ? `same answers run to run: greedy${sampled}, on the local model with its prompt cache off`
      : `not guaranteed: greedy${sampled}, but an endpoint's batching and prompt cache can change answers from run to run`;
  }

  /**
   * Whether two thorough runs give the same answers, as summary.json says it.
   */
  export function thoroughReproducibility(local: boolean): string {
    return local
      ? 'same answers run to run: candidates sampled with fixed seeds, on the local model with its prompt cache off'
      : 'not guaranteed: candidates sampled with fixed seeds, which not every endpoint honours';
  }

  export function parseFeedbackTests(value: string | undefined, sections: TestSection[]): TestSection[] {
    if (value === undefined || value === 'base') {
      return ['base'];
    }
    if (value === 'all') {
      return sections;
    }
    throw new UsageError(`--feedback-tests must be base or all, not "${value}".`);
  }
}
