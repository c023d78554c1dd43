// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Agent } from '../agent/agent';
import type { Transcript } from './transcript';

/**
 * The messages a person sent to a notebook's running turn, from the moment they press Send until
 * the model reads them or the turn hands them back. Each shows in the transcript as pending; the
 * transcript moves it to where it was delivered when the agent says so (`feedback-delivered`).
 *
 * A message is given to the agent's running turn at once; while there is none yet (the session
 * waits for the notebook before the agent runs) it waits here and is given when the turn starts.
 * The agent delivers messages in the order it took them, so the oldest one here is always the one
 * delivered.
 */
export class StepInMessages {
  /**
   * Construct the list of a session.
   *
   * @param transcript - where the messages show.
   */
  constructor(transcript: Transcript) {
    this._transcript = transcript;
  }

  /**
   * Whether messages wait for the model.
   */
  get hasWaiting(): boolean {
    return this._waiting.length > 0;
  }

  /**
   * Take a message the person sent during a turn.
   *
   * @param text - what they wrote.
   * @param agent - the session's agent, if it has one (its turn may not be running yet).
   */
  send(text: string, agent: Agent | null): void {
    const entry = this._transcript.add<Transcript.IFeedbackEntry>({ kind: 'feedback', text, state: 'pending' });
    this._waiting.push({ entry, given: agent?.stepIn(text) ?? false });
  }

  /**
   * Give the agent whose turn just started the messages sent before it ran.
   *
   * @param agent - the agent, its turn running.
   */
  giveWaiting(agent: Agent): void {
    for (const message of this._waiting) {
      message.given ||= agent.stepIn(message.entry.text);
    }
  }

  /**
   * The agent delivered the oldest message (the transcript has moved its entry already).
   */
  delivered(): void {
    this._waiting.shift();
  }

  /**
   * Take back, at the end of a turn, the messages the model never read: their pending entries
   * leave the transcript.
   *
   * @returns their texts, oldest first.
   */
  takeBack(): string[] {
    const left = this._waiting.splice(0);
    for (const { entry } of left) {
      this._transcript.remove(entry);
    }
    return left.map(({ entry }) => entry.text);
  }

  private _transcript: Transcript;
  private _waiting: { entry: Transcript.IFeedbackEntry; given: boolean }[] = [];
}
