// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatMessage, TurnOutcome } from '../conversation/conversationRecord';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ExecutionStatus } from '../kernel/executionResult';
import type { ModelClient, IModelResponse } from '../model/modelClient';
import { ModelError, type ModelErrorKind } from '../model/modelError';
import type { CellRunner } from './cellRunner';
import { ContextWindow } from './contextWindow';
import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import { checkGrounding } from './grounding';
import type { ProtocolChoice } from './protocols/protocolChoice';
import { StepInQueue, deliverStepIns } from './stepIns';
import type { TurnNotes } from './turnNotes';
import { startTurn } from './turnStart';
import type { TurnState } from './turnState';

/**
 * One user turn, start to end: the prompt with its notes, then model requests and the actions of
 * their answers until the model answers without code, a limit or budget is reached or the user
 * stops it. It asks again when an answer is cut off, and keeps each request within the budgets.
 */
export class TurnLoop {
  /**
   * Construct the loop of an agent's turns.
   *
   * @param options - the model, the agent's parts and its settings.
   */
  constructor(options: TurnLoop.IOptions) {
    this._options = options;
    this._window = new ContextWindow(options.counter);
  }

  /**
   * Run one user turn.
   *
   * @param prompt - what the user asks.
   * @param signal - stops the turn.
   * @param request - the cells the person pointed at and what kind of help is asked.
   * @param stepIns - the messages the person sends while the turn runs; closed when it ends.
   * @returns how the turn ended, with the messages of `stepIns` it never delivered.
   */
  async run(
    prompt: string,
    signal: AbortSignal,
    request: TurnState.IRequest = { attachments: [], intent: 'code' },
    stepIns: StepInQueue = new StepInQueue()
  ): Promise<TurnLoop.ITurnResult> {
    const { conversation, notes, emit, protocols } = this._options;
    const started = await startTurn(
      { conversation, notes, protocol: protocols.current, emit },
      prompt,
      signal,
      request
    );
    const { turn } = started;
    const record = turn.record;
    let ended: TurnLoop.ITurnEnding;
    try {
      ended = started.gone ? { outcome: 'gave-up', reason: started.gone } : await this._loop(turn, stepIns);
    } catch (error) {
      ended = { outcome: 'model-error', reason: error instanceof Error ? error.message : String(error) };
    } finally {
      conversation.repair();
    }
    // The turn has ended: what waits now was sent during its last answer (or after a stop, a
    // limit) and goes back to the caller, which starts the next turn with it.
    const undelivered = stepIns.close();
    record.outcome = ended.outcome;
    return {
      outcome: ended.outcome,
      reason: ended.reason,
      modelErrorKind: ended.modelErrorKind,
      ungrounded: ended.ungrounded,
      executions: turn.executions,
      lastStatus: turn.lastStatus,
      tokens: turn.tokens,
      durationMs: turn.elapsedMs,
      undelivered
    };
  }

