// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Transcript } from './transcript';

/**
 * A message the person sent while a turn ran: their text, and whether the model has read it yet
 * ("will be read at the next step") or read it here. The note is a polite live region, so that a
 * screen reader says when the message was delivered.
 *
 * @param props - the message and the translations.
 * @returns the message's element.
 */
export function FeedbackEntry(props: FeedbackEntry.IProps): React.ReactElement {
  const { entry, trans } = props;
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-feedback" data-state={entry.state}>
      <div className="jp-CodeInterpreter-feedbackText">{entry.text}</div>
      <div className="jp-CodeInterpreter-feedbackNote" role="status">
        {entry.state === 'pending'
          ? trans.__('Sent during the turn: will be read at the next step')
          : trans.__('Read by the model at this step')}
      </div>
    </div>
  );
}

/**
 * The namespace for `FeedbackEntry` types.
 */
export namespace FeedbackEntry {
  /**
   * What a message's view shows.
   */
  export interface IProps {
    /**
     * The message.
     */
    entry: Transcript.IFeedbackEntry;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}
