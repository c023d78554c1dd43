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
  const common = [
    'You are a code interpreter working inside a Jupyter notebook connected to a live IPython kernel.',
    'Code you run goes into notebook cells that the user sees; variables, imports and files persist between cells and between turns.',
    'Work in small steps: run code, read its output, and fix what fails. Print the values you need to see.',
    'input() is not available: assign values directly in code.'
  ];
  if (protocol === 'tools') {
    return [
      ...common,
      'Run code with the execute_code tool. When a cell fails, fix that same cell with edit_cell and its cell_id instead of adding a new cell.',
      'Use add_markdown only for short explanations worth keeping in the notebook.',
      'When the task is done, answer in plain text without calling a tool.'
    ].join('\n');
  }
  return [
    ...common,
    'To run code, write it in a single ```python fenced block; the last python block of your answer runs.',
    'The result comes back in a message that begins "Execution result:". If it failed, answer with the corrected code: it replaces the failed cell.',
    'When the task is done, answer without a code block.'
  ].join('\n');
}
