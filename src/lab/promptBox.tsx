// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { AttachmentChips } from './attachmentChips';
import { MentionList } from './mentionList';
import { MentionPopup, type IMentionCandidate } from './mentionPopup';
import type { PromptAttachments } from './promptAttachments';

/**
 * The prompt box: the chips of the cells attached to the prompt (when given), a text area (Enter
 * sends, Shift+Enter makes a new line, `@` opens the mention list), Send, and Stop while a turn
 * runs. While a turn runs the box stays editable and Send sends the message to the running turn
 * (`IOptions.send` decides where it goes). A prompt that cannot be sent comes back in the box
 * unless another was typed meanwhile. The text area is not bound to React state: what the person
 * types stays in the element, and `setDraft` and `restoreText` write into it.
 */
export class PromptBox extends ReactWidget {
  /**
   * Construct the prompt box.
   *
   * @param options - what sending and stopping do, the mention candidates, the translations.
   */
  constructor(options: PromptBox.IOptions) {
    super();
    const translator = options.translator ?? nullTranslator;
    this._trans = translator.load('jupyterlab_code_interpreter');
    this._options = options;
    this.addClass('jp-CodeInterpreter-composer');
    this._mentions = new MentionPopup({ candidates: options.candidates, translator });
    this._mentions.changed.connect(this.update, this);
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
    this._running = running;
    this.update();
  }

  /**
   * Give back text the person wrote that was not sent (messages of a stopped turn), before what
   * the box holds now.
   *
   * @param text - the text.
   */
  restoreText(text: string): void {
    const current = this._text().trim();
    this._setText(current ? `${text}\n\n${current}` : text);
  }

  /**
   * Put text in the box.
   *
   * @param text - the text.
   */
  setDraft(text: string): void {
    this._setText(text);
  }

  /**
   * Focus the box (once it is rendered, if it is not yet).
   */
  focusInput(): void {
    if (this._input) {
      this._input.focus();
    } else {
      this._focusWhenRendered = true;
    }
  }

  /**
   * The chips, the mention list, the text area and the buttons.
   *
   * @returns the prompt box's content.
   */
  protected render(): React.ReactElement {
    const trans = this._trans;
    const running = this._running;
    const mentions = this._mentions;
    const shown = mentions.isOpen && mentions.shown.length > 0;
    return (
      <>
        {this._options.attachments && <AttachmentChips attachments={this._options.attachments} trans={trans} />}
        <MentionList popup={mentions} input={() => this._input} trans={trans} />
        <textarea
          ref={this._setInput}
          className="jp-CodeInterpreter-input"
          rows={3}
          placeholder={trans.__('Ask the code interpreter… (Enter to send, Shift+Enter for a new line)')}
          aria-activedescendant={shown ? MentionList.optionId(mentions.active) : undefined}
          onInput={event => mentions.handleInput(event.currentTarget)}
          onBlur={() => mentions.close()}
          onKeyDown={event => {
            if (mentions.handleKey(event.nativeEvent, event.currentTarget)) {
              return;
            }
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              event.stopPropagation();
              this._send();
            }
          }}
        />
        <div className="jp-CodeInterpreter-buttons">
          <Button
            type="button"
            className="jp-mod-styled jp-mod-accept jp-CodeInterpreter-send"
            title={running ? trans.__('The model reads it at its next step, after the running cell ends') : ''}
            onClick={() => this._send()}
          >
            {running ? trans.__('Send to the running turn') : trans.__('Send')}
          </Button>
          <Button
            type="button"
            className="jp-mod-styled jp-mod-warn jp-CodeInterpreter-stop"
            title={trans.__('Stop the model and interrupt the running cell')}
            hidden={!running}
            onClick={() => this._options.stop()}
          >
            {trans.__('Stop')}
          </Button>
        </div>
      </>
    );
  }

  /**
   * Keep the text area's element; text written before it was rendered goes into it now.
   */
  private _setInput = (element: HTMLTextAreaElement | null): void => {
    if (!element) {
      // The widget unmounts its React tree when it is detached (the sidebar moved to the other
      // side): what the person typed is kept for the next render.
      this._pendingText = this._input?.value ?? this._pendingText;
      this._input = null;
      return;
    }
    this._input = element;
    if (this._pendingText !== null) {
      element.value = this._pendingText;
      this._pendingText = null;
    }
    if (this._focusWhenRendered) {
      this._focusWhenRendered = false;
      element.focus();
    }
  };

  private _text(): string {
    return this._input?.value ?? this._pendingText ?? '';
  }

  private _setText(text: string): void {
    if (this._input) {
      this._input.value = text;
    } else {
      this._pendingText = text;
    }
  }

  private _send(): void {
    const prompt = this._text().trim();
    if (!prompt) {
      return;
    }
    this._setText('');
    this._options.send(prompt).catch(error => {
      // Nothing the user wrote is lost: the prompt comes back unless they typed a new one.
      if (!this._text()) {
        this._setText(prompt);
      }
      this._options.onError((error as Error).message);
    });
  }

  private _options: PromptBox.IOptions;
  private _mentions: MentionPopup;
  private _trans: TranslationBundle;
  private _running = false;
  private _input: HTMLTextAreaElement | null = null;
  private _pendingText: string | null = null;
  private _focusWhenRendered = false;
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
     * The cells attached to the next prompt, shown as chips above the text area.
     */
    attachments?: PromptAttachments;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
