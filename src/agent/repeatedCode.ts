// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelAction } from '../model/actions';
import type { AgentEvent } from './events';
import type { TurnState } from './turnState';

/**
 * What the model is told when it answers with code that already ran in the turn.
 */
export const REPEAT_NOTE =
  'This code already ran in this turn; its result is above, and it was not run again. Answer the request from that result, or write different code if it needs more.';

/**
 * The actions, with executions of code that already ran in this turn replaced by `repeat`: small
 * models answer a success with the same code again, which would add the same cell once more.
 * Code that failed is not run again either; the `repeat` answer says it failed.
 *
 * @param actions - the answer's actions.
 * @param turn - the running turn.
 * @returns the actions to carry out.
 */
export function withoutRepeats(actions: ModelAction[], turn: TurnState): ModelAction[] {
  return actions.map(action =>
    (action.kind === 'execute' || action.kind === 'edit') && turn.hasRun(action.code)
      ? { kind: 'repeat', code: action.code, toolCallId: action.toolCallId }
      : action
  );
}

/**
 * What the model is told of code it sent again, which is not run again: that it failed (never
 * "already ran" for code that failed: the model must change it), or that it ran, which counts as
 * a repeat of the turn.
 *
 * @param turn - the running turn.
 * @param code - the code sent again.
 * @param emit - where the warning goes.
 * @returns the note, and whether the code had failed.
 */
export function noteOnRepeat(
  turn: TurnState,
  code: string,
  emit: (event: AgentEvent) => void
): { note: string; failed: boolean } {
  const failed = turn.failedRunNote(code);
  if (failed) {
    turn.failedRepeats++;
    emit({ type: 'warning', message: 'The model sent again code that failed; it was not run again.' });
    return { note: failed, failed: true };
  }
  turn.repeats++;
  emit({ type: 'warning', message: 'The model repeated code that already ran; it was not run again.' });
  return { note: REPEAT_NOTE, failed: false };
}
