// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITurnRecord } from '../conversation/conversationRecord';
import { SETTING_DEFINITIONS } from './settingDefinitions';

/**
 * Whether a revision of the person's own cell waits for their review (`mine`) or is made and run
 * as any other (`never`).
 */
export type ReviewRevisions = (typeof SETTING_DEFINITIONS.reviewRevisions.enum)[number];

/**
 * How a review of a revision ended.
 *
 * - `accepted`: the person accepted it (maybe adjusted); the cell holds it and it runs.
 * - `rejected`: the person rejected it; the cell keeps their code.
 * - `cell-changed`: the cell was edited while the review waited; the revision is not applied.
 * - `cell-deleted`: the cell was deleted while the review waited.
 * - `not-reviewed`: the turn stopped (the notebook closed, Stop) before an answer.
 */
export type RevisionReviewOutcome = 'accepted' | 'rejected' | 'cell-changed' | 'cell-deleted' | 'not-reviewed';

/**
 * The form of `sourceHash`'s result, for the saved conversation's check.
 */
export const SOURCE_HASH_PATTERN = /^[0-9a-f]{16}$/;

/**
 * A short fingerprint of a cell's source: what the agent keeps of the code it wrote into a cell,
 * so that a later turn can tell whether the cell is still as it left it. Not a secret: any
 * change of the source changes it in practice.
 *
 * @param source - the cell's source.
 * @returns 16 hexadecimal digits.
 */
export function sourceHash(source: string): string {
  return Private.fnv1a(source, 0x811c9dc5) + Private.fnv1a(source, 0x01000193 ^ source.length);
}

/**
 * Whether a cell is the person's: the agent never wrote into it (in a turn that was not undone),
 * or its source is no longer what the agent last wrote there.
 *
 * @param cellId - the cell.
 * @param source - its source now.
 * @param turns - the conversation's turns, oldest first (the running one last).
 * @returns `true` for the person's cell.
 */
export function isPersonsCell(cellId: string, source: string, turns: readonly ITurnRecord[]): boolean {
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index];
    if (turn.undoneAt) {
      // Its undo put back what the cell held before it, which earlier turns account for.
      continue;
    }
    const touched = turn.cells.find(cell => cell.cellId === cellId);
    if (touched) {
      // A turn saved before the agent kept its hashes: the cell counts as the person's.
      return touched.agentSourceHash !== sourceHash(source);
    }
  }
  return true;
}

/**
 * What the model is told when its revision of the person's cell was not applied.
 *
 * @param cellId - the cell.
 * @param outcome - how the review ended (not `accepted`).
 * @param current - the cell's source now (their code), when the cell still exists.
 * @param reason - why the review was not answered, for `not-reviewed`.
 * @returns the result's text.
 */
export function unappliedRevisionNote(
  cellId: string,
  outcome: Exclude<RevisionReviewOutcome, 'accepted'>,
  current: string | undefined,
  reason?: string
): string {
  const head = `cell_id: ${cellId}\nstatus: ${outcome === 'not-reviewed' ? 'skipped' : 'rejected'}\n`;
  switch (outcome) {
    case 'rejected':
      return `${head}The person rejected this revision of their cell; their code stays as it was and nothing ran. Do not propose the same change again; go on with the request another way, or answer with what you have.`;
    case 'cell-changed':
      return `${head}The person changed this cell while your revision waited for their review, so the revision was not applied and nothing ran. The cell's code is now:\n\`\`\`python\n${current ?? ''}\n\`\`\`\nWork from their code.`;
    case 'cell-deleted':
      return `${head}The cell was deleted while your revision waited for review; nothing ran.`;
    case 'not-reviewed':
      return `${head}The revision was not reviewed (${reason || 'the turn stopped'}); the cell keeps the person's code and nothing ran.`;
  }
}

namespace Private {
  /**
   * Written here rather than taken from a library: the core runs in the browser and in Node, whose
   * only common hash (SubtleCrypto's digest) is asynchronous, and telling "still the agent's code"
   * from "edited since" needs no cryptographic strength, only a fingerprint that any edit changes.
   *
   * The 32-bit FNV-1a hash of a text's UTF-16 code units from a given basis, as 8 hex digits.
   */
  export function fnv1a(text: string, basis: number): string {
    let hash = basis >>> 0;
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, '0');
  }
}
