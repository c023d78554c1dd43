// Figure 4: tokens the agent sends the model for a new turn, as the notebook and the
// conversation grow to 10, 100 and 1000 cells.
import type * as nbformat from '@jupyterlab/nbformat';
import { UUID } from '@lumino/coreutils';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

import { Agent } from '../src/agent/agent';
import {
  CONVERSATION_METADATA_KEY,
  type ChatMessage,
  type IConversationRecord
} from '../src/conversation/conversationRecord';
import type { AgentEvent } from '../src/agent/events';
import { systemPrompt } from '../src/agent/prompts';
import { JupyterConnection } from '../src/node/jupyterConnection';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import type { ITokenCounter } from '../src/feedback/tokenCounter';
import { ModelClient } from '../src/model/modelClient';
import { NOTEBOOK_TOOLS } from '../src/model/toolsProtocol';
import { HeadlessNotebook } from '../src/notebook/headlessNotebook';
import { ScriptedModelServer, type IRecordedRequest, type ScriptedReply } from '../test/support/scriptedModelServer';

/**
 * Tokens of one notebook size.
 */
export interface IContextRow {
  cells: number;
  /** Earlier turns in the conversation (the agent made every cell, two a turn). */
  earlierTurns: number;
  /** Tokens of the new turn's first request (system prompt, messages, tool definitions). */
  firstRequestTokens: number;
  /** The largest request of the new turn. */
  maxRequestTokens: number;
  /** Messages in the first request. */
  messagesSent: number;
  /** What the first request would hold if the whole conversation were sent. */
  wholeConversationTokens: number;
  /** First request of a fresh conversation in a notebook of as many cells the user wrote. */
  userNotebookTokens: number;
}

/**
 * Build notebooks of each size, continue their conversation for one turn, and count the tokens
 * of what the agent sends (tiktoken cl100k_base, 4 tokens a message as OpenAI counts them).
 *
 * @param options - the Python and the sizes.
 * @param log - progress lines.
 * @returns one row per size.
 */
export async function measureContextTokens(
  options: { python: string; sizes: number[] },
  log: (line: string) => void
): Promise<{ rows: IContextRow[]; contextBudgetTokens: number }> {
  const counter = await createTiktokenCounter();
  const connection = await JupyterConnection.open({ python: options.python });
  const model = await ScriptedModelServer.start({ script: Private.reply });
  const client = new ModelClient({ baseURL: model.baseUrl, apiKey: 'bench', model: 'scripted-model', maxRetries: 0 });
  const open = (path: string) =>
    HeadlessNotebook.open({ contents: connection.contents, sessions: connection.sessions, path });
  try {
    // One real turn gives the shape of the messages and cells that are replicated below.
    const template = await open('template.ipynb');
    const templateAgent = new Agent({ model: client, target: template, tokenCounter: counter });
    const outcome = await templateAgent.run(Private.TEMPLATE_PROMPT);
    if (outcome.outcome !== 'completed' || outcome.executions !== 2) {
      throw new Error(`template turn ended as ${outcome.outcome}: ${outcome.reason}`);
    }
    const templateRecord = templateAgent.conversation;
    const templateCells = template.document.cells;
    templateAgent.dispose();
    await template.close(true);

    const rows: IContextRow[] = [];
    for (const cells of options.sizes) {
      const built = Private.grow(templateRecord, templateCells, cells);
      await connection.contents.save(`agent-${cells}.ipynb`, { type: 'notebook', format: 'json', content: built });
      const continued = await Private.newTurn(await open(`agent-${cells}.ipynb`), client, counter);
      const record = built.metadata[CONVERSATION_METADATA_KEY] as unknown as IConversationRecord;
      const whole = Private.requestTokens(counter, [
        { role: 'system', content: systemPrompt('tools') },
        ...record.messages,
        { role: 'user', content: Private.NEXT_PROMPT }
      ]);
      const userBuilt = Private.userNotebook(templateCells, cells);
      await connection.contents.save(`user-${cells}.ipynb`, { type: 'notebook', format: 'json', content: userBuilt });
      const fresh = await Private.newTurn(await open(`user-${cells}.ipynb`), client, counter);
      const row: IContextRow = {
        cells,
        earlierTurns: record.turns.length,
        firstRequestTokens: continued.first,
        maxRequestTokens: continued.max,
        messagesSent: continued.messages,
        wholeConversationTokens: whole,
        userNotebookTokens: fresh.first
      };
      log(
        `context: ${cells} cells: first request ${row.firstRequestTokens} tokens (${row.messagesSent} messages), ` +
          `whole conversation ${row.wholeConversationTokens}, user notebook ${row.userNotebookTokens}`
      );
      rows.push(row);
    }
    return { rows, contextBudgetTokens: 12_000 };
  } finally {
    await model.stop();
    await connection.close();
  }
}

namespace Private {
  export const TEMPLATE_PROMPT = 'Template: summarise a small random table';
  export const NEXT_PROMPT = 'Next: how many rows are there?';

  /**
   * The code of the template turn: a printed table, then a summary of it.
   */
  const TABLE_CODE =
    'import random\nrandom.seed(1)\nrows = [(i, round(random.random(), 4), random.choice("abc")) for i in range(15)]\n' +
    'for row in rows:\n    print(*row, sep="\\t")';
  const SUMMARY_CODE = 'mean = sum(r[1] for r in rows) / len(rows)\nprint(f"mean of {len(rows)} values: {mean:.4f}")';

