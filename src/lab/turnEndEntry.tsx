// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { TurnOutcome } from '../conversation/conversationRecord';
import type { AgentSession } from './agentSession';
import type { Transcript } from './transcript';

/**
 * The line that ends a turn: how it ended, and an Undo button while the turn can be undone (and
 * no other turn runs), or that it was undone.
 *
 * @param props - the turn's end, the session that can undo it, what to do with an error, and the
 *   translations.
 * @returns the line's element.
 */
export function TurnEndEntry(props: TurnEndEntry.IProps): React.ReactElement {
  const { entry, session, trans, onError } = props;
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-turn-end" data-outcome={entry.outcome}>
      <span className="jp-CodeInterpreter-outcome">
        {Private.describeOutcome(trans, entry.outcome, entry.reason, entry.executions)}
      </span>
      {entry.undone ? (
        <span className="jp-CodeInterpreter-undone">{` · ${trans.__('undone')}`}</span>
      ) : (
        session?.canUndo(entry) && (
          <>
            {' '}
            <Button
              type="button"
              className="jp-mod-styled jp-CodeInterpreter-undo"
              title={trans.__('Delete the cells this turn added and restore the cells it edited')}
              disabled={session.isRunning}
              onClick={() => {
                // A second click before the button leaves the page (React commits later).
                if (entry.undone) {
                  return;
                }
                try {
                  session.undo(entry);
                } catch (error) {
                  onError((error as Error).message);
                }
              }}
            >
              {trans.__('Undo')}
            </Button>
          </>
        )
      )}
    </div>
  );
}

/**
 * The namespace for `TurnEndEntry` types.
 */
export namespace TurnEndEntry {
  /**
   * What a turn's end shows.
   */
  export interface IProps {
    /**
     * The turn's end.
     */
    entry: Transcript.ITurnEndEntry;

    /**
     * The session that can undo the turn.
     */
    session: AgentSession | null;

    /**
     * Shows why an undo failed.
     */
    onError: (message: string) => void;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}

namespace Private {
  /**
   * One line saying how a turn ended.
   */
  export function describeOutcome(
    trans: TranslationBundle,
    outcome: TurnOutcome,
    reason: string | undefined,
    executions: number
  ): string {
    const runs = trans._n('%1 execution', '%1 executions', executions);
    switch (outcome) {
      case 'completed':
        return trans.__('Done (%1).', runs);
      case 'gave-up':
        return trans.__('Gave up: %1 (%2).', reason ?? trans.__('the last execution failed'), runs);
      case 'stopped':
        return trans.__('Stopped (%1).', runs);
      case 'budget-exhausted':
        return trans.__('Budget used up: %1', reason ?? '');
      case 'model-error':
        return trans.__('Model error: %1', reason ?? trans.__('the request failed'));
      case 'unverified':
        return trans.__('Not verified: %1 (%2).', reason ?? trans.__('the answer is not shown by any output'), runs);
    }
  }
}
