// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { Parser } from 'htmlparser2';

/**
 * A dataframe's table, read from its HTML rendering.
 */
export interface IDataTable {
  /**
   * The frame's full shape as `[rows, columns]` (from the rendering's shape line, or counted
   * when the rendering shows everything).
   */
  shape: [number, number];

  /**
   * Header rows, each with a cell for every index column and every data column.
   */
  header: string[][];

  /**
   * Body rows, each with its index cells then its data cells; `null` where the rendering already
   * left rows out.
   */
  rows: (string[] | null)[];

  /**
   * Index columns at the start of each row.
   */
  indexColumns: number;

  /**
   * For each data column, whether it stands for columns the rendering already left out.
   */
  elidedColumns: boolean[];
}

/**
 * HTML longer than this is not read as a table (the output's text/plain is read instead): a
 * dataframe's rendering is this long only when display limits were lifted, and the model sees a
 * few dozen of its rows anyway.
 */
export const TABLE_PARSE_LIMIT = 2_000_000;

/**
 * Read the table of a pandas or polars DataFrame from its text/html rendering, in one pass of
 * htmlparser2's tokenizer (linear in the HTML's length).
 *
 * @param html - an output's text/html.
 * @returns the table, or `null` when the HTML is not a single dataframe table or is longer than
 *   `TABLE_PARSE_LIMIT`.
 */
export function parseDataFrameHtml(html: string): IDataTable | null {
  if (html.length > TABLE_PARSE_LIMIT || !/<table/i.test(html)) {
    return null;
  }
  const parsed = Private.parse(html);
  if (parsed.tables !== 1 || !parsed.dataframe) {
    return null;
  }
  const header = Private.grid(parsed.head).map(row => row.cells);
  const bodyRows = Private.grid(parsed.sawBody ? parsed.body : parsed.loose);
  if (!bodyRows.length && !header.length) {
    return null;
  }
  const indexColumns = bodyRows[0]?.leadingHeaders ?? 0;
  const width = Math.max(...header.map(row => row.length), ...bodyRows.map(row => row.cells.length));
  const pad = (cells: string[]) => [...cells, ...new Array<string>(Math.max(0, width - cells.length)).fill('')];
  const rows = bodyRows.map(row =>
    row.cells.slice(indexColumns).every(cell => cell === '...') && row.cells.length > indexColumns
      ? null
      : pad(row.cells)
  );
  const elidedColumns: boolean[] = [];
  for (let column = indexColumns; column < width; column++) {
    const labelled = header.some(row => row[column] === '...');
    const empty = rows.every(row => row === null || row[column] === '...');
    elidedColumns.push(labelled && empty);
  }
  const dataRows = rows.filter(row => row !== null).length;
  const dataColumns = elidedColumns.filter(elided => !elided).length;
  return {
    shape: Private.shapeOf(parsed.outside) ?? [dataRows, dataColumns],
    header: header.map(pad),
    rows,
    indexColumns,
    elidedColumns
  };
}

namespace Private {
  const PANDAS_SHAPE = /(\d+) rows (?:×|x) (\d+) columns?/i;
  const POLARS_SHAPE = /shape:\s*\((\d+),\s*(\d+)\)/;
  const HIDDEN = new Set(['script', 'style', 'head', 'template']);

  /**
   * One cell as the tokenizer read it.
   */
  export interface IParsedCell {
    header: boolean;
    text: string;
    colspan: number;
    rowspan: number;
  }

  /**
   * What one pass over the HTML found.
   */
  export interface IParsedHtml {
    /**
     * Tables at the top level (a table inside another makes this more than one).
     */
    tables: number;
    /**
     * Whether the (first) table's class names `dataframe`.
     */
    dataframe: boolean;
    head: IParsedCell[][];
    body: IParsedCell[][];
    /**
     * Rows in neither thead nor tbody.
     */
    loose: IParsedCell[][];
    sawBody: boolean;
    /**
     * The text outside the table (where pandas and polars state the shape).
     */
    outside: string;
  }

  function span(value: string | undefined): number {
    const parsed = Number(/^\s*(\d+)/.exec(value ?? '')?.[1] ?? 1);
    // A span is capped: colspan="1000000000" must not make a billion cells.
    return Math.min(1000, Math.max(1, parsed));
  }

