// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITurnRecord } from '../conversation/conversationRecord';
import type { ExecutionStatus } from '../kernel/executionResult';
import { sourceHash } from './revisionReview';
import type { ICellAttachment, TurnIntent } from './turnRequest';

/**
 * What one user turn has done so far: its record, what it spent, and what its cells ran. The turn
 * loop, the protocols and the cell runner read and update it; it ends with the turn.
 */
export class TurnState {
  /**
   * Start the state of a turn.
   *
   * @param record - the turn as it is saved with the conversation.
   * @param signal - stops the turn.
   * @param needsCode - whether the question names data (a file, a variable) only code can read.
   * @param request - the cells the person pointed at and what kind of help is asked.
   */
  constructor(
    readonly record: ITurnRecord,
    readonly signal: AbortSignal,
    readonly needsCode: boolean,
    readonly request: TurnState.IRequest = { attachments: [], intent: 'code' }
  ) {}

  /**
   * When the turn started, in milliseconds since the epoch.
   */
  readonly started = Date.now();

  /**
   * Tokens the turn's requests used (prompt and completion).
   */
  tokens = 0;

  /**
   * Model requests made in the turn.
   */
  requests = 0;

  /**
   * How the last execution ended, if any ran.
   */
  lastStatus: ExecutionStatus | undefined = undefined;

  /**
   * Whether the model was already asked to compute the figures of its answer.
   */
  groundingAsked = false;

  /**
   * Answers in a row with code but no tool call (tools protocol).
   */
  codeWithoutCall = 0;

  /**
   * Answers that repeated code already run.
   */
  repeats = 0;

  /**
   * Answers that sent again code that failed in this turn (it was not run again).
   */
  failedRepeats = 0;

  /**
   * The attached cell the turn's first code revises (`fix`, or `code` with attachments), until
   * some code was written: then `undefined`.
   */
  pendingRevision: string | undefined = undefined;

  /**
   * The sources and outputs of the attached cells as the notes showed them to the model: an
   * answer may state what they show.
   */
  attachedShown: string[] = [];

  /**
   * Messages the person sent during the turn that were given to the model; each allows one model
   * request more than the limit (the attempts limit stays as it is).
   */
  stepIns = 0;

  /**
   * Executions in this turn (a cell deleted before it ran does not count).
   */
  get executions(): number {
    return this.record.executions;
  }

  /**
   * Milliseconds since the turn started.
   */
  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  /**
   * Count an execution that is starting.
   *
   * @returns its number in the turn.
   */
  startExecution(): number {
    return ++this.record.executions;
  }

  /**
   * Take back the count of an execution that never ran (its cell was gone).
   */
  cancelExecution(): void {
    this.record.executions--;
  }

  /**
   * Record a cell the turn added or changed, for undo (only its first source is kept).
   *
   * @param cellId - the cell.
   * @param previousSource - its source before the turn, `null` for a cell the turn added.
   */
  touch(cellId: string, previousSource: string | null): void {
    if (!this.record.cells.some(cell => cell.cellId === cellId)) {
      this.record.cells.push({ cellId, previousSource });
    }
  }

  /**
   * Record the source the turn wrote into a cell it added or changed (after `touch`), so later
   * turns know whether the cell is still the agent's (`isPersonsCell`).
   *
   * @param cellId - the cell.
   * @param source - the source written.
   */
  wrote(cellId: string, source: string): void {
    const cells = this.record.cells;
    const index = cells.findIndex(cell => cell.cellId === cellId);
    if (index >= 0) {
      // A new object: copies of the record made before (to save it) keep their own.
      cells[index] = { ...cells[index], agentSourceHash: sourceHash(source) };
    }
  }

  /**
   * Whether the turn added this cell.
   *
   * @param cellId - the cell.
   * @returns `true` for a cell the turn inserted.
   */
  created(cellId: string): boolean {
    return this.record.cells.some(cell => cell.cellId === cellId && cell.previousSource === null);
  }

  /**
   * Why the turn stops, when something other than the person's Stop stopped it (a review the
   * notebook's closing left unanswered); the turn's end reports it.
   */
  stopReason: string | undefined = undefined;

  /**
   * Record code that ran in this turn, how it ended and what the model was told of it.
   *
   * @param code - the source that ran.
   * @param status - how it ended.
   * @param feedback - the text the model read.
   */
  recordRun(code: string, status: ExecutionStatus, feedback: string): void {
    this._ranCode.set(Private.sameCodeKey(code), { status, feedback });
  }

  /**
   * Whether this exact code already ran in this turn.
   *
   * @param code - the source.
   * @returns true when it ran.
   */
  hasRun(code: string): boolean {
    return this._ranCode.has(Private.sameCodeKey(code));
  }

  /**
   * What the model is told when it sends again code that failed in this turn.
   *
   * @param code - the source it sent.
   * @returns the note, or `undefined` when the code did not fail (or never ran).
   */
  failedRunNote(code: string): string | undefined {
    const ran = this._ranCode.get(Private.sameCodeKey(code));
    if (!ran || ran.status === 'ok') {
      return undefined;
    }
    return `This exact code failed (${ran.status}); it was not run again. Its result was:\n${ran.feedback}\nChange the code to fix the error.`;
  }

  /**
   * Whether the turn went over its token or time budget.
   *
   * @param budgets - the budgets (0 for none).
   * @returns why it is over, or `undefined` while it is within them.
   */
  budgetExceeded(budgets: { turnTokenBudget: number; turnTimeBudgetMs: number }): string | undefined {
    const { turnTokenBudget, turnTimeBudgetMs } = budgets;
    if (turnTokenBudget > 0 && this.tokens >= turnTokenBudget) {
      return `The turn used ${this.tokens} tokens, over its budget of ${turnTokenBudget}.`;
    }
    if (turnTimeBudgetMs > 0 && this.elapsedMs >= turnTimeBudgetMs) {
      return `The turn ran for ${Math.round(this.elapsedMs / 1000)} s, over its budget of ${Math.round(turnTimeBudgetMs / 1000)} s.`;
    }
    return undefined;
  }

  private _ranCode = new Map<string, { status: ExecutionStatus; feedback: string }>();
}

/**
 * The namespace for `TurnState` statics.
 */
export namespace TurnState {
  /**
   * What the person asked for besides the prompt.
   */
  export interface IRequest {
    /**
     * The cells the person pointed at, in the order they attached them.
     */
    readonly attachments: readonly ICellAttachment[];

    /**
     * What kind of help the turn asks for.
     */
    readonly intent: TurnIntent;
  }
}

namespace Private {
  /**
   * The key under which code is remembered: code that differs only in the whitespace that ends
   * its lines or the source is the same code (a cell's source and the model's copy of it often
   * differ by a final line break).
   */
  export function sameCodeKey(code: string): string {
    return code.replace(/[ \t]+$/gm, '').trimEnd();
  }
}
