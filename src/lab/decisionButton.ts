// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';

import { describeRiskKind, type IRisk } from '../agent/riskyCode';

/**
 * A button of a card that decides for the person (run, skip, accept, reject), which only the
 * person's own click presses: a script in the page (an output or an extension calling `click()`
 * or dispatching an event) makes untrusted events, and must not be able to decide on the person's
 * behalf.
 *
 * @param options - its text, class, accessible label, state and action.
 * @returns the button.
 */
export function createDecisionButton(options: {
  text: string;
  className: string;
  ariaLabel?: string;
  disabled?: boolean;
  onClick: () => void;
}): HTMLButtonElement {
  const element = document.createElement('button');
  element.className = `jp-Button jp-mod-styled ${options.className}`;
  element.textContent = options.text;
  if (options.ariaLabel) {
    element.setAttribute('aria-label', options.ariaLabel);
  }
  element.disabled = options.disabled ?? false;
  element.addEventListener('click', event => {
    if (event.isTrusted && !element.disabled) {
      options.onClick();
    }
  });
  return element;
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
