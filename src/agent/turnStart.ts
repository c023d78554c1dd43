// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { CellNotFoundError } from '../notebook/notebookTarget';
import type { Conversation } from './conversation';
import type { AgentEvent } from './events';
import { needsCode } from './grounding';
import type { IAgentProtocol } from './protocols/protocol';
import { TurnNotes } from './turnNotes';
import { TurnState } from './turnState';

/**
 * Start a user turn: write its notes, start it in the conversation and set up its state from the
 * cells the person pointed at. A pointed-at cell that is gone ends the turn here, before the model
 * is asked anything.
 *
 * @param parts - the conversation, the notes, the protocol in use and where events go.
 * @param prompt - what the user asks.
 * @param signal - stops the turn.
 * @param request - the cells the person pointed at and what kind of help is asked.
 * @returns the turn's state, or why it ended at once.
 * @throws when the notes cannot be written for another reason.
 */
export async function startTurn(
  parts: IStartParts,
  prompt: string,
  signal: AbortSignal,
  request: TurnState.IRequest
): Promise<{ turn: TurnState; gone?: undefined } | { turn: TurnState; gone: string }> {
  const { conversation, notes, protocol, emit } = parts;
  const startedAt = new Date().toISOString();
  let written: TurnNotes.INotes;
  try {
    written = await notes.write(prompt, conversation.turns, request, protocol);
  } catch (error) {
    if (!(error instanceof CellNotFoundError)) {
      throw error;
    }
    const gone = `The cell you pointed at (${error.cellId}) is no longer in the notebook; nothing was done.`;
    const turn = new TurnState(conversation.startTurn(prompt, '', startedAt), signal, false, request);
    emit({ type: 'turn-start', turn: conversation.turns.length, prompt });
    emit({ type: 'warning', message: gone });
    // The turn is recorded, so the person sees it end with the reason; the conversation keeps a
    // user message and an answer in turn, as chat templates that check the order demand.
    conversation.append({ role: 'assistant', content: `(${gone})` });
    return { turn, gone };
  }
  // A turn that asks for an explanation runs nothing, so it cannot be faulted for running nothing.
  const codeNeeded = request.intent !== 'explain' && needsCode(prompt, TurnNotes.knownNames(written.inspection));
  const turn = new TurnState(conversation.startTurn(prompt, written.text, startedAt), signal, codeNeeded, request);
  turn.attachedShown = written.attached.flatMap(cell => [cell.source, cell.outputs]).filter(Boolean);
  if (request.intent !== 'explain') {
    const attachedCode = written.attached.filter(cell => cell.cellType === 'code');
    turn.pendingRevision = attachedCode[0]?.id;
    // A pointed-at cell that failed counts as code that failed in this turn: small models answer
    // a fix with the cell unchanged, which is told at once to change, not run to fail again.
    for (const cell of attachedCode.filter(code => code.status === 'error')) {
      turn.recordRun(cell.source, 'error', cell.outputs);
    }
  }
  emit({ type: 'turn-start', turn: conversation.turns.length, prompt });
  return { turn };
}

/**
 * What a turn is started with.
 */
export interface IStartParts {
  /**
   * The conversation.
   */
  conversation: Conversation;

  /**
   * The notes that go before the prompt.
   */
  notes: TurnNotes;

  /**
   * The protocol in use.
   */
  protocol: IAgentProtocol;

  /**
   * Where events go.
   */
  emit: (event: AgentEvent) => void;
}
