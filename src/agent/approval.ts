// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What the agent is about to run, for the approval hook.
 */
export interface IApprovalRequest {
  /**
   * The cell that will run (already holding `code`, unless the request is a `review`).
   */
  cellId: string;

  /**
   * The code that will run.
   */
  code: string;

  /**
   * Whether the cell is new or a revision of an existing one.
   */
  kind: 'new' | 'revision';

  /**
   * The kernel's working folder as its last inspection found it, when known: the kernel's state
   * shows the model that absolute path, so its reads may name files there by it.
   */
  folder?: string;

  /**
   * Present when the agent revises the person's own cell: the cell still holds `previousCode`
   * and changes only on the person's Accept (`run`, or `edit` with their adjustment), which is
   * also the approval to run it; `skip` is a Reject and the cell keeps their code.
   */
  review?: IRevisionReviewRequest;
}

/**
 * The change a review shows.
 */
export interface IRevisionReviewRequest {
  /**
   * The cell's source now (the person's code).
   */
  previousCode: string;

  /**
   * The revision the agent proposes (equal to the request's `code`).
   */
  proposedCode: string;
}

/**
 * The answer of the approval hook.
 *
 * - `run`: run the code as it is.
 * - `skip`: do not run it; the model is told, with the reason.
 * - `edit`: run `code` instead (the person edited it).
 */
export type ApprovalDecision =
  | { action: 'run' }
  | { action: 'skip'; reason?: string }
  | { action: 'edit'; code: string };

/**
 * Consulted before each execution. May take as long as a person needs; the turn's stop signal
 * still ends the turn.
 */
export type ApprovalHook = (request: IApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>;
