// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { EditorView } from '@codemirror/view';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { AgentSession } from './agentSession';
import { createCellLink } from './cellLink';
import { createCodeDiff } from './codeDiff';
import { createDecisionButton, riskSentence } from './decisionButton';
import type { Transcript } from './transcript';

/**
 * The review of a revision of the person's own cell: what the agent proposes, as a diff against
 * their code (the cell is unchanged meanwhile), with Accept (the revision is written and runs;
 * it is the approval too) and Reject (their code stays). Once decided it says how, and its
 * buttons are disabled. Only the person's own clicks answer it.
 */
export class RevisionReviewCard extends Widget {
  /**
   * Construct the card.
   *
   * @param options - the session that waits for the decision, and the translations.
   */
  constructor(options: RevisionReviewCard.IOptions) {
    super();
    this._session = options.session;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Show the review as it is now.
   *
   * @param entry - the review.
   */
  render(entry: Transcript.IRevisionReviewEntry): void {
    const trans = this._trans;
    const node = this.node;
    this._destroyDiff();
    node.replaceChildren();
    node.dataset.state = entry.state;
    const question = document.createElement('div');
    question.className = 'jp-CodeInterpreter-question';
    const why = riskSentence(trans, entry.risks);
    question.textContent = {
      pending: trans.__('The agent proposes to change your cell. Accept runs it.') + why,
      accepted: trans.__('Accepted: the revision was written and run.'),
      rejected: trans.__('Rejected: your code stays.'),
      'cell-changed': trans.__('The cell changed while this waited: the revision was not applied.'),
      'not-reviewed': trans.__('Not reviewed: the revision was not applied.')
    }[entry.state];
    const link = createCellLink({ session: this._session, trans, cellId: entry.request.cellId });
    node.append(question, ' ', link);
    const diff = document.createElement('div');
    diff.className = 'jp-CodeInterpreter-diff';
    diff.setAttribute('aria-label', trans.__('Changes to your cell'));
    node.append(diff);
    this._diff = createCodeDiff({
      previous: entry.request.review.previousCode,
      proposed: entry.request.review.proposedCode,
      parent: diff
    });
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    const pending = entry.state === 'pending';
    const button = (text: string, ariaLabel: string, className: string, onClick: () => void) =>
      buttons.append(createDecisionButton({ text, ariaLabel, className, disabled: !pending, onClick }));
    const session = this._session;
    button(
      trans.__('Accept'),
      trans.__('Accept the revision and run it'),
      'jp-mod-accept jp-CodeInterpreter-accept',
      () => session?.answerReview(entry, { action: 'run' })
    );
    button(
      trans.__('Reject'),
      trans.__('Reject the revision and keep your code'),
      'jp-mod-reject jp-CodeInterpreter-reject',
      () => session?.answerReview(entry, { action: 'skip' })
    );
    node.append(buttons);
  }

  /**
   * Dispose of the card and its diff. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._destroyDiff();
    super.dispose();
  }

  private _destroyDiff(): void {
    this._diff?.destroy();
    this._diff = null;
  }

  private _session: AgentSession | null;
  private _trans: TranslationBundle;
  private _diff: EditorView | null = null;
}

/**
 * The namespace for `RevisionReviewCard` statics.
 */
export namespace RevisionReviewCard {
  /**
   * The options of a review card.
   */
  export interface IOptions {
    /**
     * The session whose turn waits for the decision.
     */
    session: AgentSession | null;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
