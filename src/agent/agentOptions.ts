// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelProtocol } from '../conversation/conversationRecord';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import type { INotebookTarget } from '../notebook/notebookTarget';
import type { ApprovalHook } from './approval';
import type { ReviewRevisions } from './revisionReview';
import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from './settingDefinitions';

/**
 * The options of an agent (`Agent.IOptions`).
 */
export interface IAgentOptions {
  /**
   * The model.
   */
  model: ModelClient;

  /**
   * The notebook it works in.
   */
  target: INotebookTarget;

  /**
   * The protocol: `auto` (tools, falling back to text when the endpoint refuses tools),
   * `tools` or `text`. Default `auto`.
   */
  protocol?: ModelProtocol | 'auto';

  /**
   * Executions allowed per user turn. Default 3, as the paper's demo.
   */
  maxAttempts?: number;

  /**
   * Model requests allowed per user turn, so that a model that keeps answering with invalid
   * tool calls cannot loop. Default twice the attempts, plus 4.
   */
  maxModelRequests?: number;

  /**
   * Time limit of one cell in milliseconds; 0 for none. Default 60000.
   */
  cellTimeoutMs?: number;

  /**
   * Tokens of one execution's feedback. Default 1500.
   */
  outputBudgetTokens?: number;

  /**
   * Tokens of conversation history sent with each request; earlier outputs, then earlier turns,
   * give way beyond it (the current turn is always sent whole). 0 for no limit. Default 12000.
   */
  contextBudgetTokens?: number;

  /**
   * Tokens of the notebook's latest cells shown to the model with each request, so it knows
   * what the user's notebook holds; 0 shows none. Default 1500.
   */
  notebookContextTokens?: number;

  /**
   * Tokens of the kernel's state (the user's variables, frames with their columns, modules,
   * the working folder's files) shown to the model at the start of a turn when it changed;
   * 0 shows none, nor the first look at data files the prompt names. Default 600.
   */
  kernelStateTokens?: number;

  /**
   * Tokens of the fuller description of what the user's prompt mentions with `@` (a frame's
   * first rows and `describe()`, a file's first lines, a cell's source), shared between the
   * mentions. Default 1500.
   */
  mentionTokens?: number;

  /**
   * Tokens one turn may use (prompt and completion, over all its requests); 0 for no limit.
   */
  turnTokenBudget?: number;

  /**
   * Wall time one turn may take in milliseconds; 0 for no limit.
   */
  turnTimeBudgetMs?: number;

  /**
   * Whether the model reads images. Default false.
   */
  vision?: boolean;

  /**
   * Sampling temperature; the endpoint's default when omitted.
   */
  temperature?: number;

  /**
   * The seed sent with every request (`seed`, which llama.cpp and OpenAI honour), so that a
   * sampled turn is reproducible; none when omitted.
   */
  seed?: number;

  /**
   * The model's context window in tokens, when known (see `ModelClient.contextWindow`): every
   * request is kept within it, with `answerTokens` left for the answer. 0 when unknown.
   */
  contextWindowTokens?: number;

  /**
   * Tokens kept for the answer within the context window (sent as `max_tokens` when the window
   * is known). Default 1024.
   */
  answerTokens?: number;

  /**
   * What to do with the conversation saved in the notebook: `continue` it (default; it is
   * checked first, see `checkSavedConversation`) or `ignore` it and start a new one, which
   * replaces it when the first turn is saved.
   */
  savedConversation?: 'continue' | 'ignore';

  /**
   * Consulted before each execution.
   */
  approve?: ApprovalHook;

  /**
   * Whether a revision of the person's own cell (one the agent did not add, or that was edited
   * after the agent wrote it) waits for their review through `approve` before the cell changes:
   * `mine` (default) or `never`. Without `approve` there is no one to review, and nothing waits.
   */
  reviewRevisions?: ReviewRevisions;

  /**
   * Counts tokens for the budgets. Default: an estimate that needs no vocabulary (the command
   * line passes the tiktoken counter).
   */
  tokenCounter?: ITokenCounter;
}

/**
 * An agent's limits and budgets, every default filled in. Only `contextWindowTokens` changes
 * afterwards, once the endpoint tells it.
 */
export interface IAgentSettings {
  maxAttempts: number;
  maxModelRequests: number;
  cellTimeoutMs: number;
  outputBudgetTokens: number;
  contextBudgetTokens: number;
  notebookContextTokens: number;
  kernelStateTokens: number;
  mentionTokens: number;
  turnTokenBudget: number;
  turnTimeBudgetMs: number;
  vision: boolean;
  temperature?: number;
  seed?: number;
  contextWindowTokens: number;
  answerTokens: number;
  reviewRevisions: ReviewRevisions;
}

/**
 * The limits and budgets of an agent's options, with their defaults.
 *
 * @param options - the agent's options.
 * @returns the settings.
 */
export function resolveSettings(options: IAgentOptions): IAgentSettings {
  const maxAttempts = Math.max(1, options.maxAttempts ?? SETTING_DEFINITIONS.maxAttempts.default);
  return {
    maxAttempts,
    cellTimeoutMs: options.cellTimeoutMs ?? SETTING_DEFINITIONS.executionTimeout.default * 1000,
    outputBudgetTokens: options.outputBudgetTokens ?? SETTING_DEFINITIONS.outputBudget.default,
    contextBudgetTokens: options.contextBudgetTokens ?? 12_000,
    notebookContextTokens: options.notebookContextTokens ?? 1500,
    kernelStateTokens: options.kernelStateTokens ?? AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default,
    mentionTokens: options.mentionTokens ?? 1500,
    maxModelRequests: options.maxModelRequests ?? 2 * maxAttempts + 4,
    turnTokenBudget: options.turnTokenBudget ?? 0,
    turnTimeBudgetMs: options.turnTimeBudgetMs ?? 0,
    vision: options.vision ?? false,
    temperature: options.temperature,
    seed: options.seed,
    contextWindowTokens: options.contextWindowTokens ?? SETTING_DEFINITIONS.contextWindow.default,
    answerTokens: options.answerTokens ?? 1024,
    reviewRevisions: options.reviewRevisions ?? SETTING_DEFINITIONS.reviewRevisions.default
  };
}
