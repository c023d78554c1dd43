// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import type { ITranslator } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';

import { Agent } from '../agent/agent';
import { LazyTokenCounter } from '../feedback/lazyTokenCounter';
import type { ApprovalDecision, IApprovalRequest } from '../agent/approval';
import { checkSavedConversation, type ICheckedConversation } from '../agent/savedConversation';
import { CONVERSATION_METADATA_KEY, type ITurnRecord, type TurnOutcome } from '../conversation/conversationRecord';
import type { AgentEvent } from '../agent/events';
import type { IRisk } from '../agent/riskyCode';
import type { ITurnOptions } from '../agent/turnRequest';
import { createApprovalHook } from './approvalPolicy';
import { createLabModelClient } from './labModelClient';
import { LiveNotebookTarget } from './liveNotebookTarget';
import { RevisionReviews } from './revisionReviews';
import { resolveVision, type ICodeInterpreterSettings } from './settings';
import { StepInMessages } from './stepInMessages';
import { Transcript } from './transcript';
import { markTurnUndone, undoTurn, type IUndoResult } from './undoTurn';

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
    this._serverModel = options.serverModel ?? (() => '');
    this._serverSettings = options.serverSettings;
    this.target = new LiveNotebookTarget({ panel: options.panel });
    this.transcript = new Transcript({ translator: options.translator });
    this._reviews = new RevisionReviews({ panel: options.panel, transcript: this.transcript });
    this._stepIns = new StepInMessages(this.transcript);
    void options.panel.context.ready.then(() => {
      if (this._isDisposed) {
        return;
      }
      if (!this._agent) {
        this._showSaved();
      }
      this._panel.model?.metadataChanged.connect(this._onMetadataChanged, this);
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
    return this._review !== null;
  }

  /**
   * Continue the reviewed conversation: the sidebar shows it as usual, and the next turn sends
   * it (as checked) after the agent's own system prompt.
   */
  continueSaved(): void {
    if (!this._review || this._running) {
      return;
    }
    const saved = this._saved();
    this._review = null;
    this._accepted = Private.messagesKey(saved);
    this._disposeAgent();
    this.transcript.restore(saved.record);
  }

  /**
   * Leave the reviewed conversation out: the next turn starts a new conversation, which replaces
   * the saved one in the notebook when it is saved.
   */
  startFresh(): void {
    if (!this._review || this._running) {
      return;
    }
    this._review = null;
    this._fresh = true;
    this._disposeAgent();
    this.transcript.restore(undefined);
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
      if (this._review) {
        // Nothing of a conversation made elsewhere is sent before the person has seen it whole.
        throw new Error(
          'This notebook holds a conversation saved elsewhere, shown in full in the sidebar: continue it or start fresh before asking.'
        );
      }
      const agent = this._agentFor(this._settings());
      this.target.startTurn();
      try {
        const run = agent.run(prompt, { attachments: options.attachments, intent: options.intent });
        this._stepIns.giveWaiting(agent);
        return await run;
      } finally {
        // What this session's own turn saved needs no review when it comes back.
        this._accepted = Private.messagesKey(this._saved());
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
      this._fresh = false;
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
    this._stepIns.send(text, this._agent);
    return true;
  }

  /**
   * Stop the running turn: the model request is aborted and a running cell interrupted. The
   * messages sent to it that the model has not read go back to the person (`stepInsReturned`).
   */
  stop(): void {
    this._agent?.stop();
  }

  /**
   * Answer a pending approval.
   *
   * @param entry - the approval entry of the transcript.
   * @param decision - what the person chose.
   */
  answer(entry: Transcript.IApprovalEntry, decision: ApprovalDecision): void {
    const pending = this._pending.get(entry);
    if (!pending) {
      return;
    }
    this._pending.delete(entry);
    entry.state = decision.action;
    this.transcript.update(entry);
    pending(decision);
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
    if (this._running) {
      throw new Error('Wait for the running turn to end, or stop it, before undoing.');
    }
    const model = this._panel.model;
    const turn: ITurnRecord | undefined = this._saved().record?.turns[entry.turn - 1];
    if (!model || !turn) {
      throw new Error(`Turn ${entry.turn} is not in this notebook's conversation.`);
    }
    const result = undoTurn(model, turn);
    this._writingConversation = true;
    try {
      markTurnUndone(model, entry.turn);
    } finally {
      this._writingConversation = false;
    }
    // The agent keeps its own copy of the turns; the next one reads them back with the mark.
    this._disposeAgent();
    entry.undone = true;
    this.transcript.update(entry);
    return result;
  }

  /**
   * Whether a turn can be undone (it is saved and not undone yet).
   *
   * @param entry - the turn's end entry.
   * @returns `true` when undo is possible.
   */
  canUndo(entry: Transcript.ITurnEndEntry): boolean {
    const turn = this._saved().record?.turns[entry.turn - 1];
    return !entry.undone && !!turn && turn.cells.length > 0;
  }

  /**
   * Scroll the notebook to a cell and make it the active cell.
   *
   * @param cellId - the cell.
   * @returns whether the cell is still in the notebook.
   */
  revealCell(cellId: string): boolean {
    const notebook = this._panel.content;
    const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
    if (index < 0) {
      return false;
    }
    notebook.activeCellIndex = index;
    void notebook.scrollToItem(index, 'center').catch(() => undefined);
    return true;
  }

  /**
   * The position of a cell in the notebook, 1-based, for labels.
   *
   * @param cellId - the cell.
   * @returns its position, or `undefined` when it is gone.
   */
  cellPosition(cellId: string): number | undefined {
    const index = this._panel.content.widgets.findIndex(cell => cell.model.id === cellId);
    return index < 0 ? undefined : index + 1;
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
    this._disposeAgent();
    Signal.clearData(this.target);
    Signal.clearData(this);
  }

  /**
   * The agent for the current settings: the same one while they do not change.
   */
  private _agentFor(settings: ICodeInterpreterSettings): Agent {
    // An empty model setting means the server's model; the proxy fills it in when both are empty.
    const model = settings.model || this._serverModel();
    const key = JSON.stringify({ ...settings, model });
    if (this._agent && this._agentKey === key) {
      return this._agent;
    }
    this._disposeAgent();
    const client = createLabModelClient({ model, serverSettings: this._serverSettings });
    const agent = new Agent({
      model: client,
      temperature: settings.temperature,
      target: this.target,
      protocol: settings.protocol,
      maxAttempts: settings.maxAttempts,
      cellTimeoutMs: settings.executionTimeout * 1000,
      outputBudgetTokens: settings.outputBudget,
      vision: resolveVision(settings.vision, model),
      // Exact counts once the tokenizer's ranks (a lazy chunk) have loaded, an estimate before.
      tokenCounter: Private.tokenCounter(),
      savedConversation: this._fresh ? 'ignore' : 'continue',
      reviewRevisions: settings.reviewRevisions,
      approve: createApprovalHook(
        () => this._settings().approval,
        (request, risks, signal) => this._askPerson(request, risks, signal)
      )
    });
    agent.events.connect((_, event) => {
      this.transcript.handle(event);
      if (event.type === 'feedback-delivered') {
        this._stepIns.delivered();
      }
      this._events.emit(event);
    });
    this._agent = agent;
    this._agentKey = key;
    // The model's context window, where the endpoint says (the proxy's code-interpreter/props),
    // else the setting: requests are kept within it from then on.
    void client.contextWindow().then(tokens => {
      const window = tokens ?? settings.contextWindow;
      if (window && !agent.isDisposed) {
        agent.contextWindowTokens = window;
      }
    });
    return agent;
  }

  /**
   * The saved conversation changed: when it was not this session's own write (a turn running here
   * or an undo here), a collaborator on the same notebook (real-time collaboration) ran a turn or
   * undid one. The sidebar shows the conversation as it now is, in full for review (it was not
   * made here), and the agent is made again at the next turn, so that it continues the shared
   * conversation instead of overwriting it with its own older copy.
   */
  private _onMetadataChanged(_: INotebookModel, change: { key: string }): void {
    if (change.key !== CONVERSATION_METADATA_KEY || this._running || this._writingConversation) {
      return;
    }
    this._disposeAgent();
    this._showSaved();
  }

  /**
   * Show the notebook's saved conversation: in full, for review, when it holds messages or had
   * parts dropped (it was written elsewhere: the file, another browser) and its messages are not
   * the ones the person already continued or this session wrote; otherwise as usual.
   */
  private _showSaved(): void {
    const saved = this._saved();
    const seen = this._accepted !== null && Private.messagesKey(saved) === this._accepted;
    // Messages the person has already seen whole or made here (a collaborator's undo mark
    // changes only a turn) need no second review.
    if (!seen && (saved.dropped.length || (saved.record?.messages.length ?? 0) > 0)) {
      this._review = saved;
      this.transcript.review(saved);
    } else {
      this._review = null;
      this.transcript.restore(saved.record);
    }
  }

  /**
   * The notebook's saved conversation, checked as the agent checks it: the sidebar shows what
   * the agent would continue.
   */
  private _saved(): ICheckedConversation {
    return checkSavedConversation(this.target.loadConversation());
  }

  private _askPerson(request: IApprovalRequest, risks: IRisk[], signal: AbortSignal): Promise<ApprovalDecision> {
    if (request.review) {
      return this._reviews.ask({ ...request, review: request.review }, risks, signal);
    }
    const entry = this.transcript.add<Transcript.IApprovalEntry>({
      kind: 'approval',
      request,
      risks,
      state: 'pending'
    });
    return new Promise<ApprovalDecision>(resolve => {
      const onAbort = () => {
        if (this._pending.delete(entry)) {
          entry.state = 'cancelled';
          this.transcript.update(entry);
          resolve({ action: 'skip', reason: 'The turn was stopped.' });
        }
      };
      this._pending.set(entry, decision => {
        signal.removeEventListener('abort', onAbort);
        resolve(decision);
      });
      if (signal.aborted) {
        onAbort();
      } else {
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
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

  private _disposeAgent(): void {
    this._agent?.dispose();
    this._agent = null;
    this._agentKey = '';
  }

  private _panel: NotebookPanel;
  private _settings: () => ICodeInterpreterSettings;
  private _serverModel: () => string;
  private _serverSettings?: ServerConnection.ISettings;
  private _agent: Agent | null = null;
  private _agentKey = '';
  private _running: Promise<Agent.ITurnResult> | null = null;
  private _writingConversation = false;
  private _review: ICheckedConversation | null = null;
  private _accepted: string | null = null;
  private _fresh = false;
  private _reviews: RevisionReviews;
  private _pending = new Map<Transcript.IApprovalEntry, (decision: ApprovalDecision) => void>();
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
  export interface IOptions {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * Returns the current settings.
     */
    settings: () => ICodeInterpreterSettings;

    /**
     * The model the server is configured with, used when the model setting is empty.
     */
    serverModel?: () => string;

    /**
     * The server connection; the default one when omitted.
     */
    serverSettings?: ServerConnection.ISettings;

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

namespace Private {
  /**
   * The messages of a checked conversation, as one string to compare.
   */
  export function messagesKey(checked: ICheckedConversation): string {
    return JSON.stringify(checked.record?.messages ?? []);
  }

  let sharedCounter: LazyTokenCounter | undefined;

  /**
   * One tokenizer for every notebook: its ranks load once.
   */
  export function tokenCounter(): LazyTokenCounter {
    sharedCounter ??= new LazyTokenCounter();
    return sharedCounter;
  }
}