  /**
   * The scripted model: two executions then an answer for the template; one for the new turn.
   */
  export function reply(request: IRecordedRequest): ScriptedReply {
    const messages: ChatCompletionMessageParam[] = request.body.messages;
    let start = messages.length - 1;
    while (start > 0 && messages[start].role !== 'user') {
      start--;
    }
    const results = messages.length - 1 - start;
    const prompt = String(messages[start]?.content ?? '');
    const call = (code: string): ScriptedReply => ({
      kind: 'tools',
      calls: [{ name: 'execute_code', arguments: JSON.stringify({ code }) }]
    });
    // The turn's notes (notebook, kernel state) come before the prompt in its message.
    if (prompt.trimEnd().endsWith(TEMPLATE_PROMPT)) {
      if (results === 0) {
        return call(TABLE_CODE);
      }
      if (results === 2) {
        return call(SUMMARY_CODE);
      }
      return { kind: 'text', content: 'The table has 15 rows; the mean of the second column is printed above.' };
    }
    return results === 0
      ? call('print(len(rows) if "rows" in globals() else 15)')
      : { kind: 'text', content: '15 rows.' };
  }

  /**
   * Run one new turn and count the tokens of each request it sends.
   */
  export async function newTurn(
    notebook: HeadlessNotebook,
    client: ModelClient,
    counter: ITokenCounter
  ): Promise<{ first: number; max: number; messages: number }> {
    const agent = new Agent({ model: client, target: notebook, tokenCounter: counter });
    const requests: ChatMessage[][] = [];
    agent.events.connect((_, event: AgentEvent) => {
      if (event.type === 'model-request') {
        requests.push(event.messages);
      }
    });
    try {
      const result = await agent.run(NEXT_PROMPT);
      if (result.outcome !== 'completed') {
        throw new Error(`new turn ended as ${result.outcome}: ${result.reason}`);
      }
    } finally {
      agent.dispose();
      await notebook.close(true);
    }
    const counts = requests.map(messages => requestTokens(counter, messages));
    return { first: counts[0], max: Math.max(...counts), messages: requests[0].length };
  }

  /**
   * Tokens of a request: each message's text and tool calls, 4 a message, and the tool definitions.
   */
  export function requestTokens(counter: ITokenCounter, messages: ChatMessage[]): number {
    let total = counter.count(JSON.stringify(NOTEBOOK_TOOLS));
    for (const message of messages) {
      total += 4;
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') {
        total += counter.count(content);
      } else if (Array.isArray(content)) {
        for (const part of content as { type: string; text?: string }[]) {
          total += part.type === 'text' ? counter.count(part.text ?? '') : 765;
        }
      }
      for (const call of (message as { tool_calls?: { function: { name: string; arguments: string } }[] }).tool_calls ??
        []) {
        total += counter.count(call.function.name) + counter.count(call.function.arguments);
      }
    }
    return total;
  }

  /**
   * A notebook of `cells` cells made by the agent over `cells / 2` turns, each a copy of the
   * template turn with its own cell and tool-call ids.
   */
  export function grow(
    template: IConversationRecord,
    templateCells: nbformat.ICell[],
    cells: number
  ): nbformat.INotebookContent {
    const codeCells = templateCells.filter(cell => cell.cell_type === 'code');
    const record: IConversationRecord = { ...template, messages: [], turns: [] };
    const document: nbformat.INotebookContent = Private.emptyNotebook();
    for (let turn = 0; document.cells.length < cells; turn++) {
      const ids = new Map<string, string>();
      for (const cell of codeCells.slice(0, cells - document.cells.length)) {
        const id = UUID.uuid4();
        ids.set(cell.id as string, id);
        document.cells.push({ ...structuredClone(cell), id });
      }
      let text = JSON.stringify(template.messages);
      for (const [from, to] of ids) {
        text = text.split(from).join(to);
      }
      // Tool-call ids only ("call_0_1"), not the key "tool_call_id".
      const prompt = `Question ${turn}: summarise a small random table`;
      text = text.replace(/"call_(?=\d)/g, `"call_t${turn}_`).replace(TEMPLATE_PROMPT, prompt);
      const messageIndex = record.messages.length;
      record.messages.push(...(JSON.parse(text) as ChatMessage[]));
      record.turns.push({
        ...template.turns[0],
        // As the agent records it: the prompt that ends the turn's user message. A restored turn
        // whose prompt is not found there has no start in the history, and the history over the
        // budget is then cut at the current turn, all earlier turns at once.
        prompt,
        messageIndex,
        cells: [...ids.values()].map(cellId => ({ cellId, previousSource: null }))
      });
    }
    document.metadata[CONVERSATION_METADATA_KEY] = record as never;
    return document;
  }

  /**
   * A notebook of `cells` cells the user wrote (copies of the template's cells), no conversation.
   */
  export function userNotebook(templateCells: nbformat.ICell[], cells: number): nbformat.INotebookContent {
    const document = emptyNotebook();
    for (let i = 0; i < cells; i++) {
      document.cells.push({ ...structuredClone(templateCells[i % templateCells.length]), id: UUID.uuid4() });
    }
    return document;
  }

  export function emptyNotebook(): nbformat.INotebookContent {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
        language_info: { name: 'python' }
      },
      cells: []
    };
  }
}
