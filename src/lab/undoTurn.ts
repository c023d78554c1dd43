// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import { JSONExt, type PartialJSONObject } from '@lumino/coreutils';

import { CONVERSATION_METADATA_KEY, type ITurnRecord } from '../conversation/conversationRecord';

/**
 * What undoing a turn did.
 */
export interface IUndoResult {
  /**
   * Cells the turn had inserted, now deleted.
   */
  deleted: number;

  /**
   * Cells the turn had edited, back to their previous source.
   */
  restored: number;

  /**
   * Cells no longer in the notebook (the user deleted them); nothing to do for them.
   */
  missing: number;
}

/**
 * Revert every cell a turn touched: the cells it inserted are deleted, the cells it edited get
 * their previous source back (outputs cleared), in one shared-model transaction (one change for
 * collaborators and for the document's history). A notebook left without cells gets one empty
 * code cell.
 *
 * @param model - the notebook.
 * @param turn - the turn, as the conversation record keeps it.
 * @returns what was done.
 */
export function undoTurn(model: INotebookModel, turn: ITurnRecord): IUndoResult {
  const result: IUndoResult = { deleted: 0, restored: 0, missing: 0 };
  // Every index is found before anything changes: inside a transaction `model.cells` still shows
  // the cells as they were, so an index read after a deletion could name the user's own cell.
  const deletions: number[] = [];
  model.sharedModel.transact(() => {
    for (const touched of turn.cells) {
      const index = Private.indexOf(model, touched.cellId);
      if (index < 0) {
        result.missing++;
      } else if (touched.previousSource === null) {
        deletions.push(index);
      } else {
        const cell = model.cells.get(index);
        cell.sharedModel.setSource(touched.previousSource);
        if (cell.type === 'code') {
          (cell as ICodeCellModel).outputs.clear();
          (cell as ICodeCellModel).executionCount = null;
        }
        result.restored++;
      }
    }
    // Bottom up, so that each deletion leaves the indices still to delete in place.
    const indices = [...new Set(deletions)].sort((a, b) => b - a);
    for (const index of indices) {
      model.sharedModel.deleteCell(index);
      result.deleted++;
    }
    // A turn that wrote into a new notebook's empty cell took the only cell; as when the person
    // deletes every cell, the notebook keeps one empty code cell to type in. (The count is taken
    // from before the transaction: the cell lists are only updated when it ends.)
    if (indices.length > 0 && indices.length === model.cells.length) {
      model.sharedModel.insertCell(0, { cell_type: 'code', source: '', metadata: {} });
    }
  });
  return result;
}

/**
 * Mark a turn of the saved conversation as undone (`undoneAt`), so that the sidebar shows it
 * undone after the notebook is reopened and does not offer to undo it twice.
 *
 * @param model - the notebook.
 * @param turn - the turn's number, 1-based.
 * @returns whether the saved conversation had that turn.
 */
export function markTurnUndone(model: INotebookModel, turn: number): boolean {
  const record = model.getMetadata(CONVERSATION_METADATA_KEY) as { turns?: ITurnRecord[] } | undefined;
  const turns = record?.turns;
  if (!Array.isArray(turns) || !turns[turn - 1]) {
    return false;
  }
  const copy = JSONExt.deepCopy(record as PartialJSONObject) as unknown as { turns: ITurnRecord[] };
  copy.turns[turn - 1].undoneAt = new Date().toISOString();
  model.setMetadata(CONVERSATION_METADATA_KEY, copy);
  return true;
}

namespace Private {
  export function indexOf(model: INotebookModel, cellId: string): number {
    for (let i = 0; i < model.cells.length; i++) {
      if (model.cells.get(i).id === cellId) {
        return i;
      }
    }
    return -1;
  }
}
