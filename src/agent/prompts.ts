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
  // Short, with one example of a call and of its result: a 1.5B model follows an example far
  // better than a list of rules.
  const common =
    'You are a code interpreter in a Jupyter notebook with a live Python kernel. Variables persist between cells. Run code to compute answers; never guess results. input() is not available.';
  if (protocol === 'tools') {
    return [
      common,
      'To run code, call execute_code. Example:',
      '<tool_call>{"name": "execute_code", "arguments": {"code": "print(sum([1, 2, 3]))"}}</tool_call>',
      'The result comes back as: cell_id: c1, status: ok, output: 6',
      'If a cell fails, fix it with edit_cell and its cell_id. When done, answer in plain text without a call.'
    ].join('\n');
  }
  return [
    common,
    'To run code, write one ```python block and stop; it runs, and the result comes back in a message that begins "Execution result:". Example:',
    '```python\nprint(sum([1, 2, 3]))\n```',
    'Execution result: 6',
    'If it failed, answer with the corrected code: it replaces the failed cell. When done, answer without a code block.'
  ].join('\n');
}
