// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { parseArgs } from 'node:util';

import { SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { CELL_OPTIONS, CELL_OPTIONS_HELP, parseCellOptions, type ICellRequest } from './cellOptions';
import { JUPYTER_OPTIONS, JUPYTER_OPTIONS_HELP, MODEL_OPTIONS, UsageError } from './commonOptions';
import { LOCAL_MODEL_OPTIONS, MODEL_CHOICE_HELP, chooseModel, type ModelChoice } from './modelEndpoint';
import { locateNotebook, type INotebookLocation } from './notebookLocation';
import { parseChoiceOption, parseSettingOption, settingHelp } from './settingOptions';
import { EFFORT_OPTIONS, parseEffort } from './effortOptions';
import { THOROUGH_RUN_HELP } from './thoroughRun';

/**
 * The help of `code-interpreter run`.
 */
export const RUN_HELP = `Usage: code-interpreter run [options] "<task>"

Asks the model to do the task in a notebook on a live IPython kernel: it writes cells, runs them,
reads the outputs and revises a failing cell in place until it works or its attempts run out.
The model's text streams to stdout; each step (cell inserted, running, status) goes to stderr.

${MODEL_CHOICE_HELP}
  --protocol P         auto | tools | text (default auto: tools, or the text protocol when the
                       endpoint refuses tools)
  --vision             send plots and images to the model as images

Execution:
  --max-attempts N     executions allowed for the task (${settingHelp(SETTING_DEFINITIONS.maxAttempts)})
  --timeout SECONDS    time limit of one cell; it is interrupted after that
                       (${settingHelp(SETTING_DEFINITIONS.executionTimeout)}; 0: none)
  --output-budget N    tokens of one cell's output shown to the model
                       (${settingHelp(SETTING_DEFINITIONS.outputBudget)})
  --token-budget N     tokens the task may use over all model requests (default: no limit)
  --time-budget SECONDS  wall time the task may take (default: no limit)
  --notebook PATH      the notebook to write (default code-interpreter-<time>.ipynb); an existing
                       notebook is continued. A local path, absolute or relative to the current
                       folder; with --server-url, a path on that server relative to its root.
                       Its saved conversation is checked, and what was not made as this
                       program makes it (a system message, a foreign tool) is dropped, on stderr
  --fresh              start a new conversation instead of continuing the notebook's saved one
                       (it is replaced when the task's turn is saved)
  --transcript FILE    write every model request, response and execution as JSON lines

${CELL_OPTIONS_HELP}

${THOROUGH_RUN_HELP}

${JUPYTER_OPTIONS_HELP}

  -h, --help           show this help

Exit codes: 0 the answer is grounded: the last execution succeeded and every figure the answer
states is shown by a cell's output or the task (or it needed no code), 1 the agent gave up or the
model failed, 2 usage error, 3 the Jupyter server or the model endpoint cannot be reached, 4
unverified: the answer states figures no cell computed, or no code ran for a question about a
file or a variable, 130 stopped with Ctrl-C.`;

/**
 * The options of `code-interpreter run`, parsed.
 */
export interface IRunOptions {
  help: boolean;
  task: string;
  model: ModelChoice;
  protocol: (typeof SETTING_DEFINITIONS.protocol.enum)[number];
  maxAttempts: number;
  timeoutSeconds: number;
  outputBudget: number;
  tokenBudget: number;
  timeBudgetSeconds: number;
  vision: boolean;
  /**
   * Whether to leave the notebook's saved conversation out (`--fresh`).
   */
  fresh: boolean;
  notebook: string;
  /**
   * Where the notebook lives on the server, and the root of a private server.
   */
  location: INotebookLocation;
  transcript?: string;
  /**
   * The cells the task points at (`--fix-cell`, `--explain-cell`, `--attach-cell`).
   */
  cells: ICellRequest;
  jupyter: { 'server-url'?: string; token?: string; kernel?: string; python?: string };
  /**
   * The thorough effort's sampling; omitted for `fast`.
   */
  thorough?: { candidates: number; temperature: number; seed: number };
}

/**
 * Parse the arguments of `run`.
 *
 * @param argv - the arguments after `run`.
 * @param env - the environment.
 * @param cwd - the folder local paths are relative to.
 * @returns the options.
 * @throws {UsageError} on any mistake, with a message saying which.
 */
export function parseRunOptions(argv: string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): IRunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...MODEL_OPTIONS,
        ...LOCAL_MODEL_OPTIONS,
        ...JUPYTER_OPTIONS,
        ...CELL_OPTIONS,
        protocol: { type: 'string' },
        vision: { type: 'boolean' },
        'max-attempts': { type: 'string' },
        timeout: { type: 'string' },
        'output-budget': { type: 'string' },
        'token-budget': { type: 'string' },
        'time-budget': { type: 'string' },
        notebook: { type: 'string' },
        fresh: { type: 'boolean' },
        transcript: { type: 'string' },
        ...EFFORT_OPTIONS,
        help: { type: 'boolean', short: 'h' }
      }
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { help: true } as IRunOptions;
  }
  // Every value is checked before the model is looked for: a mistyped number is the mistake to
  // report, not the missing model a later check would find first.
  const protocol = parseChoiceOption('--protocol', values.protocol, SETTING_DEFINITIONS.protocol);
  const maxAttempts = parseSettingOption('--max-attempts', values['max-attempts'], SETTING_DEFINITIONS.maxAttempts);
  const timeoutSeconds = parseSettingOption('--timeout', values.timeout, SETTING_DEFINITIONS.executionTimeout);
  const outputBudget = parseSettingOption('--output-budget', values['output-budget'], SETTING_DEFINITIONS.outputBudget);
  const tokenBudget = Private.integer(values['token-budget'], '--token-budget', 0, 0);
  const timeBudgetSeconds = Private.number(values['time-budget'], '--time-budget', 0);
  Private.url(values['server-url'], '--server-url');
  const thorough = parseEffort(values);
  if (thorough && values['server-url'] !== undefined) {
    throw new UsageError(
      '--effort thorough runs its candidates in copies of a local folder: it needs the private server (no --server-url)'
    );
  }
  const notebook = values.notebook ?? `code-interpreter-${new Date().toISOString().replace(/[:.]/g, '-')}.ipynb`;
  const location = locateNotebook(notebook, { serverUrl: values['server-url'], cwd });
  const cells = parseCellOptions(values);
  if (thorough && cells.attachments.length > 0) {
    // Candidates run on copies of the folder, not of the notebook's cells: a cell to revise in
    // place has no copy to revise.
    throw new UsageError('--effort thorough cannot be combined with --fix-cell, --explain-cell or --attach-cell');
  }
  const task = positionals.join(' ').trim() || cells.defaultTask;
  if (!task) {
    throw new UsageError('no task given: code-interpreter run "<task>"');
  }
  return {
    help: false,
    task,
    model: chooseModel(values, env),
    protocol,
    maxAttempts,
    timeoutSeconds,
    outputBudget,
    tokenBudget,
    timeBudgetSeconds,
    vision: values.vision ?? false,
    fresh: values.fresh ?? false,
    notebook,
    location,
    transcript: values.transcript,
    cells,
    jupyter: {
      'server-url': values['server-url'],
      token: values.token,
      kernel: values.kernel,
      python: values.python
    },
    ...(thorough ? { thorough } : {})
  };
}

namespace Private {
  export function integer(text: string | undefined, name: string, fallback: number, minimum: number): number {
    if (text === undefined) {
      return fallback;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) {
      throw new UsageError(`${name} must be a whole number of at least ${minimum}, not "${text}"`);
    }
    return value;
  }

  /**
   * Check an optional URL option.
   */
  export function url(text: string | undefined, name: string): void {
    if (text !== undefined && !URL.canParse(text)) {
      throw new UsageError(`${name} is not a URL: "${text}"`);
    }
  }

  export function number(text: string | undefined, name: string, fallback: number): number {
    if (text === undefined) {
      return fallback;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      throw new UsageError(`${name} must be a number of seconds (0 or more), not "${text}"`);
    }
    return value;
  }
}
