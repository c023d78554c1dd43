// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { AgentSession } from './agentSession';
import type { Transcript } from './transcript';

/**
 * A conversation loaded from the notebook, in full: every message the agent would send after its
 * own system prompt, as plain text (never rendered as markdown, so nothing in it is hidden by
 * formatting), then the choice to continue it or start fresh.
 */
export class ReviewEntry extends Widget {
  /**
   * Construct the review.
   *
   * @param options - the session that waits for the choice, and the translations.
   */
  constructor(options: ReviewEntry.IOptions) {
    super();
    this._session = options.session;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Show the saved conversation.
   *
   * @param entry - the review.
   */
  render(entry: Transcript.IReviewEntry): void {
    const trans = this._trans;
    const node = this.node;
    node.replaceChildren();
    const notice = document.createElement('p');
    notice.className = 'jp-CodeInterpreter-review-notice';
    notice.textContent = trans.__(
      'This notebook holds a conversation (%1 turns) that was saved before this sidebar opened it, maybe by someone else. Below is all of it that would be sent to the model, after the code interpreter’s own instructions. Nothing is sent until you choose.',
      entry.turns
    );
    node.append(notice);
    if (entry.dropped) {
      const dropped = document.createElement('p');
      dropped.className = 'jp-CodeInterpreter-review-dropped';
      dropped.textContent = entry.dropped;
      node.append(dropped);
    }
    const list = document.createElement('ol');
    list.className = 'jp-CodeInterpreter-review-messages';
    for (const message of entry.messages) {
      const item = document.createElement('li');
      item.dataset.role = message.role;
      const role = document.createElement('strong');
      role.textContent = Private.describeRole(trans, message.role);
      const text = document.createElement('pre');
      text.textContent = [
        message.text,
        ...message.calls.map(call => trans.__('calls %1 with %2', call.name, call.arguments))
      ]
        .filter(Boolean)
        .join('\n');
      item.append(role, text);
      list.append(item);
    }
    node.append(list);
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    const button = (label: string, cls: string, onClick: () => void) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = `jp-Button jp-mod-styled ${cls}`;
      element.textContent = label;
      element.addEventListener('click', onClick);
      buttons.append(element);
    };
    button(trans.__('Continue this conversation'), 'jp-mod-accept jp-CodeInterpreter-review-continue', () =>
      this._session?.continueSaved()
    );
    button(trans.__('Start fresh'), 'jp-mod-reject jp-CodeInterpreter-review-fresh', () => this._session?.startFresh());
    node.append(buttons);
  }

  private _session: AgentSession | null;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `ReviewEntry` statics.
 */
export namespace ReviewEntry {
  /**
   * The options of a review.
   */
  export interface IOptions {
    /**
     * The session that holds the saved conversation.
     */
    session: AgentSession | null;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
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