  export function parse(html: string): IParsedHtml {
    const result: IParsedHtml = {
      tables: 0,
      dataframe: false,
      head: [],
      body: [],
      loose: [],
      sawBody: false,
      outside: ''
    };
    const outside: string[] = [];
    let depth = 0;
    let hidden = 0;
    let section: 'head' | 'body' | 'loose' = 'loose';
    let row: IParsedCell[] | null = null;
    let cell: { cell: IParsedCell; pieces: string[] } | null = null;
    const endCell = () => {
      if (cell && row) {
        cell.cell.text = cell.pieces.join('').replace(/\s+/g, ' ').trim();
        row.push(cell.cell);
      }
      cell = null;
    };
    const endRow = () => {
      endCell();
      if (row) {
        result[section].push(row);
      }
      row = null;
    };
    const parser = new Parser(
      {
        onopentag(name, attributes) {
          if (HIDDEN.has(name)) {
            hidden++;
            return;
          }
          if (name === 'table') {
            depth++;
            if (depth === 1) {
              result.tables++;
              if (result.tables === 1) {
                result.dataframe = /(^|\s)dataframe(\s|$)/i.test(attributes.class ?? '');
              }
            }
            return;
          }
          if (depth !== 1 || result.tables !== 1) {
            return;
          }
          if (name === 'thead') {
            endRow();
            section = 'head';
          } else if (name === 'tbody') {
            endRow();
            section = 'body';
            result.sawBody = true;
          } else if (name === 'tr') {
            endRow();
            row = [];
          } else if ((name === 'td' || name === 'th') && row) {
            endCell();
            cell = {
              cell: {
                header: name === 'th',
                text: '',
                colspan: span(attributes.colspan),
                rowspan: span(attributes.rowspan)
              },
              pieces: []
            };
          } else if (name === 'br' && cell) {
            cell.pieces.push(' ');
          }
        },
        onclosetag(name) {
          if (HIDDEN.has(name)) {
            hidden = Math.max(0, hidden - 1);
            return;
          }
          if (name === 'table') {
            if (depth === 1 && result.tables === 1) {
              endRow();
            }
            depth = Math.max(0, depth - 1);
            return;
          }
          if (depth !== 1 || result.tables !== 1) {
            return;
          }
          if (name === 'td' || name === 'th') {
            endCell();
          } else if (name === 'tr') {
            endRow();
          } else if (name === 'thead' || name === 'tbody') {
            endRow();
            section = 'loose';
          }
        },
        ontext(text) {
          if (hidden > 0) {
            return;
          }
          if (depth === 0) {
            outside.push(text);
          } else if (cell) {
            cell.pieces.push(text);
          }
        }
      },
      { decodeEntities: true }
    );
    parser.end(html);
    result.outside = outside.join(' ');
    return result;
  }

  export function shapeOf(outside: string): [number, number] | undefined {
    const match = PANDAS_SHAPE.exec(outside) ?? POLARS_SHAPE.exec(outside);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  }

  /**
   * The rows of a table section, spans expanded (a spanning label is repeated in every cell it
   * covers, so that each row reads on its own).
   */
  export function grid(section: IParsedCell[][]): { cells: string[]; leadingHeaders: number }[] {
    const result: { cells: string[]; leadingHeaders: number }[] = [];
    const carried: { text: string; rows: number }[] = [];
    for (const row of section) {
      const cells: string[] = [];
      let leadingHeaders = 0;
      let leading = true;
      const takeCarried = () => {
        while (carried[cells.length]?.rows > 0) {
          const carry = carried[cells.length];
          carry.rows--;
          cells.push(carry.text);
          if (leading) {
            leadingHeaders++;
          }
        }
      };
      for (const cell of row) {
        takeCarried();
        const text = cell.text;
        const columns = cell.colspan;
        const rows = cell.rowspan;
        leading &&= cell.header;
        for (let i = 0; i < columns; i++) {
          if (rows > 1) {
            carried[cells.length] = { text, rows: rows - 1 };
          }
          cells.push(text);
          if (leading) {
            leadingHeaders++;
          }
        }
      }
      takeCarried();
      result.push({ cells, leadingHeaders });
    }
    return result;
  }
}
