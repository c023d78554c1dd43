// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import type { AgentEvent } from '../agent/events';
import type { ICellAttachment, TurnIntent } from '../agent/turnRequest';
import type { TurnOutcome } from '../conversation/conversationRecord';
import type { ExecutionStatus } from '../kernel/executionResult';
import type { AgentSession } from './agentSession';
import type { ModelStatus } from './modelStatus';

/**
 * The code interpreter, for other extensions: ask it to work on a notebook, stop it, and follow
 * what it does and the cells it runs.
 */
export const ICodeInterpreter = new Token<ICodeInterpreter>(
  'jupyterlab-code-interpreter:ICodeInterpreter',
  'The code interpreter: send a prompt for a notebook, stop a turn, follow the agent and its executions.'
);

/**
 * The code interpreter's service. One agent session per open notebook; a turn at a time in each.
 */
export interface ICodeInterpreter {
  /**
   * The agent's events as they happen, each with the notebook it works on (the transcript of
   * every notebook, not only the current one).
   */
  readonly events: ISignal<ICodeInterpreter, ICodeInterpreter.IEventArgs>;

  /**
   * Emitted after each execution of a cell by the agent in a live notebook, whatever its outcome.
   *
   * JupyterLab's `NotebookActions.executed` is not emitted for these: the agent runs code through
   * its own executor (a time limit, a refused `input()`, no change of the notebook's mode), and
   * only JupyterLab's own actions can emit that signal.
   */
  readonly executed: ISignal<ICodeInterpreter, ICodeInterpreter.IExecutedArgs>;

  /**
   * Send a prompt, as if typed in the sidebar, and wait for the turn to end.
   *
   * @param prompt - what to ask.
   * @param options - the notebook to work on (the current notebook, or a new one, when omitted),
   *   the cells the person pointed at and the kind of help asked.
   * @returns how the turn ended.
   * @throws when a turn is already running in that notebook, or no notebook could be opened.
   */
  ask(prompt: string, options?: ICodeInterpreter.IAskOptions): Promise<ICodeInterpreter.ITurnResult>;

  /**
   * Stop a notebook's turn: its model request is aborted and its running cell interrupted.
   *
   * @param notebook - the notebook; the current one when omitted.
   */
  stop(notebook?: NotebookPanel): void;

  /**
   * Whether a turn is running in a notebook.
   *
   * @param notebook - the notebook; the current one when omitted.
   * @returns `true` while a turn runs there.
   */
  isRunning(notebook?: NotebookPanel): boolean;

  /**
   * Emitted when a notebook's turn starts or ends.
   */
  readonly runningChanged: ISignal<ICodeInterpreter, ICodeInterpreter.IRunningChangedArgs>;

  /**
   * What is known of the model: the server's settings, the embedded model's state, and whether
   * it can answer. Views (the sidebar, the status bar) show it; nothing of it is UI.
   */
  readonly modelStatus: ModelStatus;

  /**
   * The agent session of a notebook, created on first use: its transcript, approvals and undo,
   * for a view of its conversation (the sidebar, or another extension's).
   *
   * @param notebook - the notebook.
   * @returns its session.
   * @throws when the service is disposed.
   */
  sessionFor(notebook: NotebookPanel): AgentSession;
}

/**
 * The types of the `ICodeInterpreter` service.
 */
export namespace ICodeInterpreter {
  /**
   * Options of `ask`.
   */
  export interface IAskOptions {
    /**
     * The notebook to work on. Default: the current notebook, or a new one when none is open.
     */
    notebook?: NotebookPanel;

    /**
     * The cells of that notebook the person pointed at (by nbformat id), in the order they
     * attached them; a revision the turn makes lands in them rather than in new cells.
     */
    attachments?: readonly ICellAttachment[];

    /**
     * The kind of help asked: `code` (the default), `fix` (the first attached cell failed) or
     * `explain` (an answer only, nothing written or run).
     */
    intent?: TurnIntent;
  }

  /**
   * How a turn ended.
   */
  export interface ITurnResult {
    /**
     * The outcome.
     */
    outcome: TurnOutcome;

    /**
     * Why, in one sentence, when the outcome is not `completed`.
     */
    reason?: string;

    /**
     * How many executions the turn made, revisions included.
     */
    executions: number;

    /**
     * The notebook the turn worked on.
     */
    notebook: NotebookPanel;
  }

  /**
   * A notebook's turn started or ended.
   */
  export interface IRunningChangedArgs {
    /**
     * The notebook.
     */
    notebook: NotebookPanel;

    /**
     * Whether a turn runs now.
     */
    running: boolean;
  }

  /**
   * An agent event and the notebook it belongs to.
   */
  export interface IEventArgs {
    /**
     * The notebook.
     */
    notebook: NotebookPanel;

    /**
     * The event.
     */
    event: AgentEvent;
  }

  /**
   * One execution of a cell by the agent.
   */
  export interface IExecutedArgs {
    /**
     * The notebook.
     */
    notebook: NotebookPanel;

    /**
     * The cell that ran; its outputs and execution count are already written.
     */
    cell: ICodeCellModel;

    /**
     * Whether the code ran to its end without an error.
     */
    success: boolean;

    /**
     * How the execution ended; `undefined` when it could not start (no kernel).
     */
    status?: ExecutionStatus;

    /**
     * What went wrong when `success` is false: the exception the code raised, or why the
     * execution stopped or could not start.
     */
    error?: IExecutionError;
  }

  /**
   * Why an execution did not succeed.
   */
  export interface IExecutionError {
    /**
     * The error's name: the exception's class (`ZeroDivisionError`), or `Timeout`, `Interrupted`,
     * `DeadKernel`, or the name of the error that kept the execution from starting.
     */
    ename: string;

    /**
     * The error's message.
     */
    evalue: string;
  }
}

/**
 * The code interpreter's sidebar, for the commands that open it and put a draft in it. Another
 * extension may provide its own sidebar under this token once `jupyterlab-code-interpreter:sidebar`
 * is disabled.
 */
export const ICodeInterpreterSidebar = new Token<ICodeInterpreterSidebar>(
  'jupyterlab-code-interpreter:ICodeInterpreterSidebar',
  "The code interpreter's sidebar: its widget in the shell, a draft prompt and the focus."
);

/**
 * The code interpreter's sidebar.
 */
export interface ICodeInterpreterSidebar {
  /**
   * The widget added to the shell (activated by the open command).
   */
  readonly widget: Widget;

  /**
   * Put text in the prompt box.
   *
   * @param text - the draft.
   */
  setDraft(text: string): void;

  /**
   * Focus the prompt box.
   */
  focusInput(): void;

  /**
   * Attach a cell to the next prompt (a chip in the prompt box): it is sent with that prompt's
   * `attachments`. A cell already attached is not added twice.
   *
   * @param notebook - the notebook of the cell; it must be the one the sidebar shows.
   * @param attachment - the cell and the part of its source the person selected.
   * @returns whether a chip was added.
   */
  attachCell(notebook: NotebookPanel, attachment: ICellAttachment): boolean;
}
