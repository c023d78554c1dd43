// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';

import type { IApprovalRequest, IRevisionReviewRequest } from '../agent/approval';
import type { ChatMessage, IConversationRecord, TurnOutcome } from '../conversation/conversationRecord';
import type { AgentEvent } from '../agent/events';
import { describeDropped, type ICheckedConversation } from '../agent/savedConversation';
import type { IRisk } from '../agent/riskyCode';
import type { ExecutionStatus } from '../kernel/executionResult';
import { EXECUTION_RESULT_PREFIX } from '../model/textProtocol';

/**
 * One item of the chat as the sidebar shows it.
 */
export type TranscriptEntry =
  | Transcript.IUserEntry
  | Transcript.IAssistantEntry
  | Transcript.IStepEntry
  | Transcript.IApprovalEntry
  | Transcript.IRevisionReviewEntry
  | Transcript.ITurnEndEntry
  | Transcript.IReviewEntry
  | Transcript.IFeedbackEntry;

/**
 * What the sidebar shows of one notebook's conversation: built live from the agent's events, or
 * from the conversation saved in the notebook. Holds no DOM, so the view can be swapped.
 */
export class Transcript {
  /**
   * Construct a transcript.
   *
   * @param options - the translator of its labels.
   */
  constructor(options: Transcript.IOptions = {}) {
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * The entries, oldest first.
   */
  get entries(): readonly TranscriptEntry[] {
    return this._entries;
  }

  /**
   * Whether a model request is waiting for its first text.
   */
  get thinking(): boolean {
    return this._thinking;
  }

  /**
   * Emitted when an entry is added or changed, or when everything is replaced.
   */
  get changed(): ISignal<this, Transcript.IChange> {
    return this._changed;
  }

  /**
   * Replace the entries with those of a saved conversation.
   *
   * @param record - the conversation kept with the notebook.
   */
  restore(record: IConversationRecord | undefined): void {
    this._entries = record ? Private.entriesOf(record, this._trans) : [];
    this._current = null;
    this._turn = record?.turns.length ?? 0;
    this._thinking = false;
    this._changed.emit({ type: 'reset' });
  }

  /**
   * Replace the entries with a saved conversation shown in full, for the person to review before
   * anything of it is sent: every message the agent would send (after its own system prompt),
   * with its role, its whole text and its calls, and what the check dropped.
   *
   * @param checked - the checked conversation kept with the notebook.
   */
  review(checked: ICheckedConversation): void {
    this._entries = [
      {
        kind: 'review',
        messages: (checked.record?.messages ?? []).map(Private.reviewMessage),
        turns: checked.record?.turns.length ?? 0,
        dropped: describeDropped(checked.dropped)
      }
    ];
    this._current = null;
    this._turn = 0;
    this._thinking = false;
    this._changed.emit({ type: 'reset' });
  }

  /**
   * Add an entry (used for approvals, which come from the approval hook rather than an event).
   *
   * @param entry - the entry.
   * @returns the entry.
   */
  add<T extends TranscriptEntry>(entry: T): T {
    this._entries.push(entry);
    this._changed.emit({ type: 'added', entry });
    return entry;
  }

  /**
   * Take an entry out (a message sent during a turn that the turn handed back).
   *
   * @param entry - the entry.
   */
  remove(entry: TranscriptEntry): void {
    const index = this._entries.indexOf(entry);
    if (index >= 0) {
      this._entries.splice(index, 1);
      this._changed.emit({ type: 'removed', entry });
    }
  }

  /**
   * Tell the view an entry changed (after changing its fields).
   *
   * @param entry - the changed entry.
   */
  update(entry: TranscriptEntry): void {
    this._changed.emit({ type: 'changed', entry });
  }

  /**
   * Follow one agent event.
   *
   * @param event - what the agent did.
   */
  handle(event: AgentEvent): void {
    switch (event.type) {
      case 'turn-start':
        this._turn = event.turn;
        this.add({ kind: 'user', text: event.prompt, turn: event.turn });
        break;
      case 'model-request':
        this._current = null;
        this._setThinking(true);
        break;
      case 'model-delta': {
        this._setThinking(false);
        if (!this._current) {
          this._current = this.add({ kind: 'assistant', text: '', streaming: true });
        }
        this._current.text += event.text;
        this.update(this._current);
        break;
      }
      case 'model-response': {
        this._setThinking(false);
        if (this._current) {
          this._current.text = event.content;
          this._current.streaming = false;
          this.update(this._current);
        } else if (event.content.trim()) {
          this.add({ kind: 'assistant', text: event.content, streaming: false });
        }
        this._current = null;
        break;
      }
      case 'model-retry':
        this._step({ state: 'info', label: this._trans.__('The answer was cut off; asking again (%1)', event.reason) });
        break;
      case 'protocol-fallback':
        this._step({
          state: 'info',
          label: this._trans.__('Code blocks in the text run from now on: %1', event.reason)
        });
        break;
      case 'cell-inserted':
        this._step({
          state: 'info',
          cellId: event.cellId,
          label: event.cellType === 'code' ? this._trans.__('Wrote') : this._trans.__('Added markdown'),
          code: event.cellType === 'code' ? event.source : undefined
        });
        break;
      case 'cell-revised':
        this._step({
          state: 'revised',
          cellId: event.cellId,
          label: this._trans.__('Revised'),
          code: event.source,
          previousCode: event.previousSource
        });
        break;
      case 'execution-skipped':
        this._step({ state: 'skipped', cellId: event.cellId, label: this._trans.__('Not run: %1', event.reason) });
        break;
      case 'execution-start':
        this._running.set(event.cellId, this._runningStep(event));
        break;
      case 'execution-end': {
        // An execution whose start was not seen (the sidebar opened meanwhile) gets its step now.
        const step = this._running.get(event.cellId) ?? this._runningStep(event);
        this._running.delete(event.cellId);
        const { result } = event;
        step.state = result.status === 'ok' ? 'ok' : 'error';
        step.status = result.status;
        step.executionCount = result.executionCount;
        [step.label, step.detail] = Private.describeStatus(result.status, result.error, this._trans);
        this.update(step);
        break;
      }
      case 'kernel-restarted':
        this._step({ state: 'warning', label: this._trans.__('Kernel restarted: %1', event.reason) });
        break;
      case 'warning':
      case 'saved-conversation':
        this._step({ state: 'warning', label: event.message });
        break;
      case 'ungrounded-answer': {
        const label = event.figures.length
          ? this._trans.__('Not computed by any cell: %1', event.figures.join(', '))
          : this._trans.__('No code ran for a question about data');
        this._step({
          state: 'warning',
          label,
          detail: event.willAsk ? this._trans.__('Asking the model to compute it.') : undefined
        });
        break;
      }
      case 'feedback-delivered': {
        // The oldest message still waiting is this one (they are delivered in order): it moves to
        // where the model read it.
        const waiting = this._entries.find(entry => entry.kind === 'feedback' && entry.state === 'pending');
        if (waiting) {
          this.remove(waiting);
        }
        this.add({ kind: 'feedback', text: event.text, state: 'delivered' });
        break;
      }
      case 'turn-end':
        this._setThinking(false);
        this._current = null;
        this._running.clear();
        this.add({
          kind: 'turn-end',
          turn: this._turn,
          outcome: event.outcome,
          reason: event.reason,
          executions: event.executions,
          undone: false
        });
        break;
      default:
        break;
    }
  }

  private _step(fields: Omit<Transcript.IStepEntry, 'kind'>): Transcript.IStepEntry {
    return this.add({ kind: 'step', ...fields });
  }

  /**
   * The step of a cell being run, added to the entries.
   */
  private _runningStep(event: { cellId: string; attempt: number; maxAttempts: number }): Transcript.IStepEntry {
    return this._step({
      state: 'running',
      cellId: event.cellId,
      label: this._trans.__('Running'),
      attempt: event.attempt,
      maxAttempts: event.maxAttempts
    });
  }

  private _setThinking(value: boolean): void {
    if (this._thinking !== value) {
      this._thinking = value;
      this._changed.emit({ type: 'thinking' });
    }
  }

  private _entries: TranscriptEntry[] = [];
  private _current: Transcript.IAssistantEntry | null = null;
  private _running = new Map<string, Transcript.IStepEntry>();
  private _turn = 0;
  private _thinking = false;
  private _changed = new Signal<this, Transcript.IChange>(this);
  private _trans: TranslationBundle;
}

/**
 * The namespace for `Transcript` types.
 */
export namespace Transcript {
  /**
   * The options of a transcript.
   */
  export interface IOptions {
    /**
     * Translates the labels of its steps.
     */
    translator?: ITranslator;
  }

