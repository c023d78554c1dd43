// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { withoutTrailingAnswerLines } from '../answerLines';
import type { IRenderedFeedback } from '../../feedback/renderedFeedback';
import type { IExecutionResult } from '../../kernel/executionResult';
import { findContentCalls } from '../../model/contentCalls';
import type { IModelResponse } from '../../model/modelClient';
import { codeToRun, endOfFirstBlock } from '../../model/textProtocol';
import { NOTEBOOK_TOOLS, NOTEBOOK_TOOL_NAMES, parseToolCalls } from '../../model/toolsProtocol';
import type { ModelAction } from '../../model/actions';
import { attachedCellsInstructions, EXPLAIN_ONLY_REFUSAL, systemPrompt, type IAttachedCellName } from '../prompts';
import { withoutRepeats } from '../repeatedCode';
import type { TurnIntent } from '../turnRequest';
import type { TurnState } from '../turnState';
import { withAttachedRevisions } from './attachedRevision';
import { responseEvent, type IAgentProtocol, type IAnswerActions, type IProtocolContext } from './protocol';
import { repeatedBlock } from './repeatedBlock';

/**
 * The tools protocol: the notebook tools are offered with every request and the model's calls,
 * of the API or written into its text, become actions; results go back as tool results with the
 * cell's id and status.
 *
 * In `auto`, a model that writes code blocks instead of calls makes the agent fall back to the
 * text protocol (`IOptions.fallBack`).
 */
export class ToolsProtocol implements IAgentProtocol {
  /**
   * Construct the tools protocol.
   *
   * @param options - the context, and the fallback when the protocol was chosen by `auto`.
   */
  constructor(options: ToolsProtocol.IOptions) {
    this._context = options.context;
    this._fallBack = options.fallBack;
  }

  readonly name = 'tools';
  readonly systemPrompt = systemPrompt('tools');
  readonly tools = NOTEBOOK_TOOLS;

  /**
   * An answer in `auto` from a model that has made no native call is cut after its first code
   * block: its block will run, and what it writes after the block (an invented output) must never
   * show. An answer that runs nothing (`explain`) is read whole.
   *
   * @param turn - the running turn.
   * @returns the cut, or `undefined` to read the whole answer.
   */
  streamCut(turn: TurnState): ((text: string) => number | undefined) | undefined {
    return turn.request.intent !== 'explain' && this._runsCodeBlocks() ? endOfFirstBlock : undefined;
  }

  /**
   * The attached cells' instructions: `edit_cell` with the cell's id.
   *
   * @param intent - what kind of help the turn asks for.
   * @param cells - the attached cells.
   * @returns the instructions.
   */
  attachedCellsInstructions(intent: TurnIntent, cells: readonly IAttachedCellName[]): string {
    return attachedCellsInstructions(this.name, intent, cells);
  }

