// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import { DecisionButton } from './decisionButton';
import type { Transcript } from './transcript';

/**
 * The one question of the thorough effort: may K candidates run their code, unseen, in kernels
 * started for them, each in a copy of the notebook's folder? Run or Skip; once answered it says
 * how. Only the person's own clicks answer it.
 *
 * @param props - the approval, the session that waits for the answer, and the translations.
 * @returns the card's element.
 */
export function CandidatesApprovalCard(props: CandidatesApprovalCard.IProps): React.ReactElement {
  const { entry, session, trans } = props;
  const folder = entry.folder || trans.__('the server’s root folder');
  const pending = entry.state === 'pending';
  const text = pending
    ? trans._n(
        'Thorough effort: run %1 candidate answer? Its code runs without asking, in a new kernel of this notebook’s kernel spec working in a copy of %2 (your variables are not there); code your approval policy asks about is not run. The answer most candidates agree on then comes into your notebook, and its cells run in your kernel as your policy says.',
        'Thorough effort: run %1 candidate answers? Their code runs without asking, each in a new kernel of this notebook’s kernel spec working in a copy of %2 (your variables are not there); code your approval policy asks about is not run. The answer most candidates agree on then comes into your notebook, and its cells run in your kernel as your policy says.',
        entry.candidates,
        folder
      )
    : {
        run: trans.__('Candidates approved.'),
        skip: trans.__('Candidates skipped.'),
        cancelled: trans.__('Not answered: the turn stopped.'),
        pending: ''
      }[entry.state];
  return (
    <div
      className="jp-CodeInterpreter-entry jp-CodeInterpreter-approval jp-CodeInterpreter-candidates"
      data-state={entry.state}
    >
      <div className="jp-CodeInterpreter-question">{text}</div>
      {pending && (
        <div className="jp-CodeInterpreter-buttons">
          <DecisionButton
            text={trans.__('Run candidates')}
            className="jp-mod-accept jp-CodeInterpreter-approve"
            onClick={() => session?.answer(entry, { action: 'run' })}
          />
          <DecisionButton
            text={trans.__('Skip')}
            className="jp-mod-reject jp-CodeInterpreter-skip"
            onClick={() => session?.answer(entry, { action: 'skip' })}
          />
        </div>
      )}
    </div>
  );
}

/**
 * The namespace for `CandidatesApprovalCard` types.
 */
export namespace CandidatesApprovalCard {
  /**
   * What the card shows.
   */
  export interface IProps {
    /**
     * The approval of the set.
     */
    entry: Transcript.ICandidatesApprovalEntry;

    /**
     * The session whose turn waits for the answer.
     */
    session: AgentSession | null;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}