  /**
   * What the user asked.
   */
  export interface IUserEntry {
    kind: 'user';
    text: string;
    turn: number;
  }

  /**
   * The model's text (markdown), growing while it streams.
   */
  export interface IAssistantEntry {
    kind: 'assistant';
    text: string;
    streaming: boolean;
  }

  /**
   * How a step looks: in progress, succeeded, failed, revised, skipped, a note or a warning.
   */
  export type StepState = 'running' | 'ok' | 'error' | 'revised' | 'skipped' | 'info' | 'warning';

  /**
   * One step of the agent: writing code, running a cell, an error, a revision.
   */
  export interface IStepEntry {
    kind: 'step';
    state: StepState;
    label: string;
    /**
     * The cell the step is about, for the link that scrolls to it.
     */
    cellId?: string;
    /**
     * More about the step, shown after the cell (an error's name and message).
     */
    detail?: string;
    /**
     * The code written or revised.
     */
    code?: string;
    /**
     * What a revised cell held before, for the diff shown afterwards.
     */
    previousCode?: string;
    attempt?: number;
    maxAttempts?: number;
    status?: ExecutionStatus;
    executionCount?: number | null;
  }

  /**
   * A question to the person before an execution.
   */
  export interface IApprovalEntry {
    kind: 'approval';
    request: IApprovalRequest;
    risks: IRisk[];
    /**
     * `pending` until answered; `cancelled` when the turn stopped first.
     */
    state: 'pending' | 'run' | 'skip' | 'edit' | 'cancelled';
  }

