// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import type { ITranslator } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';

import type { Agent } from '../agent/agent';
import type { ApprovalDecision, IApprovalRequest } from '../agent/approval';
import { THOROUGH_SAMPLING_DEFINITIONS } from '../agent/settingDefinitions';
import type { TurnOutcome } from '../conversation/conversationRecord';
import type { AgentEvent } from '../agent/events';
import type { IRisk } from '../agent/riskyCode';
import type { ITurnOptions } from '../agent/turnRequest';
import { LiveNotebookTarget } from './liveNotebookTarget';
import { cellPosition, revealCell } from './notebookCellLocation';
import { PendingApprovals } from './pendingApprovals';
import { RevisionReviews } from './revisionReviews';
import { SavedConversationReview } from './savedConversationReview';
import { SessionAgent } from './sessionAgent';
import { SessionUndo } from './sessionUndo';
import type { ICodeInterpreterSettings } from './settings';
import { runThoroughTurn } from './thoroughTurn';
import { StepInMessages } from './stepInMessages';
import { Transcript } from './transcript';
import type { IUndoResult } from './undoTurn';

/**
 * The code interpreter of one open notebook: its agent (created with the current settings when
 * a turn starts), the live-notebook target, the transcript the sidebar shows, and the questions
 * waiting for the person (approvals).
 */
export class AgentSession implements IDisposable {
  /**
   * Construct the session of a notebook; it shows the conversation saved in the notebook.
   *
   * @param options - the notebook and where settings come from.
   */
  constructor(options: AgentSession.IOptions) {
    this._panel = options.panel;
    this._settings = options.settings;
    this._serverSettings = options.serverSettings;
    this.target = new LiveNotebookTarget({ panel: options.panel });
    this.transcript = new Transcript({ translator: options.translator });
    this._savedConversation = new SavedConversationReview({
      target: this.target,
      transcript: this.transcript,
      isOwnWrite: () => this._running !== null || this._undo.isWriting,
      changedElsewhere: () => this._agent.reset()
    });
    this._approvals = new PendingApprovals(this.transcript);
    this._reviews = new RevisionReviews({ panel: options.panel, transcript: this.transcript });
    this._stepIns = new StepInMessages(this.transcript);
    this._agent = new SessionAgent({
      target: this.target,
      settings: options.settings,
      serverModel: options.serverModel,
      serverSettings: options.serverSettings,
      askPerson: (request, risks, signal) => this._askPerson(request, risks, signal),
      onEvent: event => this._onEvent(event)
    });
    this._undo = new SessionUndo({
      panel: options.panel,
      savedConversation: this._savedConversation,
      transcript: this.transcript,
      isRunning: () => this._running !== null,
      // The agent keeps its own copy of the turns; the next one reads them back with the mark.
      undone: () => this._agent.reset()
    });
    void options.panel.context.ready.then(() => {
      if (this._isDisposed) {
        return;
      }
      if (!this._agent.current) {
        this._savedConversation.show();
      }
      this._savedConversation.follow(this._panel.model);
    });
  }

  /**
   * The notebook as the agent's target.
   */
  readonly target: LiveNotebookTarget;

  /**
   * What the sidebar shows.
   */
  readonly transcript: Transcript;

  /**
   * The notebook panel.
   */
  get panel(): NotebookPanel {
    return this._panel;
  }

  /**
   * Whether the conversation saved in the notebook waits for the person's review: it came from
   * the file (or from another browser), the sidebar shows it in full, and nothing is sent until
   * they choose `continueSaved()` or `startFresh()`.
   */
  get reviewPending(): boolean {
    return this._savedConversation.isPending;
  }

  /**
   * Continue the reviewed conversation: the sidebar shows it as usual, and the next turn sends
   * it (as checked) after the agent's own system prompt.
   */
  continueSaved(): void {
    if (!this._savedConversation.isPending || this._running) {
      return;
    }
    this._agent.reset();
    this._savedConversation.continue();
  }

  /**
   * Leave the reviewed conversation out: the next turn starts a new conversation, which replaces
   * the saved one in the notebook when it is saved.
   */
  startFresh(): void {
    if (!this._savedConversation.isPending || this._running) {
      return;
    }
    this._agent.reset();
    this._savedConversation.startFresh();
  }

  /**
   * Whether a turn is running.
   */
  get isRunning(): boolean {
    return this._running !== null;
  }

  /**
   * Emitted when the session starts or ends a turn.
   */
  get runningChanged(): ISignal<this, boolean> {
    return this._runningChanged;
  }

