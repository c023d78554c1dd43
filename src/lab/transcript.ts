// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';

import type { IConversationRecord } from '../conversation/conversationRecord';
import type { CandidateEvent } from '../agent/candidateTurns';
import type { AgentEvent } from '../agent/events';
import type { ICheckedConversation } from '../agent/savedConversation';
import type { ExecutionStatus } from '../kernel/executionResult';
import { entriesOfRecord, reviewEntryOf } from './savedConversationEntries';
import type * as Entry from './transcriptEntry';
import type { TranscriptEntry } from './transcriptEntry';

export type { TranscriptEntry } from './transcriptEntry';

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
    this._entries = record ? entriesOfRecord(record, this._trans) : [];
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
    this._entries = [reviewEntryOf(checked)];
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

  /**
   * Show the thorough effort's progress: a step per candidate, updated when it ends, and the
   * choice.
   *
   * @param event - what the candidates did.
   */
  handleCandidate(event: CandidateEvent): void {
    switch (event.type) {
      case 'candidate-start':
        this._candidates.set(
          event.index,
          this._step({
            state: 'running',
            label: this._trans.__(
              'Candidate %1 of %2 (seed %3) runs in a kernel of its own',
              event.index + 1,
              event.candidates,
              event.seed
            )
          })
        );
        break;
      case 'candidate-end': {
        const step = this._candidates.get(event.index);
        if (!step) {
          break;
        }
        step.state = event.outcome === 'completed' ? 'ok' : event.outcome === 'stopped' ? 'skipped' : 'warning';
        step.label = this._trans._n(
          'Candidate %2: %3, %1 cell run',
          'Candidate %2: %3, %1 cells run',
          event.executions,
          event.index + 1,
          event.outcome
        );
        step.detail = event.answer ? this._trans.__('Its answer: %1', event.answer) : undefined;
        this.update(step);
        break;
      }
      case 'candidate-chosen':
        this._candidates.clear();
        this._step({
          state: 'info',
          label: this._trans._n(
            'Candidate %2 chosen (%1 candidate voted); its cells now go into your notebook',
            'Candidate %2 chosen (%1 candidates voted); its cells now go into your notebook',
            event.voters,
            event.index + 1
          ),
          detail: event.unneeded
            ? this._trans._n(
                '%1 more candidate could not have changed the vote and did not run.',
                '%1 more candidates could not have changed the vote and did not run.',
                event.unneeded
              )
            : undefined
        });
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
  private _candidates = new Map<number, Transcript.IStepEntry>();
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

  // The entries' types live in transcriptEntry.ts; they keep their names here for the views.

  /** What the user asked. */
  export type IUserEntry = Entry.IUserEntry;

  /** The model's text (markdown), growing while it streams. */
  export type IAssistantEntry = Entry.IAssistantEntry;

  /** How a step looks: in progress, succeeded, failed, revised, skipped, a note or a warning. */
  export type StepState = Entry.StepState;

  /** One step of the agent: writing code, running a cell, an error, a revision. */
  export type IStepEntry = Entry.IStepEntry;

  /** A question to the person before an execution. */
  export type IApprovalEntry = Entry.IApprovalEntry;

  /** A revision of the person's own cell, waiting for their Accept or Reject (or how it ended). */
  export type ICandidatesApprovalEntry = Entry.ICandidatesApprovalEntry;

  export type IRevisionReviewEntry = Entry.IRevisionReviewEntry;

  /** The end of a turn, with its outcome and the undo action. */
  export type ITurnEndEntry = Entry.ITurnEndEntry;

  /** A message of a saved conversation, as it will be sent. */
  export type IReviewMessage = Entry.IReviewMessage;

  /** A conversation loaded from the notebook, shown in full until the person chooses. */
  export type IReviewEntry = Entry.IReviewEntry;

  /** A message the person sent while a turn ran, pending or delivered. */
  export type IFeedbackEntry = Entry.IFeedbackEntry;

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
}