  /**
   * The answer's tool calls (of the API, else written in its text) as actions; code with no call
   * at all, in `auto`, runs as in the text protocol.
   *
   * @param response - the model's answer.
   * @param turn - the running turn.
   * @returns the actions, or a request to ask the model again.
   */
  actionsOf(response: IModelResponse, turn: TurnState): IAnswerActions {
    const { conversation, emit } = this._context;
    if (response.toolCalls.length) {
      emit(responseEvent(response, response.content));
      conversation.append({
        role: 'assistant',
        content: response.content || null,
        tool_calls: response.toolCalls.map(call => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments }
        }))
      });
      return Private.actionsOfCalls(parseToolCalls(response.toolCalls), turn, this._context);
    }
    conversation.append({ role: 'assistant', content: response.content });
    return this._contentCallActions(response, turn);
  }

  /**
   * The cell's id, its status and execution count, then its outputs.
   *
   * @param cellId - the cell that ran.
   * @param result - how it ran.
   * @param feedback - its outputs for the model.
   * @returns the text.
   */
  describeResult(cellId: string, result: IExecutionResult, feedback: IRenderedFeedback): string {
    const count = result.executionCount !== null ? `\nexecution_count: ${result.executionCount}` : '';
    return `cell_id: ${cellId}\nstatus: ${result.status}${count}\noutput:\n${feedback.text}`;
  }

  /**
   * The model named a cell that is gone: it is told so, and to add a new cell.
   *
   * @returns `undefined`.
   */
  revisionOfMissingCell(): undefined {
    return undefined;
  }

  /**
   * An answer without API tool calls: calls the model wrote into its text count as calls; code
   * with no call at all, twice in a row, makes `auto` switch to the text protocol for the rest of
   * the conversation.
   */
  private _contentCallActions(response: IModelResponse, turn: TurnState): IAnswerActions {
    const { conversation, emit } = this._context;
    const found = findContentCalls(response.content, NOTEBOOK_TOOL_NAMES);
    emit(responseEvent(response, found.calls.length || found.malformed.length ? found.text : response.content));
    if (found.malformed.length) {
      emit({ type: 'warning', message: `The model wrote a malformed call: ${found.malformed[0]}.` });
    }
    if (found.calls.length) {
      turn.codeWithoutCall = 0;
      return Private.actionsOfCalls(parseToolCalls(found.calls), turn, this._context);
    }
    if (found.malformed.length) {
      conversation.append({
        role: 'user',
        content: `Error: ${found.malformed.join('; ')}. Nothing was run. Write the call as <tool_call>{"name": "execute_code", "arguments": {"code": "..."}}</tool_call> with valid JSON.`
      });
      return { actions: [], askAgain: true };
    }
    const code = codeToRun(response.content);
    if (code === undefined || !this._fallBack || turn.request.intent === 'explain') {
      return { actions: [] };
    }
    turn.codeWithoutCall++;
    if (turn.codeWithoutCall < 2 && !this._runsCodeBlocks()) {
      conversation.append({
        role: 'user',
        content: 'Nothing was run: to run code, call the execute_code tool with the code as its "code" argument.'
      });
      return { actions: [], askAgain: true };
    }
    this._fallBack(
      turn.codeWithoutCall < 2
        ? 'The model answered with a code block instead of a tool call; its code blocks now run as they are.'
        : 'The model answered with code but no tool call twice in a row; its code blocks now run as they are.'
    );
    return turn.hasRun(code)
      ? repeatedBlock(turn, code, this._context)
      : { actions: withAttachedRevisions([{ kind: 'execute', code }], turn) };
  }

  /**
   * Whether code blocks in the answer run as they are: in `auto`, with a model that has made no
   * native tool call in the conversation (it writes code blocks, as code models are trained to,
   * and would otherwise see its code not run).
   */
  private _runsCodeBlocks(): boolean {
    return !!this._fallBack && !this._context.conversation.hasNativeToolCall;
  }

  private _context: IProtocolContext;
  private _fallBack?: (reason: string) => void;
}

/**
 * The namespace for `ToolsProtocol` statics.
 */
export namespace ToolsProtocol {
  /**
   * The options of the tools protocol.
   */
  export interface IOptions {
    /**
     * The conversation and events.
     */
    context: IProtocolContext;

    /**
     * Switch to the text protocol, saying why; given only when the protocol was chosen by `auto`.
     */
    fallBack?: (reason: string) => void;
  }
}

namespace Private {
  /**
   * The actions of an answer's calls: none in a turn that asks for an explanation only (each call
   * is answered with a refusal), else the calls without answer lines at the end of their code and
   * without repeats, `execute_code` revising the attached cell it revises.
   */
  export function actionsOfCalls(actions: ModelAction[], turn: TurnState, context: IProtocolContext): IAnswerActions {
    if (turn.request.intent === 'explain') {
      for (const action of actions) {
        context.conversation.answerUnrun(action, EXPLAIN_ONLY_REFUSAL);
      }
      return { actions: [] };
    }
    const meant = actions.map(action =>
      action.kind === 'execute' || action.kind === 'edit'
        ? { ...action, ...withoutTrailingAnswerLines(action.code) }
        : action
    );
    return { actions: withAttachedRevisions(withoutRepeats(meant, turn), turn) };
  }
}
