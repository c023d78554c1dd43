// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ICellSummary } from '../notebook/notebookTarget';

/**
 * A cell's source is shown up to this many lines; a longer one shows its head and says how many
 * lines it left out.
 */
const MAX_LINES = 30;

/**
 * What the model is told of the notebook it works in: the latest cells, newest last, within a
 * token budget, so that it knows the user's variables and earlier steps however large the
 * notebook grows.
 *
 * It is asked before every model request, and most cells are the same as last time, so the token
 * count of each cell's description is kept from one call to the next (only for the cells shown,
 * so the memory stays within the budget). A count made while a lazy counter still estimated stays
 * until the cell changes; estimates err on the high side, so the budget still holds.
 */
export class NotebookContext {
  /**
   * Construct a notebook context.
   *
   * @param counter - counts tokens.
   */
  constructor(counter: Pick<ITokenCounter, 'count'>) {
    this._counter = counter;
  }

  /**
   * Describe the notebook's latest cells.
   *
   * @param cells - the notebook's cells in order.
   * @param budgetTokens - the most tokens to use; 0 or less for none.
   * @returns the description, or an empty string for an empty notebook.
   */
  describe(cells: ICellSummary[], budgetTokens: number): string {
    if (budgetTokens <= 0) {
      return '';
    }
    const counted = new Map<string, number>();
    const shown: string[] = [];
    let used = 0;
    let index = cells.length - 1;
    for (; index >= 0; index--) {
      const cell = cells[index];
      if (!cell.source.trim()) {
        continue;
      }
      const text = Private.describeCell(cell);
      const tokens = this._tokens.get(text) ?? this._counter.count(text);
      if (used + tokens > budgetTokens) {
        break;
      }
      counted.set(text, tokens);
      shown.unshift(text);
      used += tokens;
    }
    this._tokens = counted;
    if (!shown.length) {
      return '';
    }
    const hidden = cells.slice(0, index + 1).filter(cell => cell.source.trim()).length;
    const header = hidden ? `(${hidden} earlier cell${hidden === 1 ? '' : 's'} not shown)\n` : '';
    return header + shown.join('\n');
  }

  private _counter: Pick<ITokenCounter, 'count'>;
  private _tokens = new Map<string, number>();
}

namespace Private {
  /**
   * One cell: its id, kind, execution count and source.
   */
  export function describeCell(cell: ICellSummary): string {
    const count = cell.cellType === 'code' ? ` In [${cell.executionCount ?? ' '}]` : '';
    const lines = cell.source.split('\n');
    const source =
      lines.length > MAX_LINES
        ? `${lines.slice(0, MAX_LINES - 5).join('\n')}\n... (${lines.length - (MAX_LINES - 5)} more lines)`
        : cell.source;
    return `--- cell ${cell.id} (${cell.cellType}${count}) ---\n${source}`;
  }
}
