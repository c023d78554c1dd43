// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IDataTable } from './dataFrameHtml';
import type { ITokenCounter } from './tokenCounter';

/**
 * The table as aligned text within a token budget, with its shape first. Rows are left out in
 * the middle first (keeping the first and last ones), then columns likewise, down to two of each;
 * a `...` row or column marks where.
 *
 * @param table - the table.
 * @param budgetTokens - tokens the text may use.
 * @param counter - counts tokens.
 * @returns the text and whether anything the rendering showed was left out.
 */
export function renderDataTable(
  table: IDataTable,
  budgetTokens: number,
  counter: ITokenCounter
): { text: string; tokens: number; cut: boolean } {
  const shapeLine = `[${table.shape[0]} rows x ${table.shape[1]} columns]`;
  let last = { text: shapeLine, tokens: counter.count(shapeLine), cut: true };
  for (const [maxRows, maxColumns] of Private.SIZES) {
    const { text, cut } = Private.render(table, shapeLine, maxRows, maxColumns);
    const tokens = counter.count(text);
    if (tokens <= budgetTokens) {
      return { text, tokens, cut };
    }
    last = { text: `${shapeLine}\n[table not shown: it does not fit the output budget]`, tokens: 0, cut: true };
  }
  last.tokens = counter.count(last.text);
  return last;
}

namespace Private {
  /**
   * Rows and columns shown at most, in the order tried until the text fits.
   */
  export const SIZES: [number, number][] = [
    [60, 20],
    [20, 20],
    [10, 20],
    [10, 12],
    [6, 12],
    [6, 8],
    [4, 8],
    [4, 6],
    [2, 6],
    [2, 4],
    [2, 2]
  ];

  /**
   * Characters of a cell shown at most.
   */
  const CELL_CHARS = 24;

  /**
   * Keep at most `max` of the items marked true, the first and last ones, with one `null` where
   * items were left out (a `null` already there counts as such a gap).
   */
  function elide<T>(items: (T | null)[], max: number): { kept: (T | null)[]; cut: boolean } {
    const real = items.filter(item => item !== null).length;
    if (real <= max) {
      return { kept: items, cut: false };
    }
    const headCount = Math.ceil(max / 2);
    const tailCount = max - headCount;
    const head: T[] = [];
    const tail: T[] = [];
    for (const item of items) {
      if (item !== null && head.length < headCount) {
        head.push(item);
      }
    }
    for (let i = items.length - 1; i >= 0 && tail.length < tailCount; i--) {
      const item = items[i];
      if (item !== null) {
        tail.unshift(item);
      }
    }
    return { kept: [...head, null, ...tail], cut: true };
  }

  export function render(
    table: IDataTable,
    shapeLine: string,
    maxRows: number,
    maxColumns: number
  ): { text: string; cut: boolean } {
    const { indexColumns } = table;
    const dataColumns = table.elidedColumns.map((elided, i) => (elided ? null : indexColumns + i));
    const columns = elide(dataColumns, maxColumns);
    const rows = elide(table.rows, maxRows);
    const order = [...Array.from({ length: indexColumns }, (_, i) => i as number | null), ...columns.kept];
    const pick = (cells: string[]) => order.map(column => (column === null ? '...' : cut(cells[column] ?? '')));
    const header = table.header.map(pick);
    const body = rows.kept.map(row => (row === null ? order.map(() => '...') : pick(row)));
    const widths = order.map((_, i) => Math.max(0, ...[...header, ...body].map(line => line[i].length)));
    const line = (cells: string[]) =>
      cells
        .map((text, i) => (i < indexColumns ? text.padEnd(widths[i]) : text.padStart(widths[i])))
        .join('  ')
        .trimEnd();
    const lines = [shapeLine, ...header.map(line), ...body.map(line)];
    return { text: lines.join('\n'), cut: rows.cut || columns.cut };
  }

  function cut(text: string): string {
    return text.length <= CELL_CHARS ? text : `${text.slice(0, CELL_CHARS - 1)}…`;
  }
}
