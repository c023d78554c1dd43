// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import { AgentSession } from './agentSession';
import type { LiveNotebookTarget } from './liveNotebookTarget';
import { ModelStatus } from './modelStatus';
import type { ICodeInterpreterSettings } from './settings';
import type { ICodeInterpreter } from './tokens';

/**
 * The code interpreter service the plugin provides: one agent session per open notebook of the
 * tracker, created on first use and disposed with its notebook; the sessions' events and
 * executions forwarded with the notebook they belong to.
 */
export class CodeInterpreter implements ICodeInterpreter, IDisposable {
  /**
   * Construct the service.
   *
   * @param options - the notebooks, where settings come from and how to open a notebook.
   */
  constructor(options: CodeInterpreter.IOptions) {
    this._tracker = options.tracker;
    this._settings = options.settings;
    this._serverSettings = options.serverSettings;
    this._translator = options.translator;
    this._createNotebook = options.createNotebook;
    this._ownsModelStatus = !options.modelStatus;
    this._modelStatus =
      options.modelStatus ??
      new ModelStatus({ serverSettings: options.serverSettings, translator: options.translator });
  }

  /**
   * What is known of the model: the server's settings and whether the model can answer.
   */
  get modelStatus(): ModelStatus {
    return this._modelStatus;
  }

  /**
   * The agent's events, with their notebook.
   */
  get events(): ISignal<this, ICodeInterpreter.IEventArgs> {
    return this._events;
  }

  /**
   * Each execution by the agent, with its notebook and cell.
   */
  get executed(): ISignal<this, ICodeInterpreter.IExecutedArgs> {
    return this._executed;
  }

  /**
   * Emitted when a notebook's turn starts or ends.
   */
  get runningChanged(): ISignal<this, ICodeInterpreter.IRunningChangedArgs> {
    return this._runningChanged;
  }

  /**
   * Whether the service is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The session of a notebook, created on first use.
   *
   * @param notebook - the notebook.
   * @returns its session.
   * @throws when the service is disposed.
   */
  sessionFor(notebook: NotebookPanel): AgentSession {
    if (this._isDisposed) {
      throw new Error('The code interpreter is disposed.');
    }
    let session = this._sessions.get(notebook);
    if (!session) {
      session = new AgentSession({
        panel: notebook,
        settings: this._settings,
        // The model the server is configured with, used when the model setting is empty.
        serverModel: () => this._modelStatus.serverModel,
        serverSettings: this._serverSettings,
        translator: this._translator
      });
      this._sessions.set(notebook, session);
      session.events.connect((_, event) => {
        this._modelStatus.noteAgentEvent(event);
        this._events.emit({ notebook, event });
      });
      session.target.executed.connect((_, executed: LiveNotebookTarget.IExecuted) =>
        this._executed.emit({ notebook, ...executed })
      );
      session.runningChanged.connect((_, running) => this._runningChanged.emit({ notebook, running }));
      notebook.disposed.connect(() => {
        this._sessions.get(notebook)?.dispose();
        this._sessions.delete(notebook);
      });
    }
    return session;
  }

  /**
   * Send a prompt for a notebook and wait for the turn to end.
   *
   * @param prompt - what to ask.
   * @param options - the notebook (the current one, or a new one when none is open, by default),
   *   the cells the person pointed at and the kind of help asked.
   * @returns how the turn ended.
   * @throws when a turn already runs in the notebook, or no notebook could be opened.
   */
  async ask(prompt: string, options: ICodeInterpreter.IAskOptions = {}): Promise<ICodeInterpreter.ITurnResult> {
    const notebook = options.notebook ?? this._tracker.currentWidget ?? (await this._newNotebook());
    const result = await this.sessionFor(notebook).ask(prompt, {
      attachments: options.attachments,
      intent: options.intent
    });
    return {
      outcome: result.outcome,
      ...(result.reason ? { reason: result.reason } : {}),
      executions: result.executions,
      notebook
    };
  }

  /**
   * Stop a notebook's turn.
   *
   * @param notebook - the notebook; the current one when omitted.
   */
  stop(notebook?: NotebookPanel): void {
    const panel = notebook ?? this._tracker.currentWidget;
    if (panel) {
      this._sessions.get(panel)?.stop();
    }
  }

  /**
   * Whether a turn runs in a notebook.
   *
   * @param notebook - the notebook; the current one when omitted.
   * @returns `true` while a turn runs there.
   */
  isRunning(notebook?: NotebookPanel): boolean {
    const panel = notebook ?? this._tracker.currentWidget;
    return !!(panel && this._sessions.get(panel)?.isRunning);
  }

  /**
   * Dispose of every session, stopping their turns. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const session of this._sessions.values()) {
      session.dispose();
    }
    this._sessions.clear();
    if (this._ownsModelStatus) {
      this._modelStatus.dispose();
    }
    Signal.clearData(this);
  }

  private async _newNotebook(): Promise<NotebookPanel> {
    if (!this._createNotebook) {
      throw new Error('No notebook is open.');
    }
    return this._createNotebook();
  }

  private _tracker: INotebookTracker;
  private _settings: () => ICodeInterpreterSettings;
  private _modelStatus: ModelStatus;
  private _ownsModelStatus: boolean;
  private _serverSettings?: ServerConnection.ISettings;
  private _translator?: ITranslator;
  private _createNotebook?: () => Promise<NotebookPanel>;
  private _sessions = new Map<NotebookPanel, AgentSession>();
  private _events = new Signal<this, ICodeInterpreter.IEventArgs>(this);
  private _executed = new Signal<this, ICodeInterpreter.IExecutedArgs>(this);
  private _runningChanged = new Signal<this, ICodeInterpreter.IRunningChangedArgs>(this);
  private _isDisposed = false;
}

/**
 * The namespace for `CodeInterpreter` statics.
 */
export namespace CodeInterpreter {
  /**
   * The options of the service.
   */
  export interface IOptions {
    /**
     * The open notebooks; its current one is the default notebook of `ask` and `stop`.
     */
    tracker: INotebookTracker;

    /**
     * Returns the current settings.
     */
    settings: () => ICodeInterpreterSettings;

    /**
     * What is known of the model (the server's model name among it); the service makes its own,
     * read only on `refresh`, when omitted.
     */
    modelStatus?: ModelStatus;

    /**
     * The server connection; the default one when omitted.
     */
    serverSettings?: ServerConnection.ISettings;

    /**
     * Translates the sessions' transcripts.
     */
    translator?: ITranslator;

    /**
     * Opens a new notebook (ready, with a kernel) for `ask` when none is open; without it, `ask`
     * needs an open notebook.
     */
    createNotebook?: () => Promise<NotebookPanel>;
  }
}