  private async _loop(turn: TurnState, stepIns: StepInQueue): Promise<TurnLoop.ITurnEnding> {
    const { settings, conversation, protocols, runner } = this._options;
    const { maxAttempts } = settings;
    // Read when the turn stops: a review left unanswered says why.
    const stopped = (): TurnLoop.ITurnEnding => ({
      outcome: 'stopped',
      reason: turn.stopReason ?? 'Stopped by the user.'
    });
    for (;;) {
      const budget = turn.budgetExceeded(settings);
      if (turn.signal.aborted) {
        return stopped();
      }
      if (budget) {
        return { outcome: 'budget-exhausted', reason: budget };
      }
      // The next step begins: every result of the last one is in the conversation, and the
      // person's messages sent meanwhile go before the request.
      turn.stepIns += deliverStepIns(stepIns, conversation, this._options.emit);
      if (turn.requests >= settings.maxModelRequests + turn.stepIns) {
        return {
          outcome: 'gave-up',
          reason: `The model was asked ${turn.requests} times in this turn, its limit; it may be looping.`
        };
      }
      let response: IModelResponse;
      try {
        response = await this._ask(turn);
      } catch (error) {
        const modelError = ModelError.from(error, this._options.model);
        if (modelError.kind === 'aborted' || turn.signal.aborted) {
          return stopped();
        }
        return { outcome: 'model-error', reason: modelError.message, modelErrorKind: modelError.kind };
      }
      const { actions, askAgain } = protocols.current.actionsOf(response, turn);
      if (askAgain) {
        continue;
      }
      if (!actions.length) {
        if (turn.lastStatus !== undefined && turn.lastStatus !== 'ok') {
          return { outcome: 'gave-up', reason: `The model stopped after a failed execution (${turn.lastStatus}).` };
        }
        const verdict = this._verifyAnswer(response.content, turn);
        if (verdict === 'ask-again') {
          continue;
        }
        return verdict;
      }
      let failure: string | undefined;
      // The answer may have switched the protocol (`auto`'s fallback): its actions run in the new one.
      const performing = protocols.current;
      for (const action of actions) {
        if (failure) {
          conversation.answerUnrun(action, `Not run: ${failure}`);
          continue;
        }
        if (turn.signal.aborted) {
          conversation.answerUnrun(action, 'Not run: the user stopped the turn.');
          continue;
        }
        if (action.kind !== 'markdown' && action.kind !== 'invalid' && turn.executions >= maxAttempts) {
          conversation.answerUnrun(
            action,
            `Not run: the limit of ${maxAttempts} executions for this request is reached.`
          );
          continue;
        }
        try {
          await runner.perform(action, turn, performing);
        } catch (error) {
          // The notebook or the kernel failed (not the code): every tool call still gets its
          // answer, so the saved conversation stays valid, and the turn ends.
          const message = error instanceof Error ? error.message : String(error);
          this._options.emit({ type: 'warning', message });
          conversation.answerUnrun(action, `Error: ${message}`);
          failure ??= message;
        }
      }
      conversation.flushImages();
      if (failure) {
        return { outcome: 'gave-up', reason: failure };
      }
      if (turn.repeats >= 2 && turn.lastStatus === 'ok') {
        // The model keeps answering with code that already ran: its work is done.
        return { outcome: 'completed' };
      }
      if (turn.signal.aborted) {
        return stopped();
      }
      if (turn.executions >= maxAttempts && turn.lastStatus !== undefined) {
        return turn.lastStatus === 'ok'
          ? { outcome: 'completed' }
          : {
              outcome: 'gave-up',
              reason: `The last of ${maxAttempts} execution attempts failed (${turn.lastStatus}).`
            };
      }
    }
  }

  /**
   * Ask the model, falling back from tools to text when the endpoint refuses tools, and asking
   * again when an answer is cut off midway.
   */
  private async _ask(turn: TurnState): Promise<IModelResponse> {
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
            temperature: settings.temperature,
            maxTokens: settings.contextWindowTokens > 0 ? settings.answerTokens : undefined,
            ...(settings.seed !== undefined ? { extraBody: { seed: settings.seed } } : {})
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

  /**
   * Decide how a turn whose model answered without code ends: `completed` when every figure the
   * answer states is shown by an output (or is in the prompt) and a question about data ran code;
   * otherwise the model is asked once to compute and print it, and then the turn is `unverified`.
   */
  private _verifyAnswer(answer: string, turn: TurnState): TurnLoop.ITurnEnding | 'ask-again' {
    const { conversation, settings, emit } = this._options;
    const evidence = [turn.record.prompt, ...turn.attachedShown, ...conversation.outputsShown];
    const { ungrounded } = checkGrounding(answer, evidence);
    const ranNothing = turn.needsCode && turn.executions === 0;
    if (!ungrounded.length && !ranNothing) {
      return { outcome: 'completed' };
    }
    // An explanation is never asked to run code.
    const canAsk =
      turn.request.intent !== 'explain' &&
      !turn.groundingAsked &&
      turn.requests < settings.maxModelRequests &&
      turn.executions < settings.maxAttempts;
    emit({ type: 'ungrounded-answer', figures: ungrounded, ranNothing, willAsk: canAsk });
    if (canAsk) {
      turn.groundingAsked = true;
      conversation.append({ role: 'user', content: Private.groundingRequest(ungrounded, ranNothing) });
      return 'ask-again';
    }
    return {
      outcome: 'unverified',
      ungrounded,
      reason: ungrounded.length
        ? `The answer states ${ungrounded.join(', ')}, which no cell's output shows.`
        : 'The question is about data, and no code ran to read it.'
    };
  }

  private _options: TurnLoop.IOptions;
  private _window: ContextWindow;
}

/**
 * The namespace for `TurnLoop` statics.
 */
export namespace TurnLoop {
  /**
   * What the loop works with.
   */
  export interface IOptions {
    /**
     * The model.
     */
    model: ModelClient;

