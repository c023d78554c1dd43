// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ApprovalDecision, IApprovalRequest } from '../agent/approval';
import type { IRisk } from '../agent/riskyCode';
import type { Transcript } from './transcript';

/**
 * The approvals of one notebook that wait for the person: each is a transcript entry (shown by
 * `ApprovalCard`) and ends when the person answers it or when the turn stops first.
 */
export class PendingApprovals {
  /**
   * Construct the approvals of a notebook.
   *
   * @param transcript - where the approvals show.
   */
  constructor(transcript: Transcript) {
    this._transcript = transcript;
  }

  /**
   * Ask the person whether to run a cell.
   *
   * @param request - the approval request.
   * @param risks - what the code does that is asked about.
   * @param signal - the turn's stop signal.
   * @returns the person's decision; `skip` when the turn is stopped first.
   */
  ask(request: IApprovalRequest, risks: IRisk[], signal: AbortSignal): Promise<ApprovalDecision> {
    const entry = this._transcript.add<Transcript.IApprovalEntry>({
      kind: 'approval',
      request,
      risks,
      state: 'pending'
    });
    return new Promise<ApprovalDecision>(resolve => {
      const onAbort = () => {
        if (this._pending.delete(entry)) {
          entry.state = 'cancelled';
          this._transcript.update(entry);
          resolve({ action: 'skip', reason: 'The turn was stopped.' });
        }
      };
      this._pending.set(entry, decision => {
        signal.removeEventListener('abort', onAbort);
        resolve(decision);
      });
      if (signal.aborted) {
        onAbort();
      } else {
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /**
   * Answer a pending approval; nothing happens when it is no longer pending.
   *
   * @param entry - the approval entry of the transcript.
   * @param decision - what the person chose.
   */
  answer(entry: Transcript.IApprovalEntry, decision: ApprovalDecision): void {
    const pending = this._pending.get(entry);
    if (!pending) {
      return;
    }
    this._pending.delete(entry);
    entry.state = decision.action;
    this._transcript.update(entry);
    pending(decision);
  }

  private _transcript: Transcript;
  private _pending = new Map<Transcript.IApprovalEntry, (decision: ApprovalDecision) => void>();
}
