// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import type { IConversationRecord, ModelProtocol } from '../conversation/conversationRecord';
import { ApproximateTokenCounter } from '../feedback/approximateTokenCounter';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import type { INotebookTarget } from '../notebook/notebookTarget';
import { resolveSettings, type IAgentOptions, type IAgentSettings } from './agentOptions';
import { CellRunner } from './cellRunner';
import { Conversation } from './conversation';
import type { AgentEvent } from './events';
import { ProtocolChoice } from './protocols/protocolChoice';
import { StepInQueue } from './stepIns';
import { checkSavedConversation, describeDropped, type IDroppedItem } from './savedConversation';
import { TurnLoop } from './turnLoop';
import { TurnNotes } from './turnNotes';
import type { ITurnOptions } from './turnRequest';
import { SETTING_DEFINITIONS } from './settingDefinitions';

/**
 * The code interpreter's loop: ask the model, put its code in a cell, run the cell, tell the model
 * what came back, and let it revise the failing cell in place, until it answers without code or a
 * budget runs out. One agent serves one notebook; follow-up prompts continue the conversation.
 *
 * This class is the agent's face; its parts (docs/architecture.md, "The agent's parts") are the
 * turn loop, the conversation, the protocols, the turn's notes and the cell runner.
 */
export class Agent implements IDisposable {
  /**
   * Construct an agent; it continues the conversation saved in the notebook, if any.
   *
   * @param options - the model, the notebook and the budgets.
   */
  constructor(options: Agent.IOptions) {
    const { model, target } = options;
    this._model = model;
    this._target = target;
    const settings = resolveSettings(options);
    this._settings = settings;
    const counter: ITokenCounter = options.tokenCounter ?? new ApproximateTokenCounter();
    // The notebook's conversation is a file's content: checked message by message, and only what
    // this product would have written is continued (docs/security.md, "Saved conversations").
    const checked =
      options.savedConversation === 'ignore'
        ? { record: undefined, dropped: [] }
        : checkSavedConversation(target.loadConversation());
    this._droppedFromSaved = checked.dropped;
    const emit = (event: AgentEvent) => this._events.emit(event);
    const conversation = (this._conversation = new Conversation(checked.record));
    const notes = new TurnNotes({ ...settings, target, counter, emit });
    const runner = new CellRunner({
      ...settings,
      target,
      conversation,
      kernel: notes,
      approve: options.approve,
      counter,
      emit
    });
    this._protocols = new ProtocolChoice({
      requested: options.protocol ?? SETTING_DEFINITIONS.protocol.default,
      model: model.model,
      savedProtocol: checked.record?.protocol,
      context: { conversation, emit, revisableCell: () => runner.revisableCell }
    });
    this._loop = new TurnLoop({
      model,
      conversation,
      protocols: this._protocols,
      notes,
      runner,
      counter,
      settings,
      emit
    });
  }

  /**
   * Everything the agent does, as it happens.
   */
  get events(): ISignal<this, AgentEvent> {
    return this._events;
  }

  /**
   * Whether a turn is running.
   */
  get isRunning(): boolean {
    return this._controller !== null;
  }

  /**
   * The protocol in use (after any fallback from tools to text).
   */
  get protocol(): ModelProtocol {
    return this._protocols.current.name;
  }

  /**
   * The model's context window in tokens (0 when unknown): requests are kept within it. It can be
   * set once it is learned from the endpoint (`ModelClient.contextWindow`).
   */
  get contextWindowTokens(): number {
    return this._settings.contextWindowTokens;
  }
  set contextWindowTokens(tokens: number) {
    this._settings.contextWindowTokens = Math.max(0, tokens);
  }

  /**
   * The conversation so far, as it is saved with the notebook.
   */
  get conversation(): IConversationRecord {
    return this._conversation.toRecord(this.protocol, this._model.model);
  }

  /**
   * What the check of the notebook's saved conversation dropped (empty when nothing was). The
   * same is emitted as a `saved-conversation` event at the start of the first turn.
   */
  get droppedFromSaved(): readonly IDroppedItem[] {
    return this._droppedFromSaved;
  }

