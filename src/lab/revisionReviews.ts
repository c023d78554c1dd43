// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';

import type { ApprovalDecision, IApprovalRequest, IRevisionReviewRequest } from '../agent/approval';
import type { IRisk } from '../agent/riskyCode';
import type { Transcript } from './transcript';

/**
 * The CSS class of a notebook cell whose revision waits for the person's review.
 */
export const REVIEW_PENDING_CLASS = 'jp-CodeInterpreter-reviewPending';

/**
 * The reviews of revisions of the person's cells that wait in one notebook: each is a transcript
 * entry (shown by `RevisionReviewCard`) and a mark on its cell, and ends on Accept or Reject, on
 * an edit of the cell (the person's or a collaborator's: their code wins, the revision is not
 * applied), when the turn stops, or when the notebook closes (`dispose`).
 */
export class RevisionReviews implements IDisposable {
  /**
   * Construct the reviews of a notebook.
   *
   * @param options - the notebook and the transcript the reviews are shown in.
   */
  constructor(options: RevisionReviews.IOptions) {
    this._panel = options.panel;
    this._transcript = options.transcript;
  }

  /**
   * Whether the notebook closed (its session ended).
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask the person to review a revision of their cell.
   *
   * @param request - the approval request, with its `review`.
   * @param risks - what the proposed code does that would be asked about.
   * @param signal - the turn's stop signal.
   * @returns `run` on Accept; `skip` on Reject, when the cell changed, or when the review is left
   *   unanswered (the reason says which).
   */
  ask(
    request: IApprovalRequest & { review: IRevisionReviewRequest },
    risks: IRisk[],
    signal: AbortSignal
  ): Promise<ApprovalDecision> {
    const entry = this._transcript.add<Transcript.IRevisionReviewEntry>({
      kind: 'revision-review',
      request,
      risks,
      state: 'pending'
    });
    const cell = this._panel.content.widgets.find(widget => widget.model.id === request.cellId);
    cell?.addClass(REVIEW_PENDING_CLASS);
    // Edits come through the shared model: this browser's and a collaborator's alike.
    const shared = cell?.model.sharedModel;
    return new Promise<ApprovalDecision>(resolve => {
      const settle = (
        state: Exclude<Transcript.IRevisionReviewEntry['state'], 'pending'>,
        decision: ApprovalDecision
      ) => {
        if (!this._pending.delete(entry)) {
          return;
        }
        signal.removeEventListener('abort', onAbort);
        shared?.changed.disconnect(onContent);
        this._panel.model?.cells.changed.disconnect(onContent);
        cell?.removeClass(REVIEW_PENDING_CLASS);
        entry.state = state;
        this._transcript.update(entry);
        resolve(decision);
      };
      const onAbort = () =>
        settle('not-reviewed', {
          action: 'skip',
          reason: this._isDisposed ? 'the notebook was closed' : 'the turn was stopped'
        });
      const onContent = () => {
        const current = this._panel.model?.sharedModel.cells.find(candidate => candidate.getId() === request.cellId);
        if (current?.getSource() !== request.review.previousCode) {
          // The agent reads the cell again and tells the model the person's code.
          settle('cell-changed', { action: 'skip', reason: 'The cell changed while the revision waited.' });
        }
      };
      this._pending.set(entry, decision => settle(decision.action === 'skip' ? 'rejected' : 'accepted', decision));
      shared?.changed.connect(onContent);
      this._panel.model?.cells.changed.connect(onContent);
      if (signal.aborted) {
        onAbort();
      } else {
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /**
   * Answer a pending review (the card's Accept or Reject).
   *
   * @param entry - the review's transcript entry.
   * @param decision - `run` to accept, `skip` to reject.
   */
  answer(entry: Transcript.IRevisionReviewEntry, decision: ApprovalDecision): void {
    this._pending.get(entry)?.(decision);
  }

  /**
   * The notebook closed: a review still waiting ends as not reviewed once the turn's stop signal
   * fires (the session stops the agent next). Safe to call more than once.
   */
  dispose(): void {
    this._isDisposed = true;
  }

  private _panel: NotebookPanel;
  private _transcript: Transcript;
  private _pending = new Map<Transcript.IRevisionReviewEntry, (decision: ApprovalDecision) => void>();
  private _isDisposed = false;
}

/**
 * The namespace for `RevisionReviews` statics.
 */
export namespace RevisionReviews {
  /**
   * The options of a notebook's reviews.
   */
  export interface IOptions {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * Where the reviews are shown.
     */
    transcript: Transcript;
  }
}
