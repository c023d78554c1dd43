// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { AttachmentChips } from './attachmentChips';
import { MentionPopup, type IMentionCandidate } from './mentionPopup';

/**
 * The prompt box: the chips of the cells attached to the prompt (when given), a text area (Enter
 * sends, Shift+Enter makes a new line, `@` opens the mention list), Send, and Stop while a turn
 * runs. While a turn runs the box stays editable and Send sends the message to the running turn
 * (`IOptions.send` decides where it goes). A prompt that cannot be sent comes back in the box
 * unless another was typed meanwhile.
 */
export class PromptBox extends Widget {
  /**
   * Construct the prompt box.
   *
   * @param options - what sending and stopping do, the mention candidates, the translations.
   */
  constructor(options: PromptBox.IOptions) {
    super();
    const translator = options.translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_code_interpreter');
    this._trans = trans;
    this._options = options;
    this.addClass('jp-CodeInterpreter-composer');
    const input = document.createElement('textarea');
    input.className = 'jp-CodeInterpreter-input';
    input.rows = 3;
    input.placeholder = trans.__('Ask the code interpreter… (Enter to send, Shift+Enter for a new line)');
    this._mentions = new MentionPopup({ input, candidates: options.candidates, translator });
    input.addEventListener('keydown', event => {
      if (this._mentions.handleKey(event)) {
        return;
      }
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        event.stopPropagation();
        this._send();
      }
    });
    const send = document.createElement('button');
    send.className = 'jp-Button jp-mod-styled jp-mod-accept jp-CodeInterpreter-send';
    send.addEventListener('click', () => this._send());
    const stop = document.createElement('button');
    stop.className = 'jp-Button jp-mod-styled jp-mod-warn jp-CodeInterpreter-stop';
    stop.textContent = trans.__('Stop');
    stop.title = trans.__('Stop the model and interrupt the running cell');
    stop.addEventListener('click', () => options.stop());
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    buttons.append(send, stop);
    // The chips are a widget of their own (a layout keeps their attach messages right); they come
    // first, the plain elements after them.
    const layout = new PanelLayout();
    this.layout = layout;
    if (options.chips) {
      layout.addWidget(options.chips);
    }
    this.node.append(this._mentions.node, input, buttons);
    this._input = input;
    this._sendButton = send;
    this._stopButton = stop;
    this.setRunning(false);
  }

  /**
   * Dispose of the prompt box and its mention list. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._mentions.dispose();
    super.dispose();
  }

  /**
   * Offer Stop while a turn runs, and Send always: while a turn runs it sends to that turn.
   *
   * @param running - whether a turn runs.
   */
  setRunning(running: boolean): void {
    this._stopButton.hidden = !running;
    this._sendButton.textContent = running ? this._trans.__('Send to the running turn') : this._trans.__('Send');
    this._sendButton.title = running
      ? this._trans.__('The model reads it at its next step, after the running cell ends')
      : '';
  }

  /**
   * Give back text the person wrote that was not sent (messages of a stopped turn), before what
   * the box holds now.
   *
   * @param text - the text.
   */
  restoreText(text: string): void {
    const current = this._input.value.trim();
    this._input.value = current ? `${text}\n\n${current}` : text;
  }

  /**
   * Put text in the box.
   *
   * @param text - the text.
   */
  setDraft(text: string): void {
    this._input.value = text;
  }

  /**
   * Focus the box.
   */
  focusInput(): void {
    this._input.focus();
  }

  private _send(): void {
    const prompt = this._input.value.trim();
    if (!prompt) {
      return;
    }
    this._input.value = '';
    this._options.send(prompt).catch(error => {
      // Nothing the user wrote is lost: the prompt comes back unless they typed a new one.
      if (!this._input.value) {
        this._input.value = prompt;
      }
      this._options.onError((error as Error).message);
    });
  }

  private _options: PromptBox.IOptions;
  private _mentions: MentionPopup;
  private _input: HTMLTextAreaElement;
  private _sendButton: HTMLButtonElement;
  private _stopButton: HTMLButtonElement;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `PromptBox` statics.
 */
export namespace PromptBox {
  /**
   * The options of the prompt box.
   */
  export interface IOptions {
    /**
     * Sends a prompt, or a message to the running turn; rejects when it could not be sent.
     */
    send: (prompt: string) => Promise<unknown>;

    /**
     * Stops the running turn.
     */
    stop: () => void;

    /**
     * Reads what can be mentioned now.
     */
    candidates: () => Promise<IMentionCandidate[]>;

    /**
     * Shows why a prompt could not be sent.
     */
    onError: (message: string) => void;

    /**
     * The cells attached to the next prompt, shown above the text area; the box only hosts them.
     */
    chips?: AttachmentChips;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
