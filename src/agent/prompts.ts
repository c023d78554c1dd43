// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelProtocol } from '../conversation/conversationRecord';

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

namespace Private {
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
