// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import { renderFeedback } from '../feedback/renderFeedback';
import { truncateText } from '../feedback/textTruncation';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ExecutionStatus } from '../kernel/executionResult';
import { CellNotFoundError, type INotebookTarget } from '../notebook/notebookTarget';
import type { ICellAttachment, ICellSelection } from './turnRequest';

/**
 * A cell the person pointed at, as the turn read it from the notebook when it started.
 */
export interface IAttachedCell {
  /**
   * Its place in the list of attached cells, 1-based: the model may name it by this number.
   */
  readonly number: number;

  /**
   * Its nbformat id.
   */
  readonly id: string;

  /**
   * `code`, `markdown` or `raw`.
   */
  readonly cellType: string;

  /**
   * Its source.
   */
  readonly source: string;

  /**
   * The part the person selected, if any.
   */
  readonly selection?: ICellSelection;

  /**
   * How its outputs say it last ran: `error` when they hold a traceback, `ok` when they hold
   * anything else, `undefined` when it has no outputs.
   */
  readonly status: ExecutionStatus | undefined;

  /**
   * Its outputs as the model reads an execution's outputs (empty for none).
   */
  readonly outputs: string;

  /**
   * The exception its error output holds, if any: read from the output itself, not from the text
   * rendered for the model.
   */
  readonly error?: { readonly ename: string; readonly evalue: string };
}

/**
 * Read the attached cells from the notebook: their source and their outputs, rendered as the
 * cell runner renders an execution's (a traceback, a table, an image's description).
 *
 * @param target - the notebook.
 * @param attachments - the cells the person pointed at, in their order.
 * @param options - the budgets and the tokenizer.
 * @returns the cells, in the same order.
 * @throws {CellNotFoundError} when an attached cell is no longer in the notebook.
 */
export function readAttachedCells(
  target: INotebookTarget,
  attachments: readonly ICellAttachment[],
  options: IAttachedCellsOptions
): IAttachedCell[] {
  if (!attachments.length) {
    return [];
  }
  const cells = target.cells();
  return attachments.map((attachment, index) => {
    const summary = cells.find(cell => cell.id === attachment.cellId);
    if (!summary) {
      throw new CellNotFoundError(attachment.cellId);
    }
    const outputs = target.getOutputs(attachment.cellId);
    const error = outputs.find((output): output is nbformat.IError => output.output_type === 'error');
    const status: ExecutionStatus | undefined = !outputs.length ? undefined : error ? 'error' : 'ok';
    const rendered = status
      ? renderFeedback(
          {
            status,
            outputs,
            executionCount: summary.executionCount,
            durationMs: 0,
            outputDroppedByServer: false,
            stdinRequested: false,
            kernelUnresponsive: false
          },
          { budgetTokens: options.outputBudgetTokens, vision: false, counter: options.counter }
        ).text
      : '';
    return {
      number: index + 1,
      id: summary.id,
      cellType: summary.cellType,
      source: summary.source,
      selection: attachment.selection,
      status,
      outputs: rendered,
      ...(error ? { error: { ename: error.ename, evalue: error.evalue } } : {})
    };
  });
}

/**
 * Describe the attached cells for the turn's notes: each one's id, source (its head and tail
 * within the budget), the selected lines and its outputs.
 *
 * @param cells - the attached cells.
 * @param options - the budgets and the tokenizer.
 * @returns the text, empty when there are no cells.
 */
export function describeAttachedCells(cells: readonly IAttachedCell[], options: IAttachedCellsOptions): string {
  if (!cells.length) {
    return '';
  }
  const sourceBudget = Math.max(64, Math.floor(options.sourceBudgetTokens / cells.length));
  const parts = cells.map(cell => {
    const lines: string[] = [];
    const ran = cell.status === 'error' ? ', it failed when it last ran' : cell.status === 'ok' ? ', it ran' : '';
    lines.push(`Cell ${cell.number} (cell_id: ${cell.id}, a ${cell.cellType} cell${ran}):`);
    const source = truncateText(cell.source, sourceBudget, options.counter).text;
    lines.push(cell.cellType === 'code' ? `\`\`\`python\n${source}\n\`\`\`` : `\`\`\`\n${source}\n\`\`\``);
    if (cell.selection && cell.selection.text) {
      const { first, last } = Private.selectedLines(cell.source, cell.selection);
      const where = first === last ? `line ${first}` : `lines ${first}-${last}`;
      const selected = truncateText(cell.selection.text, sourceBudget, options.counter).text;
      lines.push(`The person selected ${where} of cell ${cell.number}:\n\`\`\`\n${selected}\n\`\`\``);
    }
    if (cell.outputs) {
      lines.push(`Its outputs:\n${cell.outputs}`);
    } else if (cell.cellType === 'code') {
      lines.push('It has no outputs.');
    }
    return lines.join('\n');
  });
  return `The person points at ${cells.length === 1 ? 'this cell' : 'these cells'} of the notebook:\n${parts.join('\n\n')}`;
}

/**
 * The budgets of the attached cells' description.
 */
export interface IAttachedCellsOptions {
  /**
   * Tokens of the attached cells' sources, shared between them.
   */
  sourceBudgetTokens: number;

  /**
   * Tokens of one cell's outputs.
   */
  outputBudgetTokens: number;

  /**
   * Counts tokens.
   */
  counter: ITokenCounter;
}

namespace Private {
  /**
   * The 1-based lines of a cell's source that a selection spans.
   */
  export function selectedLines(source: string, selection: ICellSelection): { first: number; last: number } {
    const lineAt = (offset: number) => source.slice(0, Math.max(0, offset)).split('\n').length;
    const first = lineAt(selection.from);
    // A selection that ends just after a line break does not reach into the next line.
    const end = selection.to > selection.from && source[selection.to - 1] === '\n' ? selection.to - 1 : selection.to;
    return { first, last: Math.max(first, lineAt(end)) };
  }
}
