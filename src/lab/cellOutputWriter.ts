// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';

import { joinMultiline } from '../feedback/outputText';

/**
 * Mirrors the executor's outputs into a cell's output model, changing only what changed (a
 * growing stream replaces its one output; earlier outputs, such as a figure, stay untouched).
 */
export class CellOutputWriter {
  /**
   * Construct a writer for one execution of a cell.
   *
   * @param cell - the cell whose output model receives the outputs.
   */
  constructor(cell: ICodeCellModel) {
    this._cell = cell;
  }

  /**
   * Bring the cell's outputs in line with the execution's outputs so far.
   *
   * @param outputs - every output of the execution until now, as the executor collects them.
   */
  write(outputs: readonly nbformat.IOutput[]): void {
    if (this._cell.isDisposed) {
      return;
    }
    const model = this._cell.outputs;
    if (outputs.length < model.length) {
      // clear_output() ran in the kernel.
      model.clear();
      this._written = [];
    }
    outputs.forEach((output, i) => {
      if (i < model.length) {
        // The collector replaces an output that changed with a new object, so an output written
        // before is recognised by identity, not by comparing its JSON with the model's (which,
        // for every output at every message, made a long run quadratic).
        if (this._written[i] !== output) {
          const grown = Private.streamGrowth(this._written[i], output);
          if (grown !== undefined && i === model.length - 1) {
            // A stream that grew at the end gets only its new text, as JupyterLab's own output
            // area adds kernel streams (the model appends it to the last stream). Replacing it
            // with `set` doubled its text in a shared (collaborative) document.
            model.add({ ...output, text: grown } as nbformat.IStream);
          } else {
            model.set(i, output);
          }
        }
      } else {
        model.add(output);
      }
      this._written[i] = output;
    });
    this._written.length = outputs.length;
  }

  private _cell: ICodeCellModel;
  private _written: nbformat.IOutput[] = [];
}

namespace Private {
  /**
   * The text a stream output gained since it was last written, when it only grew (the same stream,
   * its earlier text kept); `undefined` otherwise (a carriage return rewrote a line, another kind).
   */
  export function streamGrowth(before: nbformat.IOutput | undefined, after: nbformat.IOutput): string | undefined {
    if (before?.output_type !== 'stream' || after.output_type !== 'stream' || before.name !== after.name) {
      return undefined;
    }
    const old = joinMultiline((before as nbformat.IStream).text);
    const now = joinMultiline((after as nbformat.IStream).text);
    return now.length > old.length && now.startsWith(old) ? now.slice(old.length) : undefined;
  }
}
