// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';

import type { ChatMessage, IConversationRecord, ITurnRecord, ModelProtocol } from '../conversation/conversationRecord';
import type { IRenderedFeedback } from '../feedback/renderedFeedback';
import type { ModelAction } from '../model/actions';
import { CONTENT_CALL_PREFIX } from '../model/contentCalls';
import { EXECUTION_RESULT_PREFIX } from '../model/textProtocol';

/**
 * The agent's conversation with the model: its messages and its turns, kept valid for the
 * endpoint (every tool call answered, nothing between an answer's tool results) and saved without
 * image data.
 */
export class Conversation {
  /**
   * Start a conversation, or continue a saved one (its unanswered tool calls get an answer).
   *
   * @param saved - the checked saved conversation, if any.
   */
  constructor(saved?: { messages: ChatMessage[]; turns: ITurnRecord[] }) {
    if (saved) {
      this._messages = Private.withToolCallsAnswered(saved.messages);
      this._turns = saved.turns.map(Private.copyTurn);
    }
  }

  /**
   * The messages, as they are sent (with image data).
   */
  get messages(): readonly ChatMessage[] {
    return this._messages;
  }

  /**
   * The turns; the running one last.
   */
  get turns(): readonly ITurnRecord[] {
    return this._turns;
  }

  /**
   * Where each turn's prompt is in the messages: recorded for new turns, found by the prompt's
   * text for turns saved without it.
   */
  get turnStarts(): number[] {
    const starts: number[] = [];
    let from = 0;
    for (const turn of this._turns) {
      let index = turn.messageIndex;
      if (index === undefined) {
        index = this._messages.findIndex(
          (message, i) =>
            i >= from &&
            message.role === 'user' &&
            typeof message.content === 'string' &&
            message.content.endsWith(turn.prompt)
        );
      }
      if (index !== undefined && index >= from) {
        starts.push(index);
        from = index + 1;
      }
    }
    return starts;
  }

  /**
   * Whether the model has made a tool call of the API (not one written in its text).
   */
  get hasNativeToolCall(): boolean {
    return this._messages.some(message => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0);
  }

  /**
   * The execution results the conversation showed the model, without their header lines (cell
   * ids, statuses and execution counts are not results).
   */
  get outputsShown(): string[] {
    const shown: string[] = [];
    for (const message of this._messages) {
      const text = Private.textOf(message);
      if (message.role === 'tool' || (message.role === 'user' && text.startsWith(EXECUTION_RESULT_PREFIX))) {
        shown.push(text.replace(/^(cell_id|status|execution_count): .*$/gm, ''));
      }
    }
    return shown;
  }

  /**
   * Start a turn: its record, and the user's message (the prompt with the turn's notes).
   *
   * @param prompt - what the user asks.
   * @param notes - what goes before the prompt (empty for nothing).
   * @param startedAt - when the user asked, as an ISO date.
   * @returns the turn's record.
   */
  startTurn(prompt: string, notes: string, startedAt: string): ITurnRecord {
    const turn: ITurnRecord = {
      prompt,
      startedAt,
      cells: [],
      executions: 0,
      messageIndex: this._messages.length
    };
    this._turns.push(turn);
    this._messages.push({ role: 'user', content: notes ? `${notes}\n\n${prompt}` : prompt });
    return turn;
  }

  /**
   * Append a message.
   *
   * @param message - the message.
   */
  append(message: ChatMessage): void {
    this._messages.push(message);
  }

  /**
   * Answer a tool call. A call the model wrote in its text has no tool call of the API to answer,
   * and re-writing its answer with one would change bytes already sent: it is answered in a user
   * message.
   *
   * @param toolCallId - the call; nothing is sent without one.
   * @param text - the answer.
   */
  answerToolCall(toolCallId: string | undefined, text: string): void {
    if (toolCallId?.startsWith(CONTENT_CALL_PREFIX)) {
      this._messages.push({ role: 'user', content: `${EXECUTION_RESULT_PREFIX}${text}` });
    } else if (toolCallId) {
      this._messages.push({ role: 'tool', tool_call_id: toolCallId, content: text });
    }
  }

  /**
   * Answer the call of an action that is not carried out: every tool call must be answered.
   *
   * @param action - the action.
   * @param text - why it was not carried out.
   */
  answerUnrun(action: ModelAction, text: string): void {
    if (action.toolCallId) {
      this.answerToolCall(action.toolCallId, text);
    }
  }

