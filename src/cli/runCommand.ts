// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { Agent } from '../agent/agent';
import type { AgentEvent } from '../agent/events';
import { createTiktokenCounter } from '../feedback/tiktokenCounter';
import { HeadlessNotebook } from '../notebook/headlessNotebook';
import { checkCellsExist } from './cellOptions';
import { ExitCode, exitCodeOfTurn } from './commonOptions';
import { JupyterConnection, UnreachableError } from '../node/jupyterConnection';
import { describeLocalModelProgress, openModel, type IOpenModel } from './modelEndpoint';
import { TerminalRenderer, type ITerminalStreams } from './terminalRenderer';
import { TranscriptWriter } from './transcriptWriter';
import { runThoroughTask } from './thoroughRun';
import { parseRunOptions, RUN_HELP, type IRunOptions } from './runOptions';

/**
 * Run `code-interpreter run`.
 *
 * @param argv - the arguments after `run`.
 * @param io - where to write, and the environment.
 * @returns the exit code.
 */
export async function runRunCommand(argv: string[], io: RunCommand.IIO = RunCommand.processIO()): Promise<number> {
  let options: RunCommand.IParsed;
  try {
    options = RunCommand.parse(argv, io.env, io.cwd);
  } catch (error) {
    io.streams.err.write(`code-interpreter run: ${(error as Error).message}\nTry 'code-interpreter run --help'.\n`);
    return ExitCode.Usage;
  }
  if (options.help) {
    io.streams.out.write(`${RUN_HELP}\n`);
    return ExitCode.Ok;
  }

  let connection: JupyterConnection | undefined;
  let model: IOpenModel | undefined;
  let notebook: HeadlessNotebook | undefined;
  let transcript: TranscriptWriter | undefined;
  let agent: Agent | undefined;
  let stopping = false;
  const thoroughStop = new AbortController();
  let thoroughRunning = false;
  const stopOnSignal = () => {
    if ((agent?.isRunning || thoroughRunning) && !stopping) {
      stopping = true;
      io.streams.err.write('\nStopping (press Ctrl-C again to quit at once)...\n');
      agent?.stop();
      thoroughStop.abort();
    } else {
      process.exit(130);
    }
  };
  const removeInterrupt = io.onInterrupt?.(stopOnSignal);
  try {
    connection = await JupyterConnection.open({ ...options.jupyter, rootDir: options.location.rootDir }, io.env);
    notebook = await HeadlessNotebook.open({
      contents: connection.contents,
      sessions: connection.sessions,
      path: options.location.serverPath,
      kernelName: options.jupyter.kernel
    });
    io.streams.err.write(`● notebook ${options.notebook} on ${connection.url}\n`);
    try {
      checkCellsExist(options.cells, notebook.cells(), options.notebook);
    } catch (error) {
      io.streams.err.write(`code-interpreter run: ${(error as Error).message}\nTry 'code-interpreter run --help'.\n`);
      return ExitCode.Usage;
    }
    model = await openModel(options.model, {
      server: options.jupyter['server-url'] ? { url: connection.url, token: connection.settings.token } : undefined,
      python: options.jupyter.python ?? io.env.CODE_INTERPRETER_PYTHON,
      onProgress: progress => io.streams.err.write(`${describeLocalModelProgress(progress)}\n`)
    });
    transcript = options.transcript ? new TranscriptWriter(options.transcript) : undefined;
    const renderer = new TerminalRenderer(io.streams);
    const tokenCounter = await createTiktokenCounter();
    if (options.thorough && options.location.rootDir) {
      thoroughRunning = true;
      const outcome = await runThoroughTask({
        task: options.task,
        workingDir: options.location.rootDir,
        notebookPath: options.location.serverPath,
        userNotebook: notebook,
        kernelName: options.jupyter.kernel,
        python: options.jupyter.python ?? io.env.CODE_INTERPRETER_PYTHON,
        ...options.thorough,
        agent: { ...RunCommand.agentOptions(options, model), tokenCounter },
        streams: io.streams,
        signal: thoroughStop.signal
      });
      thoroughRunning = false;
      if (!outcome.result || outcome.result.outcome === 'stopped') {
        return 130;
      }
      if (!outcome.replayed) {
        io.streams.err.write('● the chosen cells failed when run again in your kernel\n');
        return ExitCode.Failed;
      }
      return exitCodeOfTurn(outcome.result);
    }
    agent = new Agent({
      ...RunCommand.agentOptions(options, model),
      tokenCounter,
      // Greedy decoding on the local model: the same task gives the same cells.
      temperature: options.model.kind === 'local' ? 0 : undefined,
      target: notebook
    });
    const continued = agent.conversation;
    if (continued.turns.length || continued.messages.length) {
      // A notebook can come from anyone: say that its conversation goes to the model, and how
      // not to send it. What the check dropped follows as a `saved-conversation` step.
      io.streams.err.write(
        `● continuing the notebook's saved conversation (${continued.turns.length} turns, ${continued.messages.length} messages); --fresh starts a new one\n`
      );
    }
    const onEvent = (_: Agent, event: AgentEvent) => {
      renderer.render(event);
      transcript?.write(event);
    };
    agent.events.connect(onEvent);
    return exitCodeOfTurn(
      await agent.run(options.task, {
        attachments: options.cells.attachments,
        intent: options.cells.intent
      })
    );
  } catch (error) {
    io.streams.err.write(`code-interpreter run: ${(error as Error).message}\n`);
    return error instanceof UnreachableError ? ExitCode.Unreachable : ExitCode.Failed;
  } finally {
    removeInterrupt?.();
    agent?.dispose();
    await model?.close();
    transcript?.close();
    // A private server takes its kernels down with it; on a shared server the kernel stays for
    // the user to continue in JupyterLab.
    await notebook?.close(!options.jupyter['server-url']);
    await connection?.close();
  }
}

