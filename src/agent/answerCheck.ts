// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import { checkGrounding } from './grounding';
import type { TurnState } from './turnState';

/**
 * How a turn whose model answered without code goes on: it ends `completed` or `unverified`, or
 * the model is asked again (`ask-again`) to compute what its answer states.
 */
export type AnswerVerdict =
  | { outcome: 'completed' }
  | { outcome: 'unverified'; ungrounded: string[]; reason: string }
  | 'ask-again';

/**
 * What the answer's check works with.
 */
export interface IAnswerCheckOptions {
  /**
   * The conversation: its outputs are the evidence, and the re-ask goes into it.
   */
  conversation: Conversation;

  /**
   * The turn's limits: the model is asked again only within them.
   */
  settings: { readonly maxModelRequests: number; readonly maxAttempts: number };

  /**
   * Where the `ungrounded-answer` event goes.
   */
  emit: (event: AgentEvent) => void;
}

/**
 * Decide how a turn whose model answered without code ends: `completed` when every figure the
 * answer states is shown by an output (or is in the prompt) and a question about data ran code;
 * otherwise the model is asked once to compute and print it, and then the turn is `unverified`.
 *
 * @param answer - the model's answer, without code.
 * @param turn - the turn's state (its prompt, attached cells, executions, requests).
 * @param options - the conversation, the limits and where events go.
 * @returns the turn's ending, or `ask-again` when the request to compute it was appended.
 */
export function checkAnswer(answer: string, turn: TurnState, options: IAnswerCheckOptions): AnswerVerdict {
  const { conversation, settings, emit } = options;
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

namespace Private {
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
