// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * A message of the conversation, as the OpenAI chat API takes it.
 */
export type ChatMessage = ChatCompletionMessageParam;

/**
 * The wire protocol between the agent and the model.
 *
 * - `tools`: function calling (`execute_code`, `edit_cell`, `add_markdown`).
 * - `text`: the OpenCodeInterpreter convention: fenced python blocks run, results come back as a
 *   user message beginning `Execution result: \n`.
 */
export type ModelProtocol = 'tools' | 'text';

/**
 * How a user turn ended.
 *
 * - `completed`: the model answered without more code, and the last execution (if any) succeeded.
 * - `gave-up`: the attempts ran out, or the model stopped, with the last execution failing.
 * - `stopped`: the user stopped the turn.
 * - `budget-exhausted`: the turn's token or time budget ran out.
 * - `model-error`: the model endpoint failed (after retries).
 * - `unverified`: the model answered, but its answer states figures that no output shows, or no
 *   code ran for a question about data (docs/jupyterlab.md, "Answers grounded in outputs").
 */
export type TurnOutcome = 'completed' | 'gave-up' | 'stopped' | 'budget-exhausted' | 'model-error' | 'unverified';

/**
 * A cell the agent inserted or edited during a turn, with what it held before (for undo).
 */
export interface ITouchedCell {
  /**
   * The cell's id.
   */
  cellId: string;

  /**
   * The source before the turn first touched it; `null` when the turn inserted the cell.
   */
  previousSource: string | null;

  /**
   * A hash (`sourceHash` in src/agent/revisionReview.ts) of the source the turn last wrote into
   * the cell, so a later turn knows whether the cell is still as the agent left it or the person
   * has made it theirs; absent in turns saved before it was recorded (their cells count as the
   * person's).
   */
  agentSourceHash?: string;
}

/**
 * One user turn, as kept with the notebook.
 */
export interface ITurnRecord {
  /**
   * What the user asked.
   */
  prompt: string;

  /**
   * When the turn started (ISO 8601).
   */
  startedAt: string;

  /**
   * How it ended; absent while it runs.
   */
  outcome?: TurnOutcome;

  /**
   * The cells the turn inserted or edited, in the order it first touched them.
   */
  cells: ITouchedCell[];

  /**
   * How many executions the turn made.
   */
  executions: number;

  /**
   * The index of the turn's prompt in the conversation's messages.
   */
  messageIndex?: number;

  /**
   * When the user undid the turn's cells (ISO 8601), if they did.
   */
  undoneAt?: string;

  /**
   * Whether the model has been told of the undo.
   */
  undoToldToModel?: boolean;
}

/**
 * The conversation saved in a notebook's metadata under `code_interpreter`.
 */
export interface IConversationRecord {
  /**
   * The record's format version.
   */
  version: 1;

  /**
   * The protocol the conversation uses.
   */
  protocol: ModelProtocol;

  /**
   * The model that answered, when known.
   */
  model?: string;

  /**
   * The messages sent to and received from the model (system prompt excluded; image data is
   * replaced by a placeholder, the image stays in the cell's outputs).
   */
  messages: ChatMessage[];

  /**
   * The user turns, oldest first.
   */
  turns: ITurnRecord[];
}

/**
 * The notebook metadata key of the conversation.
 */
export const CONVERSATION_METADATA_KEY = 'code_interpreter';
