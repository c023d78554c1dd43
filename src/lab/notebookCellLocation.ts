// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Notebook } from '@jupyterlab/notebook';

/**
 * Scroll a notebook to a cell and make it the active cell.
 *
 * @param notebook - the notebook widget.
 * @param cellId - the cell.
 * @returns whether the cell is still in the notebook.
 */
export function revealCell(notebook: Notebook, cellId: string): boolean {
  const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
  if (index < 0) {
    return false;
  }
  notebook.activeCellIndex = index;
  void notebook.scrollToItem(index, 'center').catch(() => undefined);
  return true;
}

/**
 * The position of a cell in a notebook, 1-based, for labels.
 *
 * @param notebook - the notebook widget.
 * @param cellId - the cell.
 * @returns its position, or `undefined` when it is gone.
 */
export function cellPosition(notebook: Notebook, cellId: string): number | undefined {
  const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
  return index < 0 ? undefined : index + 1;
}
