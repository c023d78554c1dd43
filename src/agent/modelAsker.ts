// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatMessage } from '../conversation/conversationRecord';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient, IModelResponse } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { ContextWindow } from './contextWindow';
import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import type { ProtocolChoice } from './protocols/protocolChoice';
import type { TurnState } from './turnState';

/**
 * Asks the model for a turn's next answer: builds each request (the protocol's system prompt and
 * tools, the history kept within the budgets and the context window), falls back from tools to
 * text when the endpoint refuses tools, asks again when an answer is cut off midway, and counts
 * the tokens spent.
 */
export class ModelAsker {
  /**
   * Construct the asker of an agent's turns.
   *
   * @param options - the model, the conversation, the protocol and the budgets.
   */
  constructor(options: ModelAsker.IOptions) {
    this._options = options;
    this._window = new ContextWindow(options.counter);
  }

  /**
   * Ask the model for the next answer of a turn.
   *
   * @param turn - the turn's state: its stop signal, and its request and token counts, which grow.
   * @returns the answer.
   * @throws a `ModelError` when the model fails (after the fallback and the retries) or the turn
   *   is stopped.
   */
  async ask(turn: TurnState): Promise<IModelResponse> {
    const { model, conversation, protocols, settings, emit } = this._options;
    for (let attempt = 1; ; attempt++) {
      const protocol = protocols.current;
      const system = protocol.systemPrompt;
      const history = this._window.fit([...conversation.messages], conversation.turnStarts, this._historyBudget());
      const messages: ChatMessage[] = [{ role: 'system', content: system }, ...history];
      emit({ type: 'model-request', protocol: protocol.name, messages, tools: !!protocol.tools });
      try {
        turn.requests++;
        const response = await model.stream(
          {
            messages,
            tools: protocol.tools,
            ...Private.sampling(settings, turn),
            maxTokens: settings.contextWindowTokens > 0 ? settings.answerTokens : undefined
          },
          { signal: turn.signal, onDelta: text => emit({ type: 'model-delta', text }), cutAt: protocol.streamCut(turn) }
        );
        turn.tokens +=
          response.usage.promptTokens + response.usage.completionTokens ||
          Private.estimateTokens(this._options.counter, messages, response);
        return response;
      } catch (error) {
        const modelError = ModelError.from(error, model, !!protocol.tools);
        if (protocols.fallBackOnRefusal(modelError)) {
          continue;
        }
        if (modelError.isTransient && attempt < Private.STREAM_RETRIES && !turn.signal.aborted) {
          emit({ type: 'model-retry', reason: modelError.message, attempt });
          continue;
        }
        throw modelError;
      }
    }
  }

  /**
   * Tokens the history may use in a request: the configured budget, and within the model's
   * context window room for the system prompt, the tools, the answer and a margin for the chat
   * template's own tokens.
   */
  private _historyBudget(): number {
    const { contextBudgetTokens, contextWindowTokens, answerTokens } = this._options.settings;
    if (contextWindowTokens <= 0) {
      return contextBudgetTokens;
    }
    const { systemPrompt, tools } = this._options.protocols.current;
    const { counter } = this._options;
    const fixed = counter.count(systemPrompt) + (tools ? counter.count(JSON.stringify(tools)) : 0) + answerTokens;
    // Chat templates add a few tokens per message, and a counter other than the model's own can
    // undercount: a tenth of the window stays spare.
    const room = Math.max(256, Math.floor(contextWindowTokens * 0.9) - fixed);
    return contextBudgetTokens > 0 ? Math.min(contextBudgetTokens, room) : room;
  }

  private _options: ModelAsker.IOptions;
  private _window: ContextWindow;
}

/**
 * The namespace for `ModelAsker` statics.
 */
export namespace ModelAsker {
  /**
   * What the asker works with.
   */
  export interface IOptions {
    /**
     * The model.
     */
    model: ModelClient;

    /**
     * The conversation whose messages are sent.
     */
    conversation: Conversation;

    /**
     * The protocol in use, and its fallback.
     */
    protocols: ProtocolChoice;

    /**
     * Counts tokens for the budgets.
     */
    counter: ITokenCounter;

    /**
     * The budgets and sampling, read at each request (the context window may be learned later).
     */
    settings: ISettings;

    /**
     * Where events go.
     */
    emit: (event: AgentEvent) => void;
  }

  /**
   * The budgets and sampling of the requests (see `Agent.IOptions`).
   */
  export interface ISettings {
    readonly contextBudgetTokens: number;
    readonly contextWindowTokens: number;
    readonly answerTokens: number;
    readonly temperature?: number;
    readonly seed?: number;
  }
}

namespace Private {
  /**
   * A cut-off answer is asked for again this many times in all.
   */
  export const STREAM_RETRIES = 3;

  /**
   * The temperature of a request made after the model sent back code that failed, when the
   * configured one is lower (greedy, for the embedded model).
   */
  export const RESAMPLE_TEMPERATURE = 0.7;

  /**
   * The temperature and seed of a request. Greedy decoding gives the same answer to the same
   * request, and after "this exact code failed" a small model's request hardly changes: it sends
   * the failing code back until the turn's limit (measured on the real-model suite's fix-error
   * tasks). Once it has, the next requests are sampled, each with its own seed (the configured
   * seed, or 0, plus the count of such answers), so the turn stays reproducible, until code runs
   * without error: the answer that reads its output is greedy again (sampled, the 1.5B went on
   * to write more cells, one of them broken).
   */
  export function sampling(
    settings: ModelAsker.ISettings,
    turn: TurnState
  ): { temperature?: number; extraBody?: { seed: number } } {
    const { temperature, seed } = settings;
    const stuck = turn.failedRepeats > 0 && turn.lastStatus !== 'ok';
    if (stuck && temperature !== undefined && temperature < RESAMPLE_TEMPERATURE) {
      return { temperature: RESAMPLE_TEMPERATURE, extraBody: { seed: (seed ?? 0) + turn.failedRepeats } };
    }
    return { temperature, ...(seed !== undefined ? { extraBody: { seed } } : {}) };
  }

  /**
   * Tokens of a request and its answer, for endpoints that report no usage.
   */
  export function estimateTokens(counter: ITokenCounter, messages: ChatMessage[], response: IModelResponse): number {
    let total =
      counter.count(response.content) + counter.count(response.toolCalls.map(call => call.arguments).join(''));
    for (const message of messages) {
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') {
        total += counter.count(content);
      } else if (Array.isArray(content)) {
        for (const part of content as { type: string; text?: string }[]) {
          total += part.type === 'text' && part.text ? counter.count(part.text) : 765;
        }
      }
    }
    return total;
  }
}
