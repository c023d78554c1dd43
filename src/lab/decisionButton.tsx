// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { describeRiskKind, type IRisk } from '../agent/riskyCode';

/**
 * A button of a card that decides for the person (run, skip, accept, reject), which only the
 * person's own click presses: a script in the page (an output or an extension calling `click()`
 * or dispatching an event) makes untrusted events, and must not be able to decide on the person's
 * behalf.
 *
 * @param props - its text, class, accessible label, state and action.
 * @returns the button.
 */
export function DecisionButton(props: DecisionButton.IProps): React.ReactElement {
  const { text, className, ariaLabel, disabled, onClick } = props;
  return (
    <Button
      type="button"
      className={`jp-mod-styled ${className}`}
      aria-label={ariaLabel}
      disabled={disabled ?? false}
      onClick={event => {
        if (event.nativeEvent.isTrusted && !disabled) {
          onClick();
        }
      }}
    >
      {text}
    </Button>
  );
}

/**
 * The namespace for `DecisionButton` types.
 */
export namespace DecisionButton {
  /**
   * What the button says and does.
   */
  export interface IProps {
    text: string;
    className: string;
    ariaLabel?: string;
    disabled?: boolean;
    onClick: () => void;
  }
}

/**
 * Why a card asks: the kinds of the risks found in the code, as a sentence to follow its question.
 *
 * @param trans - the translations.
 * @param risks - the risks found (none: no sentence).
 * @returns the sentence with a leading space, or an empty string.
 */
export function riskSentence(trans: TranslationBundle, risks: readonly IRisk[]): string {
  return risks.length
    ? ' ' + trans.__('It %1.', [...new Set(risks.map(risk => describeRiskKind(risk.kind)))].join(', '))
    : '';
}