  /**
   * Emitted with the messages sent during a turn that the model never read, when the turn was
   * stopped (or failed to run): the prompt box gives them back to the person.
   */
  get stepInsReturned(): ISignal<this, string> {
    return this._stepInsReturned;
  }

  /**
   * The agent's events, forwarded (for the status bar and tests).
   */
  get events(): ISignal<this, AgentEvent> {
    return this._events;
  }

  /**
   * Whether the session is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Run one turn with a prompt.
   *
   * @param prompt - what the user asks.
   * @param options - the cells the person pointed at and the kind of help asked.
   * @returns how the turn ended.
   * @throws when a turn is already running.
   */
  async ask(prompt: string, options: AgentSession.IAskOptions = {}): Promise<Agent.ITurnResult> {
    if (this._running) {
      throw new Error('The code interpreter is already working on this notebook; stop it first.');
    }
    // Taken before the first await, so that two asks in the same moment cannot both start.
    const running = (async () => {
      await this._panel.context.ready;
      if (this._savedConversation.isPending) {
        // Nothing of a conversation made elsewhere is sent before the person has seen it whole.
        throw new Error(
          'This notebook holds a conversation saved elsewhere, shown in full in the sidebar: continue it or start fresh before asking.'
        );
      }
      const savedConversation = this._savedConversation.startsFresh ? 'ignore' : 'continue';
      const settings = this._settings();
      if (settings.effort === 'thorough' && (options.intent ?? 'code') === 'code') {
        return this._askThorough(prompt, options, settings, savedConversation);
      }
      const agent = this._agent.agentFor(settings, savedConversation);
      this.target.startTurn();
      try {
        const run = agent.run(prompt, { attachments: options.attachments, intent: options.intent });
        this._stepIns.giveWaiting(agent);
        return await run;
      } finally {
        // What this session's own turn saved needs no review when it comes back.
        this._savedConversation.markSeen();
      }
    })();
    this._running = running;
    this._runningChanged.emit(true);
    let outcome: TurnOutcome | undefined;
    try {
      const result = await running;
      outcome = result.outcome;
      return result;
    } finally {
      this._running = null;
      this._savedConversation.turnEnded();
      this._runningChanged.emit(false);
      this._handBack(outcome);
    }
  }

  /**
   * Send the running turn a message: the model reads it at its next step (docs/jupyterlab.md,
   * "Stepping in during a turn"). It shows as pending until then; if the turn ends first, the
   * next turn starts with it, and if the turn is stopped it goes back to the prompt box.
   *
   * @param text - what the person wrote.
   * @returns whether a turn runs and took it; `false` when none runs (the caller starts one).
   */
  stepIn(text: string): boolean {
    if (!this._running || this._isDisposed) {
      return false;
    }
    this._stepIns.send(text, this._agent.current);
    return true;
  }

  /**
   * Stop the running turn: the model request is aborted and a running cell interrupted. The
   * messages sent to it that the model has not read go back to the person (`stepInsReturned`).
   */
  stop(): void {
    this._thoroughStop?.abort();
    this._agent.current?.stop();
  }

  /**
   * Answer a pending approval.
   *
   * @param entry - the approval entry of the transcript.
   * @param decision - what the person chose.
   */
  answer(entry: Transcript.IApprovalEntry | Transcript.ICandidatesApprovalEntry, decision: ApprovalDecision): void {
    this._approvals.answer(entry, decision);
  }

  /**
   * Answer a pending review of a revision of the person's cell.
   *
   * @param entry - the review entry of the transcript.
   * @param decision - `run` to accept (it runs), `skip` to reject.
   */
  answerReview(entry: Transcript.IRevisionReviewEntry, decision: ApprovalDecision): void {
    this._reviews.answer(entry, decision);
  }

  /**
   * Undo a turn: delete the cells it inserted and restore the sources of the cells it edited.
   *
   * @param entry - the turn's end entry in the transcript.
   * @returns what was done.
   * @throws when a turn is running or the turn is not in the saved conversation.
   */
  undo(entry: Transcript.ITurnEndEntry): IUndoResult {
    return this._undo.undo(entry);
  }

  /**
   * Whether a turn can be undone (it is saved and not undone yet).
   *
   * @param entry - the turn's end entry.
   * @returns `true` when undo is possible.
   */
  canUndo(entry: Transcript.ITurnEndEntry): boolean {
    return this._undo.canUndo(entry);
  }

  /**
   * Scroll the notebook to a cell and make it the active cell.
   *
   * @param cellId - the cell.
   * @returns whether the cell is still in the notebook.
   */
  revealCell(cellId: string): boolean {
    return revealCell(this._panel.content, cellId);
  }

