// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { Transcript } from './transcript';

/**
 * A message the person sent while a turn ran: their text, and whether the model has read it yet
 * ("will be read at the next step") or read it here. The note is a polite live region, so that a
 * screen reader says when the message was delivered.
 */
export class FeedbackEntry extends Widget {
  /**
   * Construct the message's view.
   *
   * @param options - the translations.
   */
  constructor(options: FeedbackEntry.IOptions = {}) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this._text = document.createElement('div');
    this._text.className = 'jp-CodeInterpreter-feedbackText';
    this._note = document.createElement('div');
    this._note.className = 'jp-CodeInterpreter-feedbackNote';
    this._note.setAttribute('role', 'status');
    this.node.append(this._text, this._note);
  }

  /**
   * Show the message as it is now.
   *
   * @param entry - the message.
   */
  render(entry: Transcript.IFeedbackEntry): void {
    this.node.dataset.state = entry.state;
    this._text.textContent = entry.text;
    this._note.textContent =
      entry.state === 'pending'
        ? this._trans.__('Sent during the turn: will be read at the next step')
        : this._trans.__('Read by the model at this step');
  }

  private _trans: TranslationBundle;
  private _text: HTMLDivElement;
  private _note: HTMLDivElement;
}

/**
 * The namespace for `FeedbackEntry` statics.
 */
export namespace FeedbackEntry {
  /**
   * The options of a message's view.
   */
  export interface IOptions {
    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