  /**
   * Give the model an execution's result: as the answer of its tool call of the API, with its
   * images held until the answer's last tool result; otherwise as a user message.
   *
   * @param cellId - the cell that ran.
   * @param toolCallId - the call that asked for it, if any.
   * @param text - the result as the model reads it.
   * @param images - the images of its outputs.
   */
  giveResult(cellId: string, toolCallId: string | undefined, text: string, images: IRenderedFeedback['images']): void {
    const imageParts: ChatCompletionContentPart[] = images.map(image => ({
      type: 'image_url',
      image_url: { url: `data:${image.mimeType};base64,${image.data}` }
    }));
    if (toolCallId && !toolCallId.startsWith(CONTENT_CALL_PREFIX)) {
      this.answerToolCall(toolCallId, text);
      if (imageParts.length) {
        // Tool messages carry text only; images follow in a user message, after the last tool
        // result of the answer (nothing may come between an answer's tool results).
        this._pendingImages.push({ cellId, parts: imageParts });
      }
      return;
    }
    const content = `${EXECUTION_RESULT_PREFIX}${text}`;
    this._messages.push(
      imageParts.length
        ? { role: 'user', content: [{ type: 'text', text: content }, ...imageParts] }
        : { role: 'user', content }
    );
  }

  /**
   * Send the images held back from the answer's tool results, in one user message.
   */
  flushImages(): void {
    if (!this._pendingImages.length) {
      return;
    }
    const content: ChatCompletionContentPart[] = [];
    for (const { cellId, parts } of this._pendingImages.splice(0)) {
      content.push({ type: 'text', text: `The image output of cell ${cellId}:` }, ...parts);
    }
    this._messages.push({ role: 'user', content });
  }

  /**
   * Give the model a message the person sent while the turn ran, after every result of the last
   * step (the caller delivers only once the answer's calls are all answered). When the last message
   * is already a user message of this step (the text protocol's execution result, or the images
   * held back from tool results), the text joins it, so that user and assistant messages keep
   * alternating as strict chat templates require; otherwise it is a user message of its own. A
   * turn's prompt is never joined: the saved turn finds its prompt at the end of that message.
   *
   * @param text - the text the model reads.
   */
  addStepIn(text: string): void {
    const index = this._messages.length - 1;
    const last = this._messages[index];
    const isPrompt = this._turns.some(turn => turn.messageIndex === index);
    if (last?.role !== 'user' || isPrompt) {
      this._messages.push({ role: 'user', content: text });
    } else if (typeof last.content === 'string') {
      this._messages[index] = { role: 'user', content: `${last.content}\n\n${text}` };
    } else {
      this._messages[index] = { role: 'user', content: [...last.content, { type: 'text', text }] };
    }
  }

  /**
   * Answer every tool call left without a result (a turn that failed midway), so that later
   * requests stay valid.
   */
  repair(): void {
    this._messages = Private.withToolCallsAnswered(this._messages);
  }

  /**
   * The conversation as it is saved with the notebook: image data replaced by a placeholder (the
   * image stays in the cell).
   *
   * @param protocol - the protocol in use.
   * @param model - the model's name.
   * @returns a copy to save.
   */
  toRecord(protocol: ModelProtocol, model: string): IConversationRecord {
    return {
      version: 1,
      protocol,
      model,
      messages: this._messages.map(Private.withoutImageData),
      turns: this._turns.map(Private.copyTurn)
    };
  }

  private _messages: ChatMessage[] = [];
  private _turns: ITurnRecord[] = [];
  private _pendingImages: { cellId: string; parts: ChatCompletionContentPart[] }[] = [];
}

namespace Private {
  /**
   * A turn's record with its own list of cells.
   */
  export function copyTurn(turn: ITurnRecord): ITurnRecord {
    return { ...turn, cells: [...turn.cells] };
  }

  /**
   * The text of a message (its text parts joined).
   */
  export function textOf(message: ChatMessage): string {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') {
      return content;
    }
    return Array.isArray(content)
      ? (content as { type: string; text?: string }[]).map(part => part.text ?? '').join('\n')
      : '';
  }

  /**
   * The conversation with every tool call answered: a tool call left without its result (a turn
   * that failed midway, or a conversation saved by an older version) makes every later request
   * fail, so it gets a result saying it was not carried out.
   */
  export function withToolCallsAnswered(messages: ChatMessage[]): ChatMessage[] {
    const result: ChatMessage[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      result.push(message);
      const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
      if (!calls.length) {
        continue;
      }
      const answered = new Set<string>();
      while (i + 1 < messages.length && messages[i + 1].role === 'tool') {
        const reply = messages[++i] as { tool_call_id: string };
        answered.add(reply.tool_call_id);
        result.push(messages[i]);
      }
      for (const call of calls) {
        if (!answered.has(call.id)) {
          result.push({ role: 'tool', tool_call_id: call.id, content: 'Not carried out: the turn ended first.' });
        }
      }
    }
    return result.length === messages.length ? messages : result;
  }

  /**
   * A message with its image data replaced by a placeholder.
   */
  export function withoutImageData(message: ChatMessage): ChatMessage {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) {
      return message;
    }
    return {
      ...message,
      content: (content as ChatCompletionContentPart[]).map(part =>
        part.type === 'image_url' ? { type: 'text', text: '[image shown to the model; see the cell output]' } : part
      )
    } as ChatMessage;
  }
}
