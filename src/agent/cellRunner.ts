// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { answerLineInCodeNote, answerLinesNotRunNote } from './answerLines';
import { noEffectWarningNote } from '../feedback/noEffectWarning';
import { outputNotes } from '../feedback/outputNotes';
import { renderFeedback } from '../feedback/renderFeedback';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { IExecutionResult } from '../kernel/executionResult';
import type { ModelAction } from '../model/actions';
import { CellNotFoundError, NotACodeCellError, type INotebookTarget } from '../notebook/notebookTarget';
import type { ApprovalHook } from './approval';
import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import type { IAgentProtocol } from './protocols/protocol';
import { columnSources, missingColumnNote } from './missingColumn';
import { noteOnRepeat } from './repeatedCode';
import {
  isPersonsCell,
  unappliedRevisionNote,
  type ReviewRevisions,
  type RevisionReviewOutcome
} from './revisionReview';
import type { IKernelFacts } from './turnNotes';
import type { TurnState } from './turnState';

/**
 * Carries out the model's actions in the notebook: adds and revises cells, runs them (after
 * approval), restarts a kernel that died or hangs, and gives the model each result in its
 * protocol's words.
 */
export class CellRunner {
  /**
   * Construct a cell runner.
   *
   * @param options - the notebook, the conversation, the limits and the approval hook.
   */
  constructor(options: CellRunner.IOptions) {
    this._options = options;
  }

  /**
   * The cell a revision replaces: the last one that failed, while it still exists.
   */
  get revisableCell(): string | undefined {
    const failed = this._failedCellId;
    return failed && this._cellExists(failed) ? failed : undefined;
  }

