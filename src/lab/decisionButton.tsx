// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { describeRiskKind, type IRisk } from '../agent/riskyCode';

/**
 * A button of a card that decides for the person (run, skip, accept, reject), which only the
 * person's own click presses: a script in the page (an output or an extension calling `click()`
 * or dispatching an event) makes untrusted events, and must not be able to decide on the person's
 * behalf.
 *
 * Why a plain `button` with a native listener, not ui-components' `Button` with `onClick`: React
 * keeps a rendered element's props on the element itself, where a script in the page can call the
 * `onClick` with an event it made up (`isTrusted: true` included); a listener added with
 * `addEventListener` is reachable from no element and gets only the browser's events.
 *
 * @param props - its text, class, accessible label, state and action.
 * @returns the button.
 */
export function DecisionButton(props: DecisionButton.IProps): React.ReactElement {
  const { text, className, ariaLabel, disabled, onClick } = props;
  const button = React.useRef<HTMLButtonElement>(null);
  const action = React.useRef(onClick);
  React.useLayoutEffect(() => {
    action.current = onClick;
  });
  React.useEffect(() => {
    const element = button.current;
    if (!element) {
      return;
    }
    const listener = (event: MouseEvent): void => {
      if (event.isTrusted && !element.disabled) {
        action.current();
      }
    };
    element.addEventListener('click', listener);
    return () => element.removeEventListener('click', listener);
  }, []);
  return (
    <button
      ref={button}
      type="button"
      className={`jp-Button jp-mod-styled ${className}`}
      aria-label={ariaLabel}
      disabled={disabled ?? false}
    >
      {text}
    </button>
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
    /**
     * Its text.
     */
    text: string;

    /**
     * Its classes, after `jp-Button jp-mod-styled`.
     */
    className: string;

    /**
     * Its accessible label, when the text does not say enough.
     */
    ariaLabel?: string;

    /**
     * Whether it is disabled (the decision was made).
     */
    disabled?: boolean;

    /**
     * What the person's click does.
     */
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
