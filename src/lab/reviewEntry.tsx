// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import type { Transcript } from './transcript';

/**
 * A conversation loaded from the notebook, in full: every message the agent would send after its
 * own system prompt, as plain text (never rendered as markdown, so nothing in it is hidden by
 * formatting), then the choice to continue it or start fresh.
 *
 * @param props - the review, the session that waits for the choice, and the translations.
 * @returns the review's element.
 */
export function ReviewEntry(props: ReviewEntry.IProps): React.ReactElement {
  const { entry, session, trans } = props;
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-review">
      <p className="jp-CodeInterpreter-review-notice">
        {trans.__(
          'This notebook holds a conversation (%1 turns) that was saved before this sidebar opened it, maybe by someone else. Below is all of it that would be sent to the model, after the code interpreter’s own instructions. Nothing is sent until you choose.',
          entry.turns
        )}
      </p>
      {entry.dropped && <p className="jp-CodeInterpreter-review-dropped">{entry.dropped}</p>}
      <ol className="jp-CodeInterpreter-review-messages">
        {entry.messages.map((message, index) => (
          <li key={index} data-role={message.role}>
            <strong>{Private.describeRole(trans, message.role)}</strong>
            <pre>
              {[message.text, ...message.calls.map(call => trans.__('calls %1 with %2', call.name, call.arguments))]
                .filter(Boolean)
                .join('\n')}
            </pre>
          </li>
        ))}
      </ol>
      <div className="jp-CodeInterpreter-buttons">
        <Button
          type="button"
          className="jp-mod-styled jp-mod-accept jp-CodeInterpreter-review-continue"
          onClick={() => session?.continueSaved()}
        >
          {trans.__('Continue this conversation')}
        </Button>
        <Button
          type="button"
          className="jp-mod-styled jp-mod-reject jp-CodeInterpreter-review-fresh"
          onClick={() => session?.startFresh()}
        >
          {trans.__('Start fresh')}
        </Button>
      </div>
    </div>
  );
}

/**
 * The namespace for `ReviewEntry` types.
 */
export namespace ReviewEntry {
  /**
   * What a review shows.
   */
  export interface IProps {
    /**
     * The saved conversation.
     */
    entry: Transcript.IReviewEntry;

    /**
     * The session that holds the saved conversation.
     */
    session: AgentSession | null;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}

namespace Private {
  /**
   * The label of a message's role in the review of a saved conversation.
   */
  export function describeRole(trans: TranslationBundle, role: Transcript.IReviewMessage['role']): string {
    switch (role) {
      case 'user':
        return trans.__('Sent as the user:');
      case 'assistant':
        return trans.__('Sent as the model’s answer:');
      case 'tool':
        return trans.__('Sent as a tool result:');
    }
  }
}
