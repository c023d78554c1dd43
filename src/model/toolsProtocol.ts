// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ModelAction } from './actions';
import { parseLenientJson } from './lenientJson';
import type { IToolCall } from './modelClient';

/**
 * The tools offered to a model that supports function calling. `execute_code` bears the name of
 * the function that produced the paper's Code-Feedback data.
 */
export const NOTEBOOK_TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'execute_code',
      description:
        'Add a new code cell to the notebook and run it on the live IPython kernel. Variables and imports persist across cells. Returns the cell_id, the status (ok, error, timeout, interrupted, dead-kernel) and the outputs.',
      parameters: {
        type: 'object',
        properties: { code: { type: 'string', description: 'Python source of the cell.' } },
        required: ['code']
      }
    }
  },
  {
    type: 'function',
    function: {
      name: 'edit_cell',
      description:
        'Replace the source of an existing cell (by its cell_id) and run it again. Use it to fix a cell that failed instead of adding a new one.',
      parameters: {
        type: 'object',
        properties: {
          cell_id: { type: 'string', description: 'The cell_id a previous tool result named.' },
          code: { type: 'string', description: 'The new Python source of the cell.' }
        },
        required: ['cell_id', 'code']
      }
    }
  },
  {
    type: 'function',
    function: {
      name: 'add_markdown',
      description: 'Add a markdown cell to the notebook, to explain a step or summarise results.',
      parameters: {
        type: 'object',
        properties: { text: { type: 'string', description: 'Markdown text.' } },
        required: ['text']
      }
    }
  }
];

/**
 * The names of the notebook tools.
 */
export const NOTEBOOK_TOOL_NAMES: readonly string[] = NOTEBOOK_TOOLS.map(tool =>
  tool.type === 'function' ? tool.function.name : ''
);

/**
 * Turn the model's tool calls into actions. Malformed arguments and unknown tools become
 * `invalid` actions, which go back to the model as tool errors.
 *
 * @param calls - the tool calls of one answer.
 * @returns one action per call, in order.
 */
export function parseToolCalls(calls: IToolCall[]): ModelAction[] {
  return calls.map(call => {
    const invalid = (error: string): ModelAction => ({
      kind: 'invalid',
      toolCallId: call.id,
      toolName: call.name,
      error
    });
    let args: Record<string, unknown>;
    try {
      // Endpoints that parse calls out of the model's text pass its JSON on as written.
      const parsed: unknown = parseLenientJson(call.arguments || '{}').value;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return invalid('the arguments must be a JSON object');
      }
      args = parsed as Record<string, unknown>;
    } catch (error) {
      return invalid(`the arguments are not valid JSON (${(error as Error).message})`);
    }
    const text = (key: string): string | undefined =>
      typeof args[key] === 'string' ? (args[key] as string) : undefined;
    switch (call.name) {
      case 'execute_code': {
        const code = text('code');
        return code !== undefined
          ? { kind: 'execute', code, toolCallId: call.id }
          : invalid('execute_code needs a string argument "code"');
      }
      case 'edit_cell': {
        const cellId = text('cell_id');
        const code = text('code');
        return cellId !== undefined && code !== undefined
          ? { kind: 'edit', cellId, code, toolCallId: call.id }
          : invalid('edit_cell needs string arguments "cell_id" and "code"');
      }
      case 'add_markdown': {
        const markdown = text('text');
        return markdown !== undefined
          ? { kind: 'markdown', text: markdown, toolCallId: call.id }
          : invalid('add_markdown needs a string argument "text"');
      }
      default:
        return invalid(`there is no tool named "${call.name}"; the tools are execute_code, edit_cell and add_markdown`);
    }
  });
}
