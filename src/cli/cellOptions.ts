// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICellAttachment, TurnIntent } from '../agent/turnRequest';
import type { ICellSummary } from '../notebook/notebookTarget';
import { UsageError } from './commonOptions';

/**
 * The options of `run` that point at cells of the notebook it runs in, for `parseArgs`.
 */
export const CELL_OPTIONS = {
  'fix-cell': { type: 'string' },
  'explain-cell': { type: 'string', multiple: true },
  'attach-cell': { type: 'string', multiple: true }
} as const;

/**
 * Their lines of `run --help`.
 */
export const CELL_OPTIONS_HELP = `Pointing at cells of the notebook (by cell id; see docs/jupyterlab.md, "Pointing at cells"):
  --fix-cell ID        the cell failed: the model revises it in place and runs it (the task
                       defaults to "Fix the error in this cell.")
  --explain-cell ID    explain the cell and its outputs; nothing is run (repeatable; the task
                       defaults to "Explain this cell and its outputs.")
  --attach-cell ID     show the model this cell too (repeatable); without --fix-cell or
                       --explain-cell, the task's first code revises the first attached cell`;

/**
 * The cells a `run` points at and the kind of help it asks for.
 */
export interface ICellRequest {
  /**
   * The cells, in the order given (the fixed cell first).
   */
  attachments: ICellAttachment[];

  /**
   * The kind of help.
   */
  intent: TurnIntent;

  /**
   * The task to use when none was given, if the intent has one.
   */
  defaultTask?: string;
}

/**
 * Read the cell options.
 *
 * @param values - the parsed values of `CELL_OPTIONS`.
 * @returns the attachments and the intent.
 * @throws {UsageError} when `--fix-cell` and `--explain-cell` are both given.
 */
export function parseCellOptions(values: {
  'fix-cell'?: string;
  'explain-cell'?: string[];
  'attach-cell'?: string[];
}): ICellRequest {
  const fix = values['fix-cell'];
  const explain = values['explain-cell'] ?? [];
  const attach = values['attach-cell'] ?? [];
  if (fix !== undefined && explain.length) {
    throw new UsageError('--fix-cell and --explain-cell ask for different things; give one of them');
  }
  const ids = [...new Set([...(fix !== undefined ? [fix] : []), ...explain, ...attach])];
  for (const id of ids) {
    if (!id.trim()) {
      throw new UsageError('a cell option needs a cell id');
    }
  }
  const attachments = ids.map(cellId => ({ cellId }));
  if (fix !== undefined) {
    return { attachments, intent: 'fix', defaultTask: 'Fix the error in this cell.' };
  }
  if (explain.length) {
    return {
      attachments,
      intent: 'explain',
      defaultTask: explain.length > 1 ? 'Explain these cells and their outputs.' : 'Explain this cell and its outputs.'
    };
  }
  return { attachments, intent: 'code' };
}

/**
 * Check that every cell the options point at is in the notebook.
 *
 * @param request - the cells pointed at.
 * @param cells - the notebook's cells.
 * @param notebook - the notebook's name, for the message.
 * @throws {UsageError} naming the first id the notebook does not hold.
 */
export function checkCellsExist(request: ICellRequest, cells: readonly ICellSummary[], notebook: string): void {
  for (const { cellId } of request.attachments) {
    if (!cells.some(cell => cell.id === cellId)) {
      throw new UsageError(`${notebook} has no cell with id "${cellId}"`);
    }
  }
}
