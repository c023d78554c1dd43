// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TurnOutcome } from '../conversation/conversationRecord';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ExecutionStatus } from '../kernel/executionResult';
import type { ModelClient, IModelResponse } from '../model/modelClient';
import { ModelError, type ModelErrorKind } from '../model/modelError';
import { checkAnswer } from './answerCheck';
import type { CellRunner } from './cellRunner';
import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import { ModelAsker } from './modelAsker';
import type { ProtocolChoice } from './protocols/protocolChoice';
import { StepInQueue, deliverStepIns } from './stepIns';
import type { TurnNotes } from './turnNotes';
import { startTurn } from './turnStart';
import type { TurnState } from './turnState';

/**
 * One user turn, start to end: the prompt with its notes, then model requests and the actions of
 * their answers until the model answers without code, a limit or budget is reached or the user
 * stops it. Its `ModelAsker` asks again when an answer is cut off and keeps each request within
 * the budgets; `checkAnswer` decides how an answer without code ends the turn.
 */
export class TurnLoop {
  /**
   * Construct the loop of an agent's turns.
   *
   * @param options - the model, the agent's parts and its settings.
   */
  constructor(options: TurnLoop.IOptions) {
    this._options = options;
    this._asker = new ModelAsker(options);
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
      const delivered = deliverStepIns(stepIns, conversation, this._options.emit);
      turn.stepIns += delivered;
      if (delivered) {
        // The person's words are new input: the model's next answer is a new start.
        turn.failedRepeats = 0;
      }
      if (turn.failedRepeats >= Private.FAILED_REPEATS_LIMIT && turn.lastStatus !== 'ok') {
        return {
          outcome: 'gave-up',
          reason: `The model sent back code that had failed ${turn.failedRepeats} times; it is stuck on it.`
        };
      }
      if (turn.requests >= settings.maxModelRequests + turn.stepIns) {
        return {
          outcome: 'gave-up',
          reason: `The model was asked ${turn.requests} times in this turn, its limit; it may be looping.`
        };
      }
      let response: IModelResponse;
      try {
        response = await this._asker.ask(turn);
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
        const verdict = checkAnswer(response.content, turn, this._options);
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

  private _options: TurnLoop.IOptions;
  private _asker: ModelAsker;
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
   * How many times the model may send back code that failed before the turn ends. After the first
   * time its requests are sampled (ModelAsker), which sometimes gets it out; on DABench at
   * 4abaa57 the 1.5B that had not got out after three sampled answers sent the same code until
   * the turn's request limit or the context window ran out (questions 23 and 28: 8 and 6 times,
   * 12 and 10 minutes).
   */
  export const FAILED_REPEATS_LIMIT = 4;
}
