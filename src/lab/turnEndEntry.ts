// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { TurnOutcome } from '../conversation/conversationRecord';
import type { AgentSession } from './agentSession';
import type { Transcript } from './transcript';

/**
 * The line that ends a turn: how it ended, and an Undo button while the turn can be undone (and
 * no other turn runs), or that it was undone.
 */
export class TurnEndEntry extends Widget {
  /**
   * Construct the line.
   *
   * @param options - the session that can undo the turn, what to do with an error, translations.
   */
  constructor(options: TurnEndEntry.IOptions) {
    super();
    this._session = options.session;
    this._onError = options.onError;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Show the turn's end as it is now (render again when a turn starts or ends: Undo waits).
   *
   * @param entry - the turn's end.
   */
  render(entry: Transcript.ITurnEndEntry): void {
    const trans = this._trans;
    const node = this.node;
    node.replaceChildren();
    node.dataset.outcome = entry.outcome;
    const text = document.createElement('span');
    text.className = 'jp-CodeInterpreter-outcome';
    text.textContent = Private.describeOutcome(trans, entry.outcome, entry.reason, entry.executions);
    node.append(text);
    const session = this._session;
    if (entry.undone) {
      const undone = document.createElement('span');
      undone.className = 'jp-CodeInterpreter-undone';
      undone.textContent = ` · ${trans.__('undone')}`;
      node.append(undone);
    } else if (session?.canUndo(entry)) {
      const undo = document.createElement('button');
      undo.className = 'jp-Button jp-mod-styled jp-CodeInterpreter-undo';
      undo.textContent = trans.__('Undo');
      undo.title = trans.__('Delete the cells this turn added and restore the cells it edited');
      undo.disabled = session.isRunning;
      undo.addEventListener('click', () => {
        try {
          session.undo(entry);
        } catch (error) {
          this._onError((error as Error).message);
        }
      });
      node.append(' ', undo);
    }
  }

  private _session: AgentSession | null;
  private _onError: (message: string) => void;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `TurnEndEntry` statics.
 */
export namespace TurnEndEntry {
  /**
   * The options of a turn's end.
   */
  export interface IOptions {
    /**
     * The session that can undo the turn.
     */
    session: AgentSession | null;

    /**
     * Shows why an undo failed.
     */
    onError: (message: string) => void;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
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
