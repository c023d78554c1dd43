// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import { CellLink } from './cellLink';
import { DecisionButton, riskSentence } from './decisionButton';
import type { Transcript } from './transcript';

/**
 * The question before the agent runs a cell: what it is (new or revised), why it asks (the risks
 * found, each with its line), the code, and Run, Skip and Edit. Once answered it says how. Only
 * the person's own clicks answer it.
 *
 * @param props - the approval, the session that waits for the answer, and the translations.
 * @returns the card's element.
 */
export function ApprovalCard(props: ApprovalCard.IProps): React.ReactElement {
  const { entry, session, trans } = props;
  const pending = entry.state === 'pending';
  const question = pending
    ? (entry.request.kind === 'new' ? trans.__('Run this new cell?') : trans.__('Run this revised cell?')) +
      riskSentence(trans, entry.risks)
    : {
        run: trans.__('Approved.'),
        skip: trans.__('Skipped.'),
        edit: trans.__('Edited and run.'),
        cancelled: trans.__('Not answered: the turn stopped.'),
        pending: ''
      }[entry.state];
  return (
    <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-approval" data-state={entry.state}>
      <div className="jp-CodeInterpreter-question">{question}</div>{' '}
      <CellLink session={session} trans={trans} cellId={entry.request.cellId} />
      {pending && <Private.Form entry={entry} session={session} trans={trans} />}
    </div>
  );
}

/**
 * The namespace for `ApprovalCard` types.
 */
export namespace ApprovalCard {
  /**
   * What an approval card shows.
   */
  export interface IProps {
    /**
     * The approval.
     */
    entry: Transcript.IApprovalEntry;

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

namespace Private {
  /**
   * The Edit state and edited code of each pending approval.
   */
  const drafts = new WeakMap<Transcript.IApprovalEntry, { editing: boolean; code: string }>();

  /**
   * The pending card's risks, its code (read-only until Edit) and its buttons.
   */
  export function Form(props: ApprovalCard.IProps): React.ReactElement {
    const { entry, session, trans } = props;
    // Kept per approval, outside the component: the widget unmounts its React tree when the
    // sidebar is detached (moved to the other side), and the person's edit must survive that.
    const draft = drafts.get(entry) ?? { editing: false, code: entry.request.code };
    const [editing, setEditingState] = React.useState(draft.editing);
    const [code, setCodeState] = React.useState(draft.code);
    const setEditing = (value: boolean) => {
      drafts.set(entry, { editing: value, code });
      setEditingState(value);
    };
    const setCode = (value: string) => {
      drafts.set(entry, { editing, code: value });
      setCodeState(value);
    };
    const codeArea = React.useRef<HTMLTextAreaElement>(null);
    React.useEffect(() => {
      if (editing) {
        codeArea.current?.focus();
      }
    }, [editing]);
    return (
      <>
        {entry.risks.map((risk, index) => (
          <div key={index} className="jp-CodeInterpreter-risk">
            {trans.__('line %1: %2', risk.line, risk.match)}
          </div>
        ))}
        <textarea
          ref={codeArea}
          className="jp-CodeInterpreter-approvalCode"
          value={code}
          readOnly={!editing}
          rows={Math.min(12, entry.request.code.split('\n').length + 1)}
          onChange={event => setCode(event.target.value)}
        />
        <div className="jp-CodeInterpreter-buttons">
          <DecisionButton
            text={trans.__('Run')}
            className="jp-mod-accept jp-CodeInterpreter-approve"
            onClick={() => session?.answer(entry, { action: 'run' })}
          />
          <DecisionButton
            text={trans.__('Skip')}
            className="jp-mod-reject jp-CodeInterpreter-skip"
            onClick={() => session?.answer(entry, { action: 'skip', reason: 'The user chose not to run this code.' })}
          />
          <DecisionButton
            text={editing ? trans.__('Run edited') : trans.__('Edit')}
            className="jp-CodeInterpreter-edit"
            onClick={() => (editing ? session?.answer(entry, { action: 'edit', code }) : setEditing(true))}
          />
        </div>
      </>
    );
  }
}
