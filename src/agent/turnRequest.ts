// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * A cell the person pointed at for a turn ("fix this error", "ask about this cell", "explain"):
 * the model sees it, and a revision it asks for lands in that cell rather than in a new one.
 */
export interface ICellAttachment {
  /**
   * The cell's nbformat id.
   */
  cellId: string;

  /**
   * The part of the cell's source the person selected, when they selected some.
   */
  selection?: ICellSelection;
}

/**
 * A selection inside a cell's source, by character offsets into the source.
 */
export interface ICellSelection {
  /**
   * The offset where the selection starts.
   */
  from: number;

  /**
   * The offset where it ends (exclusive).
   */
  to: number;

  /**
   * The selected text, as it was when the person attached it.
   */
  text: string;
}

/**
 * What kind of help a turn asks for.
 *
 * - `code`: the usual turn, cells are written and run until the answer (the default).
 * - `fix`: the first attached cell failed; revise it in place and run it.
 * - `explain`: an answer only; no cell is written or run.
 */
export type TurnIntent = 'code' | 'fix' | 'explain';

/**
 * The options of one user turn.
 */
export interface ITurnOptions {
  /**
   * Stops the turn.
   */
  signal?: AbortSignal;

  /**
   * The cells the person pointed at, in the order they attached them.
   */
  attachments?: readonly ICellAttachment[];

  /**
   * What kind of help the turn asks for (default `code`).
   */
  intent?: TurnIntent;
}
