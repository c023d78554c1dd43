// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';

import type { ChatMessage, IConversationRecord } from '../conversation/conversationRecord';
import { describeDropped, type ICheckedConversation } from '../agent/savedConversation';
import { EXECUTION_RESULT_PREFIX } from '../model/textProtocol';
import type { IReviewEntry, IReviewMessage, TranscriptEntry } from './transcriptEntry';

/**
 * The review of a saved conversation: every message the agent would send (after its own system
 * prompt), with its role, its whole text and its calls, and what the check dropped.
 *
 * @param checked - the checked conversation kept with the notebook.
 * @returns the one entry the transcript shows until the person continues or starts fresh.
 */
export function reviewEntryOf(checked: ICheckedConversation): IReviewEntry {
  return {
    kind: 'review',
    messages: (checked.record?.messages ?? []).map(Private.reviewMessage),
    turns: checked.record?.turns.length ?? 0,
    dropped: describeDropped(checked.dropped)
  };
}

/**
 * The entries of a saved conversation: prompts, answers, and a step for each tool call or
 * execution result, with a turn end after each turn.
 *
 * @param record - the conversation kept with the notebook.
 * @param trans - translates the steps' labels.
 * @returns the entries, oldest first.
 */
export function entriesOfRecord(record: IConversationRecord, trans: TranslationBundle): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  // Where each turn's prompt is: the message sent may carry notes before the user's words
  // (the notebook's cells, the kernel's state), which the sidebar does not show.
  const promptAt = new Map<number, string>();
  let from = 0;
  for (const saved of record.turns) {
    const index =
      saved.messageIndex ??
      record.messages.findIndex(
        (message, i) =>
          i >= from &&
          message.role === 'user' &&
          typeof message.content === 'string' &&
          message.content.endsWith(saved.prompt)
      );
    if (index >= from) {
      promptAt.set(index, saved.prompt);
      from = index + 1;
    }
  }
  const toolNames = new Map<string, string>();
  let turn = 0;
  const endTurn = () => {
    const saved = record.turns[turn - 1];
    if (saved?.outcome) {
      entries.push({
        kind: 'turn-end',
        turn,
        outcome: saved.outcome,
        executions: saved.executions,
        undone: !!saved.undoneAt
      });
    }
  };
  record.messages.forEach((message, index) => {
    const text = Private.textOf(message);
    switch (message.role) {
      case 'user': {
        const prompt = promptAt.get(index);
        if (prompt !== undefined) {
          if (turn > 0) {
            endTurn();
          }
          turn += 1;
          entries.push({ kind: 'user', text: prompt, turn });
        } else if (text.startsWith(EXECUTION_RESULT_PREFIX)) {
          const failed = /Traceback|Error\b/.test(text);
          entries.push({
            kind: 'step',
            state: failed ? 'error' : 'ok',
            label: failed ? trans.__('Error') : trans.__('Ran code')
          });
        }
        break;
      }
      case 'assistant':
        if (text.trim()) {
          entries.push({ kind: 'assistant', text, streaming: false });
        }
        for (const call of ('tool_calls' in message && message.tool_calls) || []) {
          if (call.type === 'function') {
            toolNames.set(call.id, call.function.name);
          }
        }
        break;
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        const cellId = /^cell_id: (\S+)/m.exec(text)?.[1];
        const status = /^status: (\S+)/m.exec(text)?.[1];
        const ok = status === 'ok';
        const edited = name === 'edit_cell';
        const label =
          name === 'add_markdown'
            ? trans.__('Added markdown')
            : status === 'ok'
              ? edited
                ? trans.__('Revised and ran')
                : trans.__('Ran')
              : status
                ? edited
                  ? trans.__('Revised and %1 in', status)
                  : trans.__('%1 in', status)
                : text.split('\n')[0];
        entries.push({ kind: 'step', state: ok ? 'ok' : status ? 'error' : 'warning', label, cellId });
        break;
      }
      default:
        break;
    }
  });
  if (turn > 0) {
    endTurn();
  }
  return entries;
}

namespace Private {
  /**
   * A checked message as the review shows it.
   */
  export function reviewMessage(message: ChatMessage): IReviewMessage {
    const calls =
      message.role === 'assistant'
        ? (message.tool_calls ?? []).flatMap(call =>
            call.type === 'function' ? [{ name: call.function.name, arguments: call.function.arguments }] : []
          )
        : [];
    return { role: message.role as IReviewMessage['role'], text: textOf(message), calls };
  }

  /**
   * The text of a message: its string, or its text parts joined.
   */
  export function textOf(message: ChatMessage): string {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') {
      return content;
    }
    if (Array.isArray(content)) {
      return content.map(part => (part && part.type === 'text' ? String(part.text) : '')).join('');
    }
    return '';
  }
}
