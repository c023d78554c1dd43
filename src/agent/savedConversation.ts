// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionContentPartText } from 'openai/resources/chat/completions';

import type {
  ChatMessage,
  IConversationRecord,
  ITouchedCell,
  ITurnRecord,
  ModelProtocol,
  TurnOutcome
} from '../conversation/conversationRecord';
import { NOTEBOOK_TOOL_NAMES } from '../model/toolsProtocol';
import { SOURCE_HASH_PATTERN } from './revisionReview';

/**
 * Something of a saved conversation that was not kept.
 */
export interface IDroppedItem {
  /**
   * What it was: a message, a turn, or the whole record.
   */
  what: 'message' | 'turn' | 'record';

  /**
   * Its position in the saved list (0-based), for messages and turns.
   */
  index?: number;

  /**
   * Why it was dropped, in a few words.
   */
  reason: string;
}

/**
 * A saved conversation after its check: what is kept, and what was dropped.
 */
export interface ICheckedConversation {
  /**
   * The conversation as the agent will continue it, or `undefined` when there is none to keep.
   */
  record: IConversationRecord | undefined;

  /**
   * What was dropped, in order; empty when everything was kept.
   */
  dropped: IDroppedItem[];
}

/**
 * Check a conversation read from a notebook's metadata, message by message.
 *
 * A notebook is a file that anyone can write, and its conversation is replayed to the model: so
 * nothing of it is taken on trust. Only what this product's own writer produces is kept, rebuilt
 * field by field (unknown fields never reach the model):
 *
 * - messages with the roles `user`, `assistant` and `tool` (never `system`: the system prompt is
 *   always the agent's own);
 * - user content as a string or a list of text parts; assistant content as a string or null;
 *   tool content as a string;
 * - assistant tool calls of the notebook tools only (`execute_code`, `edit_cell`,
 *   `add_markdown`), with string arguments;
 * - tool results that answer a call of the assistant message just before them, once each.
 *
 * A message that breaks a rule is dropped (an assistant message with a call to another tool is
 * dropped whole, and so are the results of its calls); turns are kept when their fields are of
 * the right types, with their prompt positions moved to where the kept messages are.
 *
 * @param value - what the notebook holds under `code_interpreter` (anything, or nothing).
 * @returns the kept conversation and what was dropped.
 */
export function checkSavedConversation(value: unknown): ICheckedConversation {
  if (value === undefined || value === null) {
    return { record: undefined, dropped: [] };
  }
  const dropped: IDroppedItem[] = [];
  if (!Private.isObject(value) || value.version !== 1 || !Array.isArray(value.messages)) {
    return {
      record: undefined,
      dropped: [{ what: 'record', reason: 'not a conversation in a format this version reads' }]
    };
  }
  const messages: ChatMessage[] = [];
  // Where each saved message went among the kept ones (-1: dropped), for the turns' positions.
  const kept: number[] = [];
  // The calls of the last kept assistant message still waiting for their results.
  let open = new Set<string>();
  value.messages.forEach((raw: unknown, index: number) => {
    const checked = Private.checkMessage(raw, open);
    if (typeof checked === 'string') {
      dropped.push({ what: 'message', index, reason: checked });
      kept.push(-1);
      return;
    }
    if (checked.role === 'tool') {
      open.delete(checked.tool_call_id);
    } else {
      open = new Set(checked.role === 'assistant' ? (checked.tool_calls ?? []).map(call => call.id) : []);
    }
    kept.push(messages.length);
    messages.push(checked);
  });
  const turns: ITurnRecord[] = [];
  const savedTurns: unknown[] = Array.isArray(value.turns) ? value.turns : [];
  if (!Array.isArray(value.turns)) {
    dropped.push({ what: 'record', reason: 'its turns are not a list' });
  }
  savedTurns.forEach((raw, index) => {
    const turn = Private.checkTurn(raw, kept, messages);
    if (typeof turn === 'string') {
      dropped.push({ what: 'turn', index, reason: turn });
    } else {
      turns.push(turn);
    }
  });
  const protocol: ModelProtocol = value.protocol === 'text' ? 'text' : 'tools';
  if (value.protocol !== 'text' && value.protocol !== 'tools') {
    dropped.push({ what: 'record', reason: 'its protocol is not one this version knows' });
  }
  const record: IConversationRecord = { version: 1, protocol, messages, turns };
  if (typeof value.model === 'string') {
    record.model = value.model;
  }
  return { record, dropped };
}

/**
 * One sentence that says what was dropped from a saved conversation, for the sidebar and the
 * command line.
 *
 * @param dropped - what the check dropped.
 * @returns the sentence, or `undefined` when nothing was dropped.
 */
export function describeDropped(dropped: readonly IDroppedItem[]): string | undefined {
  if (!dropped.length) {
    return undefined;
  }
  const shown = dropped
    .slice(0, Private.DESCRIBED_ITEMS)
    .map(item =>
      item.index === undefined ? `the record: ${item.reason}` : `${item.what} ${item.index + 1}: ${item.reason}`
    );
  const more = dropped.length > shown.length ? `; and ${dropped.length - shown.length} more` : '';
  return `The conversation saved in this notebook was not made as this product makes it; these parts are not sent to the model: ${shown.join('; ')}${more}.`;
}

namespace Private {
  /**
   * How many dropped items a notice names one by one.
   */
  export const DESCRIBED_ITEMS = 6;

  const ROLES = ['user', 'assistant', 'tool'];

  const OUTCOMES: readonly TurnOutcome[] = [
    'completed',
    'gave-up',
    'stopped',
    'budget-exhausted',
    'model-error',
    'unverified'
  ];