  /**
   * A revision of the person's own cell, waiting for their Accept or Reject (or how it ended).
   */
  export interface IRevisionReviewEntry {
    kind: 'revision-review';
    request: IApprovalRequest & { review: IRevisionReviewRequest };
    risks: IRisk[];
    /**
     * `pending` until decided; `cell-changed` when the cell was edited meanwhile, `not-reviewed`
     * when the turn stopped or the notebook closed first.
     */
    state: 'pending' | 'accepted' | 'rejected' | 'cell-changed' | 'not-reviewed';
  }

  /**
   * The end of a turn, with its outcome and the undo action.
   */
  export interface ITurnEndEntry {
    kind: 'turn-end';
    /**
     * The turn's number, 1-based.
     */
    turn: number;
    outcome: TurnOutcome;
    reason?: string;
    executions: number;
    undone: boolean;
  }

  /**
   * A message of a saved conversation, as it will be sent.
   */
  export interface IReviewMessage {
    role: 'user' | 'assistant' | 'tool';
    /**
     * Its whole text.
     */
    text: string;
    /**
     * The tool calls of an assistant message: the tool's name and its arguments as written.
     */
    calls: { name: string; arguments: string }[];
  }

  /**
   * A conversation loaded from the notebook, shown in full until the person chooses to continue
   * it or to start fresh: nothing is sent before.
   */
  export interface IReviewEntry {
    kind: 'review';
    messages: IReviewMessage[];
    /**
     * How many turns it holds.
     */
    turns: number;
    /**
     * What the check dropped, in one sentence, if anything.
     */
    dropped?: string;
  }

  /**
   * A message the person sent while a turn ran: `pending` until the agent gives it to the model,
   * then `delivered`, at the point of the turn where the model read it.
   */
  export interface IFeedbackEntry {
    kind: 'feedback';
    text: string;
    state: 'pending' | 'delivered';
  }

  /**
   * A change of the transcript.
   */
  export type IChange =
    | { type: 'added'; entry: TranscriptEntry }
    | { type: 'removed'; entry: TranscriptEntry }
    | { type: 'changed'; entry: TranscriptEntry }
    | { type: 'thinking' }
    | { type: 'reset' };
}

namespace Private {
  /**
   * A checked message as the review shows it.
   */
  export function reviewMessage(message: ChatMessage): Transcript.IReviewMessage {
    const calls =
      message.role === 'assistant'
        ? (message.tool_calls ?? []).flatMap(call =>
            call.type === 'function' ? [{ name: call.function.name, arguments: call.function.arguments }] : []
          )
        : [];
    return { role: message.role as Transcript.IReviewMessage['role'], text: textOf(message), calls };
  }

