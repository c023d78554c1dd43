// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { PromptAttachments } from './promptAttachments';

/**
 * The cells attached to the next prompt, as chips above the prompt box, each with a remove
 * button, and the notice of attachments dropped with their cells. Hidden when there is neither.
 *
 * @param props - the attachments and the translations.
 * @returns the chips' element.
 */
export function AttachmentChips(props: AttachmentChips.IProps): React.ReactElement {
  const { attachments, trans } = props;
  return (
    <UseSignal signal={attachments.changed}>
      {() => {
        const chips = attachments.chips;
        const notice = attachments.notice;
        return (
          <div className="jp-CodeInterpreter-chips" data-count={chips.length} hidden={!chips.length && !notice}>
            <ul className="jp-CodeInterpreter-chipList" aria-label={trans.__('Cells attached to the prompt')}>
              {chips.map(chip => (
                <li key={chip.cellId} className="jp-CodeInterpreter-chip" data-cell-id={chip.cellId}>
                  <span className="jp-CodeInterpreter-chipLabel" title={chip.title}>
                    {chip.label}
                  </span>
                  <button
                    type="button"
                    className="jp-CodeInterpreter-chipRemove"
                    aria-label={trans.__('Remove %1 from the prompt', chip.label)}
                    title={trans.__('Remove from the prompt')}
                    onClick={() => attachments.remove(chip.cellId)}
                  >
                    <closeIcon.react tag={null} elementSize="small" />
                  </button>
                </li>
              ))}
            </ul>
            <div className="jp-CodeInterpreter-chipsNotice" role="status">
              {notice}
            </div>
          </div>
        );
      }}
    </UseSignal>
  );
}

/**
 * The namespace for `AttachmentChips` types.
 */
export namespace AttachmentChips {
  /**
   * What the chips show.
   */
  export interface IProps {
    /**
     * The cells attached to the next prompt.
     */
    attachments: PromptAttachments;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }
}
