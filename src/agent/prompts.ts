// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelProtocol } from '../conversation/conversationRecord';
import type { TurnIntent } from './turnRequest';

/**
 * The system prompt for each protocol. The text protocol follows the convention the
 * OpenCodeInterpreter models were trained on: code in ```python blocks, results back as
 * `Execution result:` messages.
 *
 * @param protocol - the protocol in use.
 * @returns the system prompt.
 */
export function systemPrompt(protocol: ModelProtocol): string {
  return Private.PROMPTS[protocol];
}

/**
 * A cell the person pointed at, as the instructions name it.
 */
export interface IAttachedCellName {
  /**
   * Its number in the list of attached cells, 1-based.
   */
  readonly number: number;

  /**
   * Its cell id.
   */
  readonly id: string;
}

/**
 * What the model is told to do with the cells the person pointed at, in the protocol's words;
 * it ends the attached cells' note, before the prompt.
 *
 * @param protocol - the protocol in use.
 * @param intent - what kind of help the turn asks for.
 * @param cells - the attached cells (at least one).
 * @returns the instructions.
 */
export function attachedCellsInstructions(
  protocol: ModelProtocol,
  intent: TurnIntent,
  cells: readonly IAttachedCellName[]
): string {
  return Private.ATTACHED[protocol][intent](cells[0], cells.length > 1);
}

/**
 * What the model is told of a tool call it made in a turn that asks for an explanation only.
 */
export const EXPLAIN_ONLY_REFUSAL =
  'Not run: the person asked for an explanation only, so nothing is run. Answer in plain text.';

namespace Private {
  type Instructions = (first: IAttachedCellName, several: boolean) => string;

  /**
   * The instructions of each protocol and intent. A block or call that names no cell revises the
   * first attached cell, so a model that follows only the first sentence still revises the right
   * cell.
   */
  export const ATTACHED: Record<ModelProtocol, Record<TurnIntent, Instructions>> = {
    tools: {
      fix: (first, several) =>
        `Cell ${first.number} failed. Fix it: call edit_cell with cell_id "${first.id}" and the corrected code; it replaces that cell and runs.${several ? ' To change another of these cells, call edit_cell with its cell_id.' : ''} Then answer in plain text.`,
      code: (first, several) =>
        `Change ${several ? 'these cells' : 'this cell'} rather than adding new ones: call edit_cell with cell_id "${first.id}"${several ? ' (or the cell_id of the other cell to change)' : ''} and the new code; it replaces the cell and runs. Then answer in plain text.`,
      explain: (_first, several) =>
        `Explain ${several ? 'these cells' : 'this cell'} and ${several ? 'their' : 'its'} outputs in plain text. Do not call any tool: nothing is run.`
    },
    text: {
      fix: (first, several) =>
        `Cell ${first.number} failed. Answer with the corrected code of that cell in one \`\`\`python block: it replaces cell ${first.number} and runs.${several ? ' To change another of these cells instead, make the first line of the block # cell: <its number>.' : ''}`,
      code: (first, several) =>
        `Answer with the new code of cell ${first.number} in one \`\`\`python block: it replaces that cell and runs.${several ? ' To change another of these cells instead, make the first line of the block # cell: <its number>.' : ''}`,
      explain: (_first, several) =>
        `Explain ${several ? 'these cells' : 'this cell'} and ${several ? 'their' : 'its'} outputs in plain text, without a code block: nothing is run.`
    }
  };

  const common =
    'You are a code interpreter in a Jupyter notebook with a live Python kernel. Variables persist between cells. Run code to compute answers and print every figure you report; never guess results or file contents. input() is not available.';

  /**
   * The system prompt of each protocol. Short, with one example of the form of a call and of its
   * result: a 1.5B model follows an example far better than a list of rules. The example's code is
   * a placeholder, never code that could be taken for an answer (a `print(sum(...))` example was
   * answered to "compute the mean"). The text protocol's prompt does not quote the result's
   * "Execution result:" prefix: the 0.5B model wrote that prefix followed by the code, or by a
   * made-up figure, instead of a block (3 of 4 samples on the Binder demo's question; 0 of 4
   * without the quote, bench/RESULTS.md).
   */
  export const PROMPTS: Record<ModelProtocol, string> = {
    tools: [
      common,
      'To run code, call execute_code, in this form:',
      '<tool_call>{"name": "execute_code", "arguments": {"code": "<Python code that prints the results>"}}</tool_call>',
      'The result comes back as: cell_id: <id>, status: ok or error, output: <what the code printed>',
      'If a cell fails, fix it with edit_cell and its cell_id. When done, answer in plain text without a call, stating only figures an output shows.'
    ].join('\n'),
    text: [
      common,
      'To run code, write one ```python block and stop; it runs, and its output is sent back to you. The form:',
      '```python\n<Python code that prints the results>\n```',
      'If it failed, answer with the corrected code: it replaces the failed cell. When done, answer without a code block, stating only figures an output shows.'
    ].join('\n')
  };
}