  /**
   * A step's label for an execution status.
   */
  export function describeStatus(
    status: ExecutionStatus,
    error: { ename: string; evalue: string } | undefined,
    trans: TranslationBundle
  ): [string, string | undefined] {
    switch (status) {
      case 'ok':
        return [trans.__('Ran'), undefined];
      case 'error':
        return [trans.__('Error in'), error ? `${error.ename}: ${error.evalue}` : undefined];
      case 'timeout':
        return [trans.__('Timed out:'), trans.__('the cell was interrupted')];
      case 'interrupted':
        return [trans.__('Interrupted'), undefined];
      case 'dead-kernel':
        return [trans.__('The kernel died running'), undefined];
    }
  }

  /**
   * The entries of a saved conversation: prompts, answers, and a step for each tool call or
   * execution result, with a turn end after each turn.
   */
  export function entriesOf(record: IConversationRecord, trans: TranslationBundle): TranscriptEntry[] {
    const entries: TranscriptEntry[] = [];
    // Where each turn's prompt is: the message sent may carry notes before the user's words
    // (the notebook's cells, the kernel's state), which the sidebar does not show.
    const promptAt = new Map<number, string>();
    let from = 0;
    for (const saved of record.turns) {
      const index =
        saved.messageIndex ??
        record.messages.findIndex(
          (message, i) =>
            i >= from &&
            message.role === 'user' &&
            typeof message.content === 'string' &&
            message.content.endsWith(saved.prompt)
        );
      if (index >= from) {
        promptAt.set(index, saved.prompt);
        from = index + 1;
      }
    }
    const toolNames = new Map<string, string>();
    let turn = 0;
    const endTurn = () => {
      const saved = record.turns[turn - 1];
      if (saved?.outcome) {
        entries.push({
          kind: 'turn-end',
          turn,
          outcome: saved.outcome,
          executions: saved.executions,
          undone: !!saved.undoneAt
        });
      }
    };
    record.messages.forEach((message, index) => {
      const text = textOf(message);
      switch (message.role) {
        case 'user': {
          const prompt = promptAt.get(index);
          if (prompt !== undefined) {
            if (turn > 0) {
              endTurn();
            }
            turn += 1;
            entries.push({ kind: 'user', text: prompt, turn });
          } else if (text.startsWith(EXECUTION_RESULT_PREFIX)) {
            const failed = /Traceback|Error\b/.test(text);
            entries.push({
              kind: 'step',
              state: failed ? 'error' : 'ok',
              label: failed ? trans.__('Error') : trans.__('Ran code')
            });
          }
          break;
        }
        case 'assistant':
          if (text.trim()) {
            entries.push({ kind: 'assistant', text, streaming: false });
          }
          for (const call of ('tool_calls' in message && message.tool_calls) || []) {
            if (call.type === 'function') {
              toolNames.set(call.id, call.function.name);
            }
          }
          break;
        case 'tool': {
          const name = toolNames.get(message.tool_call_id);
          const cellId = /^cell_id: (\S+)/m.exec(text)?.[1];
          const status = /^status: (\S+)/m.exec(text)?.[1];
          const ok = status === 'ok';
          const edited = name === 'edit_cell';
          const label =
            name === 'add_markdown'
              ? trans.__('Added markdown')
              : status === 'ok'
                ? edited
                  ? trans.__('Revised and ran')
                  : trans.__('Ran')
                : status
                  ? edited
                    ? trans.__('Revised and %1 in', status)
                    : trans.__('%1 in', status)
                  : text.split('\n')[0];
          entries.push({ kind: 'step', state: ok ? 'ok' : status ? 'error' : 'warning', label, cellId });
          break;
        }
        default:
          break;
      }
    });
    if (turn > 0) {
      endTurn();
    }
    return entries;
  }

  export function textOf(message: ChatMessage): string {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') {
      return content;
    }
    if (Array.isArray(content)) {
      return content.map(part => (part && part.type === 'text' ? String(part.text) : '')).join('');
    }
    return '';
  }
}
