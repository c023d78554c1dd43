// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ApprovalDecision, IApprovalRequest } from '../agent/approval';
import type { IRisk } from '../agent/riskyCode';
import type { Transcript } from './transcript';

/**
 * The approvals of one notebook that wait for the person: each is a transcript entry (shown by
 * `ApprovalCard`, or `CandidatesApprovalCard` for the thorough effort's set) and ends when the
 * person answers it or when the turn stops first.
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
    return this._wait(entry, signal, { action: 'skip', reason: 'The turn was stopped.' });
  }

  /**
   * Ask the person once whether the thorough effort's candidates may run.
   *
   * @param candidates - how many.
   * @param folder - the folder each works in a copy of.
   * @param signal - the turn's stop signal.
   * @returns whether they may; `false` when the turn is stopped first.
   */
  async askCandidates(candidates: number, folder: string, signal: AbortSignal): Promise<boolean> {
    const entry = this._transcript.add<Transcript.ICandidatesApprovalEntry>({
      kind: 'candidates-approval',
      candidates,
      folder,
      state: 'pending'
    });
    const decision = await this._wait(entry, signal, { action: 'skip' });
    return decision.action === 'run';
  }

  /**
   * Answer a pending approval.
   *
   * @param entry - the approval entry.
   * @param decision - what the person chose (a set of candidates is run or skipped).
   */
  answer(entry: Transcript.IApprovalEntry | Transcript.ICandidatesApprovalEntry, decision: ApprovalDecision): void {
    const pending = this._pending.get(entry);
    if (!pending) {
      return;
    }
    this._pending.delete(entry);
    entry.state = entry.kind === 'candidates-approval' && decision.action === 'edit' ? 'run' : decision.action;
    this._transcript.update(entry);
    pending(decision);
  }

  private _wait(
    entry: Transcript.IApprovalEntry | Transcript.ICandidatesApprovalEntry,
    signal: AbortSignal,
    onStop: ApprovalDecision
  ): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>(resolve => {
      const onAbort = () => {
        if (this._pending.delete(entry)) {
          entry.state = 'cancelled';
          this._transcript.update(entry);
          resolve(onStop);
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

  private _transcript: Transcript;
  private _pending = new Map<
    Transcript.IApprovalEntry | Transcript.ICandidatesApprovalEntry,
    (decision: ApprovalDecision) => void
  >();
}
