// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IRenderedFeedback } from '../../feedback/renderedFeedback';
import type { ModelAction } from '../../model/actions';
import { withoutTrailingAnswerLines } from '../answerLines';
import type { IModelResponse } from '../../model/modelClient';
import { codeToRun, endOfFirstBlock } from '../../model/textProtocol';
import { attachedCellsInstructions, systemPrompt, type IAttachedCellName } from '../prompts';
import type { TurnIntent } from '../turnRequest';
import type { TurnState } from '../turnState';
import { attachedRevision } from './attachedRevision';
import { repeatedBlock } from './repeatedBlock';
import { responseEvent, type IAgentProtocol, type IAnswerActions, type IProtocolContext } from './protocol';

/**
 * The paper's text protocol: the model writes one fenced code block and stops; the block runs
 * (after a failure it replaces the failed cell) and its outputs come back as an `Execution
 * result:` message. No tools are offered.
 */
export class TextProtocol implements IAgentProtocol {
  /**
   * Construct the text protocol.
   *
   * @param context - the conversation and events.
   */
  constructor(context: IProtocolContext) {
    this._context = context;
  }

  readonly name = 'text';
  readonly systemPrompt = systemPrompt('text');
  readonly tools = undefined;

  /**
   * The answer ends with its first code block: what a model writes after it (an invented output)
   * must never show. An answer that runs nothing (`explain`) is read whole.
   *
   * @param turn - the running turn.
   * @returns the cut.
   */
  streamCut(turn: TurnState): ((text: string) => number | undefined) | undefined {
    return turn.request.intent === 'explain' ? undefined : endOfFirstBlock;
  }

  /**
   * The attached cells' instructions: a block replaces the first attached cell, or the one its
   * first line names.
   *
   * @param intent - what kind of help the turn asks for.
   * @param cells - the attached cells.
   * @returns the instructions.
   */
  attachedCellsInstructions(intent: TurnIntent, cells: readonly IAttachedCellName[]): string {
    return attachedCellsInstructions(this.name, intent, cells);
  }

  /**
   * The answer's first runnable block, as a new cell or as the revision of the cell that failed.
   *
   * @param response - the model's answer.
   * @param turn - the running turn.
   * @returns at most one action.
   */
  actionsOf(response: IModelResponse, turn: TurnState): IAnswerActions {
    const { conversation, emit } = this._context;
    conversation.append({ role: 'assistant', content: response.content });
    emit(responseEvent(response, response.content));
    return Private.runBlock(response.content, turn, this._context);
  }

  /**
   * The paper's format: the outputs alone.
   *
   * @param cellId - the cell that ran.
   * @param result - how it ran.
   * @param feedback - its outputs for the model.
   * @returns the text.
   */
  describeResult(cellId: string, result: unknown, feedback: IRenderedFeedback): string {
    return feedback.text;
  }

  /**
   * The failed cell is gone: the revision becomes a new cell.
   *
   * @param code - the revised code.
   * @returns an execution of it.
   */
  revisionOfMissingCell(code: string): ModelAction {
    return { kind: 'execute', code };
  }

  private _context: IProtocolContext;
}

namespace Private {
  /**
   * Run an answer's first code block: not at all when it already ran in the turn (or the turn
   * asks for an explanation only), as a revision of the attached cell it revises or of the failed
   * cell when there is one, else in a new cell.
   */
  export function runBlock(answer: string, turn: TurnState, context: IProtocolContext): IAnswerActions {
    const sent = turn.request.intent === 'explain' ? undefined : codeToRun(answer);
    if (sent === undefined) {
      return { actions: [] };
    }
    const { code, answerLines } = withoutTrailingAnswerLines(sent);
    if (turn.hasRun(code)) {
      return repeatedBlock(turn, code, context);
    }
    const attached = attachedRevision(code, turn);
    if (attached) {
      return { actions: [{ kind: 'edit', cellId: attached.cellId, code: attached.code, answerLines }] };
    }
    // The paper's convention: after a failure the next block replaces the failed cell.
    const failed = context.revisableCell();
    return {
      actions: [failed ? { kind: 'edit', cellId: failed, code, answerLines } : { kind: 'execute', code, answerLines }]
    };
  }
}