    /**
     * The conversation with it.
     */
    conversation: Conversation;

    /**
     * The protocol in use.
     */
    protocols: ProtocolChoice;

    /**
     * The notes that go before each prompt.
     */
    notes: TurnNotes;

    /**
     * Carries out the model's actions.
     */
    runner: CellRunner;

    /**
     * Counts tokens for the budgets.
     */
    counter: ITokenCounter;

    /**
     * The limits and budgets, read at each request (the context window may be learned later).
     */
    settings: ISettings;

    /**
     * Where events go.
     */
    emit: (event: AgentEvent) => void;
  }

  /**
   * The limits and budgets of a turn (see `Agent.IOptions`).
   */
  export interface ISettings {
    readonly maxAttempts: number;
    readonly maxModelRequests: number;
    readonly turnTokenBudget: number;
    readonly turnTimeBudgetMs: number;
    readonly contextBudgetTokens: number;
    readonly contextWindowTokens: number;
    readonly answerTokens: number;
    readonly temperature?: number;
    readonly seed?: number;
  }

  /**
   * How a turn ended.
   */
  export interface ITurnResult extends ITurnEnding {
    executions: number;
    lastStatus: ExecutionStatus | undefined;
    tokens: number;
    durationMs: number;
    /**
     * The messages sent during the turn (`Agent.stepIn`) that the model never read: sent while
     * its last answer streamed, or before a stop, a limit or a budget ended the turn. The caller
     * starts the next turn with them (or, after a stop, gives them back to the person).
     */
    undelivered: string[];
  }

  /**
   * How the loop ended.
   */
  export interface ITurnEnding {
    outcome: TurnOutcome;
    reason?: string;
    /**
     * What kind of model failure ended the turn, when the outcome is `model-error`.
     */
    modelErrorKind?: ModelErrorKind;
    /**
     * The figures of the answer that no output shows, when the outcome is `unverified`.
     */
    ungrounded?: string[];
  }
}

namespace Private {
  /**
   * A cut-off answer is asked for again this many times in all.
   */
  export const STREAM_RETRIES = 3;

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

  /**
   * What the model is asked when its answer states figures no output shows, or when it ran
   * nothing for a question about data.
   */
  export function groundingRequest(ungrounded: string[], ranNothing: boolean): string {
    if (!ungrounded.length) {
      return 'Nothing was run, and this question is about data that only code can read. Write code that computes the answer and prints it.';
    }
    const figures = ungrounded.join(', ');
    return `Your answer states ${figures}, which no cell's output shows${ranNothing ? ' (no code ran)' : ''}. Write code that computes ${ungrounded.length > 1 ? 'these figures' : 'it'} and prints ${ungrounded.length > 1 ? 'them' : 'it'}; state only figures an output shows.`;
  }
}