/**
 * The namespace for `runRunCommand` helpers.
 */
export namespace RunCommand {
  /**
   * The agent's options that the command's options set (the target, temperature and seed aside).
   *
   * @param options - the parsed options.
   * @param model - the opened model.
   * @returns the options.
   */
  export function agentOptions(options: IParsed, model: IOpenModel) {
    return {
      model: model.client,
      contextWindowTokens: model.contextWindow,
      protocol: options.protocol,
      maxAttempts: options.maxAttempts,
      cellTimeoutMs: options.timeoutSeconds * 1000,
      outputBudgetTokens: options.outputBudget,
      turnTokenBudget: options.tokenBudget,
      turnTimeBudgetMs: options.timeBudgetSeconds * 1000,
      vision: options.vision,
      savedConversation: options.fresh ? ('ignore' as const) : ('continue' as const)
    };
  }

  /**
   * Where a command writes, and its environment.
   */
  export interface IIO {
    streams: ITerminalStreams;
    env: NodeJS.ProcessEnv;
    cwd: string;
    /**
     * Registers the handler of Ctrl-C; returns what removes it.
     */
    onInterrupt?: (handler: () => void) => () => void;
  }

  /**
   * The process's own streams, environment and SIGINT.
   */
  export function processIO(): IIO {
    return {
      streams: { out: process.stdout, err: process.stderr },
      env: process.env,
      cwd: process.cwd(),
      onInterrupt: handler => {
        process.on('SIGINT', handler);
        return () => process.removeListener('SIGINT', handler);
      }
    };
  }

  /**
   * The parsed options: `IRunOptions`, of `runOptions.ts`.
   */
  export type IParsed = IRunOptions;

  /**
   * Parse the arguments of `run`: `parseRunOptions`, of `runOptions.ts`.
   *
   * @param argv - the arguments after `run`.
   * @param env - the environment.
   * @param cwd - the folder local paths are relative to.
   * @returns the options.
   * @throws {UsageError} on any mistake, with a message saying which.
   */
  export function parse(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): IParsed {
    return parseRunOptions(argv, env, cwd);
  }
}
