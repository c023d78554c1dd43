// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import { CellLink } from './cellLink';
import { CodeDiff } from './codeDiff';
import { DecisionButton, riskSentence } from './decisionButton';
import type { Transcript } from './transcript';

/**
 * The review of a revision of the person's own cell: what the agent proposes, as a diff against
 * their code (the cell is unchanged meanwhile), with Accept (the revision is written and runs;
 * it is the approval too) and Reject (their code stays). Once decided it says how, and its
 * buttons are disabled. Only the person's own clicks answer it.
 *
 * @param props - the review, the session that waits for the decision, and the translations.
 * @returns the card's element.
 */
export function RevisionReviewCard(props: RevisionReviewCard.IProps): React.ReactElement {
  const { entry, session, trans } = props;
  const pending = entry.state === 'pending';
  const question = {
    pending: trans.__('The agent proposes to change your cell. Accept runs it.') + riskSentence(trans, entry.risks),
    accepted: trans.__('Accepted: the revision was written and run.'),
    rejected: trans.__('Rejected: your code stays.'),
    'cell-changed': trans.__('The cell changed while this waited: the revision was not applied.'),
    'not-reviewed': trans.__('Not reviewed: the revision was not applied.')
  }[entry.state];
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-revision-review" data-state={entry.state}>
      <div className="jp-CodeInterpreter-question">{question}</div>{' '}
      <CellLink session={session} trans={trans} cellId={entry.request.cellId} />
      <CodeDiff
        previous={entry.request.review.previousCode}
        proposed={entry.request.review.proposedCode}
        ariaLabel={trans.__('Changes to your cell')}
      />
      <div className="jp-CodeInterpreter-buttons">
        <DecisionButton
          text={trans.__('Accept')}
          ariaLabel={trans.__('Accept the revision and run it')}
          className="jp-mod-accept jp-CodeInterpreter-accept"
          disabled={!pending}
          onClick={() => session?.answerReview(entry, { action: 'run' })}
        />
        <DecisionButton
          text={trans.__('Reject')}
          ariaLabel={trans.__('Reject the revision and keep your code')}
          className="jp-mod-reject jp-CodeInterpreter-reject"
          disabled={!pending}
          onClick={() => session?.answerReview(entry, { action: 'skip' })}
        />
      </div>
    </div>
  );
}

/**
 * The namespace for `RevisionReviewCard` types.
 */
export namespace RevisionReviewCard {
  /**
   * What a review card shows.
   */
  export interface IProps {
    /**
     * The review.
     */
    entry: Transcript.IRevisionReviewEntry;

    /**
     * The session whose turn waits for the decision.
     */
    session: AgentSession | null;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}
