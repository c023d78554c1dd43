// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelAction } from '../../model/actions';
import type { TurnState } from '../turnState';

/**
 * Which attached cell a piece of code the model wrote revises, in a turn where the person pointed
 * at cells (docs/jupyterlab.md, "Pointing at cells"):
 *
 * - code whose first line is `# cell: <n>` or `# cell: <cell id>`, naming one of the attached
 *   cells by its number in the list the notes give or by its id, revises that cell (the line is
 *   dropped from the cell's source);
 * - otherwise the turn's first code revises the first attached code cell (`fix`, or `code` with
 *   attachments), and later code runs as usual.
 *
 * In an `explain` turn nothing is revised (nothing runs at all).
 *
 * @param code - the code the model wrote.
 * @param turn - the running turn; its pending revision is taken when it is used.
 * @returns the cell and the code to put in it, or `undefined` when the code revises no attached cell.
 */
export function attachedRevision(code: string, turn: TurnState): { cellId: string; code: string } | undefined {
  if (turn.request.intent === 'explain') {
    return undefined;
  }
  const named = Private.namedCell(code, turn);
  if (named) {
    turn.pendingRevision = undefined;
    return named;
  }
  const pending = turn.pendingRevision;
  turn.pendingRevision = undefined;
  return pending ? { cellId: pending, code } : undefined;
}

/**
 * The answer's actions with each new cell that revises an attached cell made a revision of it
 * (the tools protocol's `execute_code`).
 *
 * @param actions - the actions of one answer.
 * @param turn - the running turn.
 * @returns the actions, in the same order.
 */
export function withAttachedRevisions(actions: ModelAction[], turn: TurnState): ModelAction[] {
  return actions.map(action => {
    if (action.kind === 'edit') {
      // A cell the model chose itself: the calls after it add cells as usual.
      turn.pendingRevision = undefined;
    }
    if (action.kind !== 'execute') {
      return action;
    }
    const revision = attachedRevision(action.code, turn);
    return revision
      ? { kind: 'edit', cellId: revision.cellId, code: revision.code, toolCallId: action.toolCallId }
      : action;
  });
}

namespace Private {
  /**
   * A first line that names a cell: `# cell: 2`, `# cell 2`, `# Cell: 3f2a-...`.
   */
  const CELL_HEADER = /^[ \t]*#[ \t]*cell[ \t]*:?[ \t]*([\w-]+)[ \t]*(?:\r?\n|$)/i;

  /**
   * The attached cell the code's first line names, with that line taken off the code.
   */
  export function namedCell(code: string, turn: TurnState): { cellId: string; code: string } | undefined {
    const match = CELL_HEADER.exec(code);
    if (!match) {
      return undefined;
    }
    const attachments = turn.request.attachments;
    const name = match[1];
    const byNumber = /^\d+$/.test(name) ? attachments[Number(name) - 1] : undefined;
    const attachment = byNumber ?? attachments.find(candidate => candidate.cellId === name);
    return attachment ? { cellId: attachment.cellId, code: code.slice(match[0].length) } : undefined;
  }
}
