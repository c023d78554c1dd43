// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import { CellLink } from './cellLink';
import { CodeDiff } from './codeDiff';
import type { Transcript } from './transcript';

/**
 * One step of a turn in the sidebar (a cell written, run, revised, a warning): its label, a link
 * to its cell, its detail, the attempt it is, and its code folded away. It shows the step entry's
 * typed fields as they are.
 *
 * @param props - the step, the session whose notebook it works on, and the translations.
 * @returns the step's element.
 */
export function StepEntry(props: StepEntry.IProps): React.ReactElement {
  const { entry, session, trans } = props;
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-step" data-state={entry.state}>
      <span className="jp-CodeInterpreter-stepLabel">{entry.label}</span>
      {entry.cellId && (
        <>
          {' '}
          <CellLink
            session={session}
            trans={trans}
            cellId={entry.cellId}
            executionCount={entry.executionCount}
            running={entry.state === 'running'}
          />
        </>
      )}
      {entry.detail && <span className="jp-CodeInterpreter-stepDetail">{`: ${entry.detail}`}</span>}
      {entry.attempt !== undefined && entry.maxAttempts !== undefined && (
        <>
          {' '}
          <span className="jp-CodeInterpreter-attempt">
            {trans.__('attempt %1 of %2', entry.attempt, entry.maxAttempts)}
          </span>
        </>
      )}
      {entry.previousCode !== undefined && entry.code !== undefined && (
        <Private.Changes previous={entry.previousCode} proposed={entry.code} trans={trans} />
      )}
      {entry.code && (
        <details>
          <summary>{trans.__('code')}</summary>
          <pre>{entry.code}</pre>
        </details>
      )}
    </div>
  );
}

/**
 * The namespace for `StepEntry` types.
 */
export namespace StepEntry {
  /**
   * What a step's view shows.
   */
  export interface IProps {
    /**
     * The step.
     */
    entry: Transcript.IStepEntry;

    /**
     * The session whose notebook the step works on (its cell links lead there).
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
   * A revision's diff, folded away and made when first opened (an editor per step is costly).
   */
  export function Changes(props: { previous: string; proposed: string; trans: TranslationBundle }): React.ReactElement {
    const [opened, setOpened] = React.useState(false);
    return (
      <details
        className="jp-CodeInterpreter-changes"
        onToggle={event => {
          if (event.currentTarget.open) {
            setOpened(true);
          }
        }}
      >
        <summary>{props.trans.__('changes')}</summary>
        {opened ? (
          <CodeDiff previous={props.previous} proposed={props.proposed} />
        ) : (
          <div className="jp-CodeInterpreter-diff" />
        )}
      </details>
    );
  }
}
