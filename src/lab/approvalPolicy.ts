// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ApprovalDecision, ApprovalHook, IApprovalRequest } from '../agent/approval';
import { findRisks, type IRisk } from '../agent/riskyCode';
import type { ApprovalPolicy } from './settings';

/**
 * Asks a person about one execution (the sidebar's Run / Skip / Edit prompt).
 */
export type AskPerson = (request: IApprovalRequest, risks: IRisk[], signal: AbortSignal) => Promise<ApprovalDecision>;

/**
 * Build the agent's approval hook from the approval setting.
 *
 * The policy is read at each execution, so a settings change applies to the running turn.
 *
 * @param policy - returns the current policy.
 * @param ask - asks the person; called only when the policy says so.
 * @returns the hook.
 */
export function createApprovalHook(policy: () => ApprovalPolicy, ask: AskPerson): ApprovalHook {
  return async (request, signal) => {
    if (request.review) {
      // A revision of the person's own cell: their Accept is the approval, whatever the policy.
      return ask(request, findRisks(request.code, { folder: request.folder }), signal);
    }
    const current = policy();
    if (current === 'never') {
      return { action: 'run' };
    }
    const risks = findRisks(request.code, { folder: request.folder });
    if (current === 'risky' && risks.length === 0) {
      return { action: 'run' };
    }
    return ask(request, risks, signal);
  };
}
