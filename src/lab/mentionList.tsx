// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IMentionCandidate, MentionPopup } from './mentionPopup';

/**
 * The mention list as the prompt box shows it, above its text area: the candidates (the chosen
 * one selected) or a message, hidden while the list is closed. A click writes the mention.
 *
 * @param props - the list's state, the prompt box and the translations.
 * @returns the list's element.
 */
export function MentionList(props: MentionList.IProps): React.ReactElement {
  const { popup, input, trans } = props;
  return (
    <ul
      className="jp-CodeInterpreter-mentions"
      role="listbox"
      aria-label={trans.__('Mention a variable, cell or file')}
      hidden={!popup.isOpen}
      // Pressing an item would blur the prompt box first and close the list.
      onMouseDown={event => event.preventDefault()}
    >
      {popup.message !== null || !popup.shown.length ? (
        <li className="jp-CodeInterpreter-mentionMessage">{popup.message}</li>
      ) : (
        popup.shown.map((candidate, index) => (
          <li
            key={`${candidate.kind}:${candidate.name}`}
            id={MentionList.optionId(index)}
            className="jp-CodeInterpreter-mention"
            role="option"
            aria-selected={index === popup.active}
            data-kind={candidate.kind}
            onClick={() => {
              const element = input();
              if (element) {
                popup.choose(candidate, element);
              }
            }}
          >
            <span className="jp-CodeInterpreter-mentionName">{candidate.name}</span>
            <span className="jp-CodeInterpreter-mentionDetail">{`${Private.kindLabel(candidate.kind, trans)} · ${candidate.detail}`}</span>
          </li>
        ))
      )}
    </ul>
  );
}

/**
 * The namespace for `MentionList` statics.
 */
export namespace MentionList {
  /**
   * What the list shows.
   */
  export interface IProps {
    /**
     * The list's state.
     */
    popup: MentionPopup;

    /**
     * The prompt box the mention is written into (`null` before it is rendered).
     */
    input: () => HTMLTextAreaElement | null;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;
  }

  /**
   * The element id of a shown candidate, which the text area names as its active descendant.
   *
   * @param index - the candidate's index among those shown.
   * @returns the id.
   */
  export function optionId(index: number): string {
    return `jp-CodeInterpreter-mention-${index}`;
  }
}

namespace Private {
  export function kindLabel(kind: IMentionCandidate['kind'], trans: TranslationBundle): string {
    switch (kind) {
      case 'variable':
        return trans.__('variable');
      case 'cell':
        return trans.__('cell');
      case 'file':
        return trans.__('file');
      case 'folder':
        return trans.__('folder');
    }
  }
}
