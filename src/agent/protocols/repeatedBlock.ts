// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { EXECUTION_RESULT_PREFIX } from '../../model/textProtocol';
import { noteOnRepeat } from '../repeatedCode';
import type { TurnState } from '../turnState';
import type { IAnswerActions, IProtocolContext } from './protocol';

/**
 * The model answered with a code block that already ran in this turn: it is not run again, and
 * the model is asked to answer from the result it has (or to change code that failed); the second
 * repeat of code that succeeded ends the turn.
 *
 * @param turn - the running turn.
 * @param code - the block's code.
 * @param context - the conversation and events.
 * @returns no actions, and whether to ask the model again.
 */
export function repeatedBlock(turn: TurnState, code: string, context: IProtocolContext): IAnswerActions {
  const { note, failed } = noteOnRepeat(turn, code, event => context.emit(event));
  if (!failed && turn.repeats >= 2) {
    return { actions: [] };
  }
  context.conversation.append({ role: 'user', content: `${EXECUTION_RESULT_PREFIX}${note}` });
  return { actions: [], askAgain: true };
}