  /**
   * A plain object (not null, not a list), whose fields can be read.
   */
  export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /**
   * A message rebuilt from what the saved one holds, or why it is dropped.
   *
   * @param raw - the saved message.
   * @param open - the calls of the previous assistant message that have no result yet.
   */
  export function checkMessage(raw: unknown, open: ReadonlySet<string>): ChatMessage | string {
    if (!isObject(raw)) {
      return 'not a message';
    }
    const role = raw.role;
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      return typeof role === 'string' ? `the role "${role.slice(0, 40)}" is not one this product saves` : 'no role';
    }
    switch (role) {
      case 'user': {
        const content = userContent(raw.content);
        return content === undefined ? 'its content is not text' : { role: 'user', content };
      }
      case 'assistant':
        return assistantMessage(raw);
      default: {
        const id = raw.tool_call_id;
        if (typeof id !== 'string' || !open.has(id)) {
          return 'a tool result that answers no call of the message before it';
        }
        if (typeof raw.content !== 'string') {
          return 'its content is not text';
        }
        return { role: 'tool', tool_call_id: id, content: raw.content };
      }
    }
  }

  /**
   * A user message's content: a string, or a non-empty list of text parts (images are saved as
   * text placeholders).
   */
  function userContent(content: unknown): string | ChatCompletionContentPartText[] | undefined {
    if (typeof content === 'string') {
      return content;
    }
    if (!Array.isArray(content) || !content.length) {
      return undefined;
    }
    const parts: ChatCompletionContentPartText[] = [];
    for (const part of content as unknown[]) {
      if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        return undefined;
      }
      parts.push({ type: 'text', text: part.text });
    }
    return parts;
  }

  function assistantMessage(raw: Record<string, unknown>): ChatMessage | string {
    const content = raw.content;
    if (content !== null && content !== undefined && typeof content !== 'string') {
      return 'its content is not text';
    }
    if (raw.tool_calls === undefined || raw.tool_calls === null) {
      return typeof content === 'string' ? { role: 'assistant', content } : 'neither text nor calls';
    }
    if (!Array.isArray(raw.tool_calls) || !raw.tool_calls.length) {
      return 'its tool calls are not a list of calls';
    }
    const calls = [];
    const ids = new Set<string>();
    for (const call of raw.tool_calls as unknown[]) {
      const fn = isObject(call) ? call.function : undefined;
      if (
        !isObject(call) ||
        call.type !== 'function' ||
        typeof call.id !== 'string' ||
        !call.id ||
        ids.has(call.id) ||
        !isObject(fn) ||
        typeof fn.arguments !== 'string'
      ) {
        return 'a tool call that is not one this product writes';
      }
      if (typeof fn.name !== 'string' || !NOTEBOOK_TOOL_NAMES.includes(fn.name)) {
        return `a call to "${String(fn.name).slice(0, 40)}", which is not a notebook tool`;
      }
      ids.add(call.id);
      calls.push({ id: call.id, type: 'function' as const, function: { name: fn.name, arguments: fn.arguments } });
    }
    return { role: 'assistant', content: typeof content === 'string' ? content : null, tool_calls: calls };
  }

  /**
   * A turn rebuilt from what the saved one holds, or why it is dropped.
   *
   * @param raw - the saved turn.
   * @param kept - where each saved message is among the kept ones (-1 when dropped).
   * @param messages - the kept messages.
   */
  export function checkTurn(
    raw: unknown,
    kept: readonly number[],
    messages: readonly ChatMessage[]
  ): ITurnRecord | string {
    if (!isObject(raw) || typeof raw.prompt !== 'string' || typeof raw.startedAt !== 'string') {
      return 'not a turn with a prompt';
    }
    if (!Array.isArray(raw.cells)) {
      return 'its cells are not a list';
    }
    const cells: ITouchedCell[] = [];
    for (const cell of raw.cells as unknown[]) {
      if (
        !isObject(cell) ||
        typeof cell.cellId !== 'string' ||
        (cell.previousSource !== null && typeof cell.previousSource !== 'string') ||
        (cell.agentSourceHash !== undefined &&
          (typeof cell.agentSourceHash !== 'string' || !SOURCE_HASH_PATTERN.test(cell.agentSourceHash)))
      ) {
        return 'a cell of it is not one this product records';
      }
      const touched: ITouchedCell = { cellId: cell.cellId, previousSource: cell.previousSource };
      if (cell.agentSourceHash !== undefined) {
        touched.agentSourceHash = cell.agentSourceHash;
      }
      cells.push(touched);
    }
    const turn: ITurnRecord = {
      prompt: raw.prompt,
      startedAt: raw.startedAt,
      cells,
      executions: typeof raw.executions === 'number' && raw.executions >= 0 ? Math.floor(raw.executions) : 0
    };
    if (typeof raw.outcome === 'string' && (OUTCOMES as readonly string[]).includes(raw.outcome)) {
      turn.outcome = raw.outcome as TurnOutcome;
    }
    if (typeof raw.messageIndex === 'number' && Number.isInteger(raw.messageIndex)) {
      // Moved to where its message is now. It must be a user message that ends with the prompt:
      // the sidebar shows the prompt in its place. Otherwise the prompt is looked up by its text.
      const index = kept[raw.messageIndex] ?? -1;
      const message = messages[index];
      if (message?.role === 'user' && typeof message.content === 'string' && message.content.endsWith(raw.prompt)) {
        turn.messageIndex = index;
      }
    }
    if (typeof raw.undoneAt === 'string') {
      turn.undoneAt = raw.undoneAt;
    }
    if (typeof raw.undoToldToModel === 'boolean') {
      turn.undoToldToModel = raw.undoToldToModel;
    }
    return turn;
  }
}