  /**
   * Whether the agent is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Run one user turn: the prompt, then as many model answers and executions as it takes.
   *
   * @param prompt - what the user asks (or their feedback on the previous turn).
   * @param options - a stop signal, the cells the person pointed at and what kind of help is asked.
   * @returns how the turn ended.
   * @throws when another turn is running or the agent is disposed.
   */
  async run(prompt: string, options: ITurnOptions = {}): Promise<Agent.ITurnResult> {
    if (this._isDisposed) {
      throw new Error('The agent is disposed.');
    }
    if (this._controller) {
      throw new Error('A turn is already running; stop it or wait for it to end.');
    }
    const controller = new AbortController();
    this._controller = controller;
    // Open from the moment `run` is called, so that `stepIn` is accepted while the notes are written.
    const stepIns = new StepInQueue();
    this._stepIns = stepIns;
    const onOuterAbort = () => controller.abort();
    if (options.signal?.aborted) {
      controller.abort();
    }
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (!this._savedNoticeEmitted) {
      // Said before anything is sent, where every front end shows warnings.
      this._savedNoticeEmitted = true;
      const message = describeDropped(this._droppedFromSaved);
      if (message) {
        this._events.emit({ type: 'saved-conversation', dropped: [...this._droppedFromSaved], message });
      }
    }
    let result: Agent.ITurnResult;
    try {
      result = await this._loop.run(
        prompt,
        controller.signal,
        { attachments: options.attachments ?? [], intent: options.intent ?? 'code' },
        stepIns
      );
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      this._controller = null;
      this._stepIns = null;
      // Closed by the loop when it ends; closed here too when it threw, so nothing is accepted.
      stepIns.close();
    }
    try {
      await this._target.saveConversation(this.conversation);
    } catch (error) {
      const message = `The conversation could not be saved: ${(error as Error).message}`;
      this._events.emit({ type: 'warning', message });
    }
    const { outcome, reason, ungrounded, executions, tokens, durationMs } = result;
    this._events.emit({ type: 'turn-end', outcome, reason, ungrounded, executions, tokens, durationMs });
    return result;
  }

  /**
   * Send the running turn a message from the person ("stepping in"). It is given to the model at
   * the turn's next step: after the running action (a cell) ends and before the next model
   * request, as a user message after the step's results, with a `feedback-delivered` event.
   *
   * A message sent while the model writes the answer that ends the turn (an answer without code),
   * or after a stop, a limit or a budget ended it, is not delivered: the turn ends as it would
   * have, and returns it in `ITurnResult.undelivered`, for the caller to start the next turn with
   * (or, after a stop, to give back to the person). Each accepted message is either delivered or
   * returned there, never both. A delivered message lets the model make one request more than
   * `maxModelRequests`; the attempts limit (`maxAttempts`) is unchanged.
   *
   * @param text - what the person wrote.
   * @returns whether the running turn took it; `false` when no turn runs or it has ended, and the
   *   caller then starts a turn with it.
   */
  stepIn(text: string): boolean {
    return this._stepIns?.offer(text) ?? false;
  }

  /**
   * Stop the running turn: the model request is aborted and a running cell is interrupted.
   */
  stop(): void {
    this._controller?.abort();
  }

  /**
   * Dispose of the agent, stopping a running turn. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.stop();
    Signal.clearData(this);
  }

  private _model: ModelClient;
  private _target: INotebookTarget;
  private _settings: IAgentSettings;
  private _conversation: Conversation;
  private _protocols: ProtocolChoice;
  private _loop: TurnLoop;
  private _droppedFromSaved: IDroppedItem[];
  private _savedNoticeEmitted = false;
  private _controller: AbortController | null = null;
  private _stepIns: StepInQueue | null = null;
  private _events = new Signal<this, AgentEvent>(this);
  private _isDisposed = false;
}

/**
 * The namespace for `Agent` statics.
 */
export namespace Agent {
  /**
   * The options of an agent: the model, the notebook, the protocol, the limits and budgets, the
   * approval hook (see `IAgentOptions`).
   */
  export type IOptions = IAgentOptions;

  /**
   * How a turn ended.
   */
  export type ITurnResult = TurnLoop.ITurnResult;
}