  /**
   * The position of a cell in the notebook, 1-based, for labels.
   *
   * @param cellId - the cell.
   * @returns its position, or `undefined` when it is gone.
   */
  cellPosition(cellId: string): number | undefined {
    return cellPosition(this._panel.content, cellId);
  }

  /**
   * Dispose of the session, stopping a running turn. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    // First, so that a review the stop leaves unanswered says the notebook closed.
    this._reviews.dispose();
    this._agent.dispose();
    this._savedConversation.dispose();
    Signal.clearData(this.target);
    Signal.clearData(this);
  }

  private _onEvent(event: AgentEvent): void {
    this.transcript.handle(event);
    if (event.type === 'feedback-delivered') {
      this._stepIns.delivered();
    }
    this._events.emit(event);
  }

  /**
   * A prompt with the thorough effort (docs/effort.md): candidates in kernels of their own, the
   * chosen one's cells written and run here. The session's agent is made again afterwards, so the
   * next turn reads this one back from the notebook.
   */
  private async _askThorough(
    prompt: string,
    options: AgentSession.IAskOptions,
    settings: ICodeInterpreterSettings,
    savedConversation: 'continue' | 'ignore'
  ): Promise<Agent.ITurnResult> {
    const stop = new AbortController();
    this._thoroughStop = stop;
    this._agent.reset();
    this.target.startTurn();
    try {
      return await runThoroughTurn({
        prompt,
        turnOptions: { attachments: options.attachments },
        panel: this._panel,
        target: this.target,
        savedConversation,
        agent: await this._agent.candidateOptions(settings, savedConversation),
        candidates: settings.candidates,
        temperature: THOROUGH_SAMPLING_DEFINITIONS.candidateTemperature.default,
        seed: THOROUGH_SAMPLING_DEFINITIONS.seed.default,
        policy: () => this._settings().approval,
        approve: this._agent.approvalHook(),
        askCandidates: (candidates, folder, signal) => this._approvals.askCandidates(candidates, folder, signal),
        onEvent: event => this._onEvent(event),
        onCandidateEvent: event => this.transcript.handleCandidate(event),
        serverSettings: this._serverSettings,
        signal: stop.signal
      });
    } finally {
      this._thoroughStop = null;
      this._agent.reset();
    }
  }

  private _askPerson(request: IApprovalRequest, risks: IRisk[], signal: AbortSignal): Promise<ApprovalDecision> {
    if (request.review) {
      return this._reviews.ask({ ...request, review: request.review }, risks, signal);
    }
    return this._approvals.ask(request, risks, signal);
  }

  /**
   * At the end of a turn, what the person sent that the model never read: it was sent to be
   * acted on, so the next turn starts with it, unless the person stopped the turn (or it failed to
   * run), when it goes back to the prompt box.
   */
  private _handBack(outcome: TurnOutcome | undefined): void {
    const texts = this._stepIns.takeBack();
    if (!texts.length) {
      return;
    }
    const text = texts.join('\n\n');
    if (outcome === undefined || outcome === 'stopped' || this._isDisposed) {
      this._stepInsReturned.emit(text);
      return;
    }
    this.ask(text).catch(() => this._stepInsReturned.emit(text));
  }

  private _panel: NotebookPanel;
  private _settings: () => ICodeInterpreterSettings;
  private _agent: SessionAgent;
  private _running: Promise<Agent.ITurnResult> | null = null;
  private _thoroughStop: AbortController | null = null;
  private _serverSettings?: ServerConnection.ISettings;
  private _savedConversation: SavedConversationReview;
  private _approvals: PendingApprovals;
  private _reviews: RevisionReviews;
  private _undo: SessionUndo;
  private _stepIns: StepInMessages;
  private _stepInsReturned = new Signal<this, string>(this);
  private _runningChanged = new Signal<this, boolean>(this);
  private _events = new Signal<this, AgentEvent>(this);
  private _isDisposed = false;
}

/**
 * The namespace for `AgentSession` statics.
 */
export namespace AgentSession {
  /**
   * The options of a session.
   */
  export interface IOptions extends Pick<SessionAgent.IOptions, 'settings' | 'serverModel' | 'serverSettings'> {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * Translates what the sidebar shows of the session.
     */
    translator?: ITranslator;
  }

  /**
   * The options of `ask`: what the agent's turn takes besides the prompt (the session owns the
   * stop signal).
   */
  export type IAskOptions = Pick<ITurnOptions, 'attachments' | 'intent'>;
}
