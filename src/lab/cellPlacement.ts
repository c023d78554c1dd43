// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { isCodeCellModel, type ICellModel, type ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

/**
 * Where the agent's new cells go in a notebook open in JupyterLab: a turn's first cell after the
 * active cell, the next ones each after the previous; the active cell follows them unless the
 * person moved it or is typing.
 */
export class CellPlacement {
  /**
   * Construct the placement of the agent's cells in a notebook panel.
   *
   * @param panel - the notebook.
   */
  constructor(panel: NotebookPanel) {
    this._panel = panel;
  }

  /**
   * Start a new turn: its first cell goes after the active cell, the next ones after it.
   */
  startTurn(): void {
    this._anchorId = null;
    this._activeAtStart = this._panel.content.activeCell?.model.id ?? null;
  }

  /**
   * Insert a cell after the active cell, or after the agent's previous cell of this turn. In a
   * notebook that holds only the empty code cell a new notebook starts with (no source, no
   * outputs, never run), code goes into that cell instead.
   *
   * @param cellType - the kind of cell.
   * @param source - its source, as it is to be stored.
   * @returns the cell's id.
   * @throws when the notebook is not loaded.
   */
  insert(cellType: 'code' | 'markdown', source: string): string {
    const model = this._panel.model;
    if (!model) {
      throw new Error('The notebook is not loaded.');
    }
    const notebook = this._panel.content;
    const blank = cellType === 'code' ? this._untouchedFirstCell() : undefined;
    if (blank) {
      // A new notebook's empty cell: the agent's code goes there, not below an empty cell the
      // user would have to delete. Undo deletes it (and leaves an empty cell, see undoTurn).
      blank.sharedModel.setSource(source);
      this._anchorId = blank.id;
      return blank.id;
    }
    let index = model.cells.length;
    const anchorIndex = this._anchorId ? Private.indexOfId(model.cells, this._anchorId) : -1;
    if (anchorIndex >= 0) {
      index = anchorIndex + 1;
    } else if (notebook.activeCellIndex >= 0 && notebook.activeCellIndex < model.cells.length) {
      index = notebook.activeCellIndex + 1;
    }
    const shared = model.sharedModel.insertCell(index, {
      cell_type: cellType,
      source,
      metadata: {}
    });
    const cellId = shared.getId();
    const previousAnchor = this._anchorId;
    this._anchorId = cellId;
    // The active cell follows the agent's cells, as it follows cells a person runs, so that the
    // next turn continues below this one; unless the person moved it or is typing in a cell.
    const active = notebook.activeCell?.model.id;
    const followed = active === undefined || active === previousAnchor || active === this._activeAtStart;
    if (followed && notebook.mode !== 'edit') {
      notebook.activeCellIndex = index;
      this._activeAtStart = cellId;
    }
    void notebook.scrollToItem(index, 'smart').catch(() => undefined);
    return cellId;
  }

  /**
   * The notebook's only cell when it is the empty code cell of a new notebook: no source, no
   * outputs, never run, and not the agent's own.
   */
  private _untouchedFirstCell(): ICodeCellModel | undefined {
    const cells = this._panel.model?.cells;
    if (!cells || cells.length !== 1) {
      return undefined;
    }
    const cell = cells.get(0);
    if (
      !isCodeCellModel(cell) ||
      cell.id === this._anchorId ||
      cell.sharedModel.getSource() !== '' ||
      cell.outputs.length > 0 ||
      cell.executionCount !== null
    ) {
      return undefined;
    }
    return cell;
  }

  private _panel: NotebookPanel;
  private _anchorId: string | null = null;
  private _activeAtStart: string | null = null;
}

namespace Private {
  /**
   * The index of the first cell with an id, or -1.
   */
  export function indexOfId(cells: Iterable<ICellModel>, cellId: string): number {
    let index = 0;
    for (const cell of cells) {
      if (cell.id === cellId) {
        return index;
      }
      index++;
    }
    return -1;
  }
}
