// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IApprovalRequest, IRevisionReviewRequest } from '../agent/approval';
import type { TurnOutcome } from '../conversation/conversationRecord';
import type { IRisk } from '../agent/riskyCode';
import type { ExecutionStatus } from '../kernel/executionResult';

/**
 * One item of the chat as the sidebar shows it.
 */
export type TranscriptEntry =
  | IUserEntry
  | IAssistantEntry
  | IStepEntry
  | IApprovalEntry
  | ICandidatesApprovalEntry
  | IRevisionReviewEntry
  | ITurnEndEntry
  | IReviewEntry
  | IFeedbackEntry;

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
 * The one question before the thorough effort's candidates run: their code runs unseen, in
 * kernels started for them, in copies of the notebook's folder.
 */
export interface ICandidatesApprovalEntry {
  kind: 'candidates-approval';
  /**
   * How many candidates.
   */
  candidates: number;
  /**
   * The folder copied for each, as the server names it ('' for its root).
   */
  folder: string;
  /**
   * `pending` until answered; `cancelled` when the turn stopped first.
   */
  state: 'pending' | 'run' | 'skip' | 'cancelled';
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
