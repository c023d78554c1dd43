// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ModelProtocol } from '../../conversation/conversationRecord';
import type { IRenderedFeedback } from '../../feedback/renderedFeedback';
import type { IExecutionResult } from '../../kernel/executionResult';
import type { ModelAction } from '../../model/actions';
import type { IModelResponse } from '../../model/modelClient';
import type { Conversation } from '../conversation';
import type { AgentEvent } from '../events';
import type { IAttachedCellName } from '../prompts';
import type { TurnIntent } from '../turnRequest';
import type { TurnState } from '../turnState';

/**
 * How the agent and the model talk: what a request offers, how an answer becomes actions and how
 * an execution's result is worded. Everything that differs between the tools protocol (the API's
 * function calling) and the text protocol (the paper's fenced code blocks) is here, and nowhere
 * else; `ProtocolChoice` picks the implementation.
 */
export interface IAgentProtocol {
  /**
   * The protocol's name, as saved with the conversation.
   */
  readonly name: ModelProtocol;

  /**
   * The system prompt of every request.
   */
  readonly systemPrompt: string;

  /**
   * The tools offered with every request, `undefined` for none.
   */
  readonly tools: ChatCompletionTool[] | undefined;

  /**
   * Where the streamed answer is cut, if it is: a function of the answer so far giving the length
   * to keep, or `undefined` to read the whole answer.
   *
   * @param turn - the running turn (an answer that runs nothing is never cut).
   */
  streamCut(turn: TurnState): ((text: string) => number | undefined) | undefined;

  /**
   * What the model is told to do with the cells the person pointed at, in this protocol's words.
   *
   * @param intent - what kind of help the turn asks for.
   * @param cells - the attached cells (at least one).
   * @returns the instructions that end the attached cells' note.
   */
  attachedCellsInstructions(intent: TurnIntent, cells: readonly IAttachedCellName[]): string;

  /**
   * Record the model's answer in the conversation and turn it into actions. The answer is kept
   * exactly as the model wrote it, so the next request begins with the bytes the server already
   * has in its cache.
   *
   * @param response - the model's answer.
   * @param turn - the running turn.
   * @returns the actions, or a request to ask the model again.
   */
  actionsOf(response: IModelResponse, turn: TurnState): IAnswerActions;

  /**
   * The text the model reads about an execution.
   *
   * @param cellId - the cell that ran.
   * @param result - how it ran.
   * @param feedback - its outputs, rendered for the model.
   * @returns the text.
   */
  describeResult(cellId: string, result: IExecutionResult, feedback: IRenderedFeedback): string;

  /**
   * What becomes of a revision of a cell that is gone (the user deleted it).
   *
   * @param code - the revised code.
   * @returns the action to carry out instead, or `undefined` to tell the model of the error.
   */
  revisionOfMissingCell(code: string): ModelAction | undefined;
}

/**
 * What to do with an answer: its actions, or ask the model again (after telling it something).
 */
export interface IAnswerActions {
  actions: ModelAction[];
  askAgain?: boolean;
}

/**
 * What a protocol works with.
 */
export interface IProtocolContext {
  /**
   * The conversation, where answers and notes to the model go.
   */
  readonly conversation: Conversation;

  /**
   * Emit an agent event.
   *
   * @param event - the event.
   */
  emit(event: AgentEvent): void;

  /**
   * The cell a revision replaces: the last one that failed, while it exists.
   *
   * @returns its id, or `undefined`.
   */
  revisableCell(): string | undefined;
}

/**
 * The `model-response` event of an answer.
 *
 * @param response - the answer.
 * @param content - its text as the user should read it.
 * @returns the event.
 */
export function responseEvent(response: IModelResponse, content: string): AgentEvent {
  return {
    type: 'model-response',
    content,
    toolCalls: response.toolCalls,
    finishReason: response.finishReason,
    usage: response.usage
  };
}
