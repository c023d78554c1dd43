// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { AgentSession } from './agentSession';
import { createCellLink } from './cellLink';
import { createDecisionButton, riskSentence } from './decisionButton';
import type { Transcript } from './transcript';

/**
 * The question before the agent runs a cell: what it is (new or revised), why it asks (the risks
 * found, each with its line), the code, and Run, Skip and Edit. Once answered it says how. Only
 * the person's own clicks answer it.
 */
export class ApprovalCard extends Widget {
  /**
   * Construct the card.
   *
   * @param options - the session that waits for the answer, and the translations.
   */
  constructor(options: ApprovalCard.IOptions) {
    super();
    this._session = options.session;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Show the approval as it is now: pending with its form, or answered.
   *
   * @param entry - the approval.
   */
  render(entry: Transcript.IApprovalEntry): void {
    const trans = this._trans;
    const node = this.node;
    node.replaceChildren();
    node.dataset.state = entry.state;
    const question = document.createElement('div');
    question.className = 'jp-CodeInterpreter-question';
    const why = riskSentence(trans, entry.risks);
    question.textContent =
      entry.state === 'pending'
        ? (entry.request.kind === 'new' ? trans.__('Run this new cell?') : trans.__('Run this revised cell?')) + why
        : {
            run: trans.__('Approved.'),
            skip: trans.__('Skipped.'),
            edit: trans.__('Edited and run.'),
            cancelled: trans.__('Not answered: the turn stopped.'),
            pending: ''
          }[entry.state];
    const link = createCellLink({ session: this._session, trans, cellId: entry.request.cellId });
    node.append(question, ' ', link);
    if (entry.state !== 'pending') {
      return;
    }
    for (const risk of entry.risks) {
      const item = document.createElement('div');
      item.className = 'jp-CodeInterpreter-risk';
      item.textContent = trans.__('line %1: %2', risk.line, risk.match);
      node.append(item);
    }
    const code = document.createElement('textarea');
    code.className = 'jp-CodeInterpreter-approvalCode';
    code.value = entry.request.code;
    code.readOnly = true;
    code.rows = Math.min(12, entry.request.code.split('\n').length + 1);
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    const button = (text: string, className: string, onClick: () => void) =>
      buttons.appendChild(createDecisionButton({ text, className, onClick }));
    const session = this._session;
    button(trans.__('Run'), 'jp-mod-accept jp-CodeInterpreter-approve', () =>
      session?.answer(entry, { action: 'run' })
    );
    button(trans.__('Skip'), 'jp-mod-reject jp-CodeInterpreter-skip', () =>
      session?.answer(entry, { action: 'skip', reason: 'The user chose not to run this code.' })
    );
    const edit = button(trans.__('Edit'), 'jp-CodeInterpreter-edit', () => {
      if (code.readOnly) {
        code.readOnly = false;
        code.focus();
        edit.textContent = trans.__('Run edited');
      } else {
        session?.answer(entry, { action: 'edit', code: code.value });
      }
    });
    node.append(code, buttons);
  }

  private _session: AgentSession | null;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `ApprovalCard` statics.
 */
export namespace ApprovalCard {
  /**
   * The options of an approval card.
   */
  export interface IOptions {
    /**
     * The session whose turn waits for the answer.
     */
    session: AgentSession | null;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