  /**
   * Carry out one action and give the model its result.
   *
   * @param action - what the model asked for.
   * @param turn - the running turn.
   * @param protocol - the protocol in use.
   * @throws when the notebook or the kernel fails (not the code).
   */
  async perform(action: ModelAction, turn: TurnState, protocol: IAgentProtocol): Promise<void> {
    const { target, conversation, emit } = this._options;
    if (action.kind === 'execute' || action.kind === 'edit') {
      // The model wrote code of its own choosing: later code no longer revises an attached cell.
      turn.pendingRevision = undefined;
    }
    switch (action.kind) {
      case 'invalid':
        emit({ type: 'warning', message: `The model called ${action.toolName} wrongly: ${action.error}.` });
        conversation.answerToolCall(action.toolCallId, `Error: ${action.error}. Nothing was run.`);
        return;
      case 'repeat':
        conversation.answerToolCall(action.toolCallId, noteOnRepeat(turn, action.code, emit).note);
        return;
      case 'markdown': {
        const cellId = await target.insertMarkdown(action.text);
        turn.touch(cellId, null);
        turn.wrote(cellId, action.text);
        emit({ type: 'cell-inserted', cellId, cellType: 'markdown', source: action.text });
        conversation.answerToolCall(action.toolCallId, `cell_id: ${cellId}\nstatus: ok\nThe markdown cell was added.`);
        return;
      }
      case 'execute': {
        const cellId = await target.insertCode(action.code);
        turn.touch(cellId, null);
        turn.wrote(cellId, action.code);
        emit({ type: 'cell-inserted', cellId, cellType: 'code', source: action.code });
        await this._run(cellId, 'new', action.toolCallId, turn, protocol, { answerLines: action.answerLines });
        return;
      }
      case 'edit': {
        let previousSource: string;
        try {
          previousSource = target.getSource(action.cellId);
          if (this._needsReview(action.cellId, previousSource, turn)) {
            await this._reviewRevision(action, previousSource, turn, protocol);
            return;
          }
          await target.setSource(action.cellId, action.code);
        } catch (error) {
          if (error instanceof NotACodeCellError) {
            emit({ type: 'warning', message: error.message });
            conversation.answerToolCall(action.toolCallId, `Error: ${error.message} Use execute_code for new code.`);
            return;
          }
          if (error instanceof CellNotFoundError) {
            emit({ type: 'warning', message: error.message });
            const instead = protocol.revisionOfMissingCell(action.code);
            if (instead) {
              this._failedCellId = undefined;
              await this.perform(instead, turn, protocol);
            } else {
              conversation.answerToolCall(
                action.toolCallId,
                `Error: ${error.message} Use execute_code to add a new cell.`
              );
            }
            return;
          }
          throw error;
        }
        turn.touch(action.cellId, previousSource);
        turn.wrote(action.cellId, action.code);
        emit({ type: 'cell-revised', cellId: action.cellId, source: action.code, previousSource });
        await this._run(action.cellId, 'revision', action.toolCallId, turn, protocol, {
          answerLines: action.answerLines
        });
        return;
      }
      default: {
        // A new kind of action fails to compile here until it is carried out above.
        const unknown: never = action;
        throw new Error(`Unknown action: ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Whether a revision waits for the person's review: the setting asks for it, someone can answer
   * (an approval hook), and the code cell is the person's, neither added in this turn nor one
   * they pointed at (they asked for that change).
   */
  private _needsReview(cellId: string, source: string, turn: TurnState): boolean {
    const { approve, reviewRevisions, target, conversation } = this._options;
    return (
      !!approve &&
      reviewRevisions === 'mine' &&
      !turn.created(cellId) &&
      !turn.request.attachments.some(attachment => attachment.cellId === cellId) &&
      target.cells().some(cell => cell.id === cellId && cell.cellType === 'code') &&
      isPersonsCell(cellId, source, conversation.turns)
    );
  }

  /**
   * Show a revision of the person's cell for review, the cell unchanged meanwhile: Accept writes
   * and runs it (the Accept is the approval), anything else leaves their code and tells the model.
   */
  private async _reviewRevision(
    action: Extract<ModelAction, { kind: 'edit' }>,
    previousSource: string,
    turn: TurnState,
    protocol: IAgentProtocol
  ): Promise<void> {
    const { target, conversation, emit } = this._options;
    const { cellId, code: proposedSource, toolCallId } = action;
    emit({ type: 'revision-review', cellId, previousSource, proposedSource });
    const decision = await this._options.approve!(
      {
        cellId,
        code: proposedSource,
        kind: 'revision',
        folder: this._options.kernel.kernelFolder,
        review: { previousCode: previousSource, proposedCode: proposedSource }
      },
      turn.signal
    );
    const current = this._cellExists(cellId) ? target.getSource(cellId) : undefined;
    let outcome: RevisionReviewOutcome;
    if (current === undefined) {
      outcome = 'cell-deleted';
    } else if (current !== previousSource) {
      // Edited while the review waited (by the person or a collaborator): their code wins.
      outcome = 'cell-changed';
    } else if (decision.action === 'skip') {
      outcome = turn.signal.aborted ? 'not-reviewed' : 'rejected';
    } else {
      outcome = 'accepted';
    }
    if (outcome !== 'accepted') {
      if (outcome === 'not-reviewed') {
        const reason = decision.action === 'skip' && decision.reason ? decision.reason : 'the turn stopped';
        turn.stopReason = `The revision of cell ${cellId} was not reviewed: ${reason}`;
      }
      emit({ type: 'revision-reviewed', cellId, outcome, source: current });
      const reason = decision.action === 'skip' ? decision.reason : undefined;
      conversation.giveResult(cellId, toolCallId, unappliedRevisionNote(cellId, outcome, current, reason), []);
      return;
    }
    const accepted = decision.action === 'edit' ? decision.code : proposedSource;
    await target.setSource(cellId, accepted);
    turn.touch(cellId, previousSource);
    turn.wrote(cellId, accepted);
    emit({ type: 'cell-revised', cellId, source: accepted, previousSource });
    emit({ type: 'revision-reviewed', cellId, outcome, source: accepted });
    await this._run(cellId, 'revision', toolCallId, turn, protocol, {
      approved: true,
      answerLines: action.answerLines
    });
  }

  /**
   * Run a cell (after approval) and give the model the result.
   *
   * @param how - `approved` when the person already approved this code (a reviewed revision);
   *   `answerLines`, the answer lines taken off the model's code, told with the result.
   */
  private async _run(
    cellId: string,
    kind: 'new' | 'revision',
    toolCallId: string | undefined,
    turn: TurnState,
    protocol: IAgentProtocol,
    how: { approved?: boolean; answerLines?: string[] } = {}
  ): Promise<void> {
    const { target, conversation, emit, approve, maxAttempts } = this._options;
    if (approve && !how.approved) {
      const code = target.getSource(cellId);
      const decision = await approve({ cellId, code, kind, folder: this._options.kernel.kernelFolder }, turn.signal);
      if (decision.action === 'skip') {
        const reason = decision.reason || 'The user chose not to run this cell.';
        emit({ type: 'execution-skipped', cellId, reason });
        conversation.giveResult(cellId, toolCallId, `cell_id: ${cellId}\nstatus: skipped\n${reason}`, []);
        return;
      }
      if (decision.action === 'edit') {
        const previousSource = target.getSource(cellId);
        await target.setSource(cellId, decision.code);
        turn.wrote(cellId, decision.code);
        emit({ type: 'cell-revised', cellId, source: decision.code, previousSource });
      }
    }
    const attempt = turn.startExecution();
    emit({ type: 'execution-start', cellId, attempt, maxAttempts });
    let result: IExecutionResult;
    let ranSource = '';
    try {
      // Read here: the person may have deleted the cell while it waited for approval.
      ranSource = target.getSource(cellId);
      result = await target.execute(cellId, {
        timeoutMs: this._options.cellTimeoutMs,
        signal: turn.signal,
        onOutput: outputs => emit({ type: 'execution-output', cellId, outputs })
      });
    } catch (error) {
      if (error instanceof CellNotFoundError) {
        turn.cancelExecution();
        emit({ type: 'warning', message: error.message });
        conversation.giveResult(cellId, toolCallId, `cell_id: ${cellId}\nstatus: error\n${error.message}`, []);
        return;
      }
      throw error;
    }
    // A cell whose output says part of it changed nothing counts as failed, for the agent: its
    // result is wrong though nothing was raised, and the next code revises it in place.
    const noEffect = noEffectWarningNote(result, ranSource);
    const status = noEffect && result.status === 'ok' ? 'error' : result.status;
    turn.lastStatus = status;
    this._failedCellId = status === 'ok' ? undefined : cellId;
    emit({ type: 'execution-end', cellId, attempt, maxAttempts, result });
    await this._restartIfStuck(result);
    const rendered = renderFeedback(result, {
      budgetTokens: this._options.outputBudgetTokens,
      vision: this._options.vision,
      counter: this._options.counter,
      timeoutMs: this._options.cellTimeoutMs
    });
    const notes = [
      ...outputNotes(result, this._options.kernel.installedPackages),
      answerLineInCodeNote(ranSource, result),
      how.answerLines?.length ? answerLinesNotRunNote(how.answerLines, ranSource) : undefined,
      await this._missingColumnNote(result),
      noEffect
    ].filter(Boolean);
    const feedback = notes.length ? { ...rendered, text: [rendered.text, ...notes].join('\n') } : rendered;
    turn.recordRun(ranSource, status, feedback.text);
    emit({ type: 'feedback', cellId, text: feedback.text, images: feedback.images.length, tokens: feedback.tokens });
    conversation.giveResult(cellId, toolCallId, protocol.describeResult(cellId, result, feedback), feedback.images);
  }

  /**
   * After a `KeyError`, the kernel's frames and their columns, read again now: the cell that
   * failed may have made them.
   */
  private async _missingColumnNote(result: IExecutionResult): Promise<string | undefined> {
    if (result.error?.ename !== 'KeyError') {
      return undefined;
    }
    const inspection = await this._options.target.inspectKernel({ timeoutMs: 2000 }).catch(() => undefined);
    return inspection?.kind === 'namespace'
      ? missingColumnNote(result.error.evalue, columnSources(inspection.namespace))
      : undefined;
  }

  /**
   * Restart a kernel that died or did not answer an interrupt, so the next cell can run.
   */
  private async _restartIfStuck(result: IExecutionResult): Promise<void> {
    if (result.status !== 'dead-kernel' && !result.kernelUnresponsive) {
      return;
    }
    const reason =
      result.status === 'dead-kernel'
        ? 'The kernel died while running the cell.'
        : 'The kernel did not answer an interrupt.';
    try {
      await this._options.target.restartKernel();
      this._options.emit({ type: 'kernel-restarted', reason });
    } catch (error) {
      this._options.emit({
        type: 'warning',
        message: `The kernel could not be restarted: ${(error as Error).message}`
      });
    }
  }

  private _cellExists(cellId: string): boolean {
    try {
      this._options.target.getSource(cellId);
      return true;
    } catch {
      return false;
    }
  }

  private _options: CellRunner.IOptions;
  private _failedCellId: string | undefined;
}

/**
 * The namespace for `CellRunner` statics.
 */
export namespace CellRunner {
  /**
   * What a cell runner works with.
   */
  export interface IOptions {
    /**
     * The notebook.
     */
    target: INotebookTarget;

    /**
     * Where results go.
     */
    conversation: Conversation;

    /**
     * What the kernel said of its folder and packages.
     */
    kernel: IKernelFacts;

    /**
     * Consulted before each execution, and for the review of a revision of the person's cell.
     */
    approve?: ApprovalHook;

    /**
     * Whether a revision of the person's cell waits for their review (only with `approve`).
     */
    reviewRevisions: ReviewRevisions;

    /**
     * Executions allowed per turn (shown in the execution events).
     */
    maxAttempts: number;

    /**
     * Time limit of one cell in milliseconds; 0 for none.
     */
    cellTimeoutMs: number;

    /**
     * Tokens of one execution's feedback.
     */
    outputBudgetTokens: number;

    /**
     * Whether the model reads images.
     */
    vision: boolean;

    /**
     * Counts tokens of the feedback.
     */
    counter: ITokenCounter;

    /**
     * Where events go.
     */
    emit: (event: AgentEvent) => void;
  }
}
