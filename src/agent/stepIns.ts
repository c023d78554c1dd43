// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Conversation } from './conversation';
import type { AgentEvent } from './events';

/**
 * The messages the person sends while a turn runs ("stepping in"), waiting for the turn's next
 * step. One queue serves one turn.
 *
 * Every message offered while the queue is open leaves it exactly once: either the loop takes it
 * before a model request (it is delivered, and the loop emits `feedback-delivered`), or the turn
 * ends with it still waiting and `close()` hands it back to the caller. After `close()` nothing is
 * accepted, so the caller keeps what it offers then. The agent runs on one thread and each of
 * these methods is synchronous, so no message can fall between a take and a close.
 */
export class StepInQueue {
  /**
   * Offer a message for the turn's next step.
   *
   * @param text - what the person wrote.
   * @returns whether it was queued; `false` once the turn has ended.
   */
  offer(text: string): boolean {
    if (!this._open) {
      return false;
    }
    this._waiting.push(text);
    return true;
  }

  /**
   * Take every waiting message, oldest first, for delivery now.
   *
   * @returns the messages (empty when none waits or the queue is closed).
   */
  take(): string[] {
    return this._waiting.splice(0);
  }

  /**
   * Close the queue at the end of the turn. Safe to call more than once.
   *
   * @returns the messages that were never delivered, oldest first (empty on a second call).
   */
  close(): string[] {
    this._open = false;
    return this._waiting.splice(0);
  }

  private _open = true;
  private _waiting: string[] = [];
}

/**
 * How a message the person sent during a turn is put to the model. The same words serve both
 * protocols: the message is the person's, not a result, and each protocol reads it as the user's
 * text after the results of its last step.
 *
 * @param text - what the person wrote.
 * @returns the text the model reads.
 */
export function stepInText(text: string): string {
  return `Message from the user, sent while you were working (take it into account in your next step):\n${text}`;
}

/**
 * Give the model the messages the person sent since the last step, oldest first: each goes into
 * the conversation after the step's results, with a `feedback-delivered` event.
 *
 * @param queue - the turn's messages.
 * @param conversation - the conversation (every tool call of the last answer already answered).
 * @param emit - where the events go.
 * @returns how many were delivered.
 */
export function deliverStepIns(
  queue: StepInQueue,
  conversation: Conversation,
  emit: (event: AgentEvent) => void
): number {
  const texts = queue.take();
  for (const text of texts) {
    conversation.addStepIn(stepInText(text));
    emit({ type: 'feedback-delivered', text });
  }
  return texts.length;
}
