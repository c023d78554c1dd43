// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

/**
 * Something the user can mention with `@`.
 */
export interface IMentionCandidate {
  /**
   * What it is.
   */
  kind: 'variable' | 'cell' | 'file' | 'folder';

  /**
   * The name written after `@` (a variable's name, `cell3`, a path in the notebook's folder).
   */
  name: string;

  /**
   * A short description shown next to it (a type and shape, a cell's first line, a size).
   */
  detail: string;
}

/**
 * The list that typing `@` in the prompt box opens: the kernel's variables, the notebook's cells
 * and the folder's files, narrowed as the user types; Up and Down choose, Enter or Tab writes the
 * mention, Escape closes. The candidates are read when the list opens, so they are current. This
 * is the list's state and its keys; `MentionList` shows it, and the prompt box passes it its text
 * area's input, keys and blur.
 */
export class MentionPopup implements IDisposable {
  /**
   * Construct the list, closed.
   *
   * @param options - where candidates come from, translations.
   */
  constructor(options: MentionPopup.IOptions) {
    this._candidates = options.candidates;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Emitted when the list opens, closes, or shows something else.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Whether the list is open.
   */
  get isOpen(): boolean {
    return this._open;
  }

  /**
   * What the list shows, in order (none while it shows a message).
   */
  get shown(): readonly IMentionCandidate[] {
    return this._shown;
  }

  /**
   * The index of the chosen candidate among those shown.
   */
  get active(): number {
    return this._active;
  }

  /**
   * What the list says instead of candidates (loading, nothing matches, an error), or `null`.
   */
  get message(): string | null {
    return this._message;
  }

  /**
   * Whether the popup is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Follow what was typed in the prompt box: open, narrow or close the list.
   *
   * @param input - the prompt box.
   */
  handleInput(input: HTMLTextAreaElement): void {
    const query = Private.queryBeforeCaret(input);
    if (query === null) {
      this.close();
      return;
    }
    this._query = query;
    this._active = 0;
    this._open = true;
    if (this._all) {
      this._narrow();
      return;
    }
    if (this._opening === this._loadedFor) {
      // This opening's candidates are on their way; they are shown for the query then current.
      this._changed.emit();
      return;
    }
    this._loadedFor = this._opening;
    this._say(this._trans.__('Looking for variables, cells and files…'));
    const opening = this._opening;
    this._fetch().then(
      candidates => {
        if (opening === this._opening && this._query !== null) {
          this._all = candidates;
          this._narrow();
        }
      },
      (error: Error) => {
        if (opening === this._opening && this._query !== null) {
          this._say(this._trans.__('Could not list what to mention: %1', error.message));
        }
      }
    );
  }

  /**
   * Handle a key pressed in the prompt box while the list is open.
   *
   * @param event - the key event.
   * @param input - the prompt box.
   * @returns whether the list took it (the prompt box must then ignore it).
   */
  handleKey(event: KeyboardEvent, input: HTMLTextAreaElement): boolean {
    if (!this._open || event.isComposing) {
      return false;
    }
    const shown = this._shown.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!shown) {
          return false;
        }
        this._active = (this._active + (event.key === 'ArrowDown' ? 1 : shown - 1)) % shown;
        this._changed.emit();
        break;
      case 'Enter':
      case 'Tab':
        if (!shown) {
          this.close();
          return false;
        }
        this.choose(this._shown[this._active], input);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  /**
   * Write a mention in place of the `@` and what follows it, then a space, and close the list.
   *
   * @param candidate - what is mentioned.
   * @param input - the prompt box.
   */
  choose(candidate: IMentionCandidate, input: HTMLTextAreaElement): void {
    const caret = input.selectionStart ?? input.value.length;
    const start = caret - (this._query ?? '').length - 1;
    const written = /\s|"/.test(candidate.name) ? `@"${candidate.name.replace(/"/g, '')}"` : `@${candidate.name}`;
    input.value = `${input.value.slice(0, start)}${written} ${input.value.slice(caret)}`;
    const after = start + written.length + 1;
    input.setSelectionRange(after, after);
    this.close();
    input.focus();
  }

  /**
   * Close the list.
   */
  close(): void {
    const wasOpen = this._open;
    this._open = false;
    this._all = null;
    this._query = null;
    this._opening++;
    if (wasOpen) {
      this._changed.emit();
    }
  }

  /**
   * Dispose of the list. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /**
   * The candidates, asked at most once at a time. Asking the kernel while an earlier request is in
   * flight would find it busy with that request and list no variables, so a list that is closed and
   * opened again quickly, or typed into while it loads, waits for the request already made.
   */
  private _fetch(): Promise<IMentionCandidate[]> {
    if (!this._inFlight) {
      const request = this._candidates();
      this._inFlight = request;
      const clear = (): void => {
        if (this._inFlight === request) {
          this._inFlight = null;
        }
      };
      request.then(clear, clear);
    }
    return this._inFlight;
  }

  /**
   * Show the candidates that start with the query, then those that contain it.
   */
  private _narrow(): void {
    const query = (this._query ?? '').replace(/^"/, '').toLowerCase();
    const all = this._all ?? [];
    const starts = all.filter(candidate => candidate.name.toLowerCase().startsWith(query));
    const contains = all.filter(
      candidate => !candidate.name.toLowerCase().startsWith(query) && candidate.name.toLowerCase().includes(query)
    );
    const shown = [...starts, ...contains].slice(0, Private.MAX_SHOWN);
    if (!shown.length) {
      this._say(
        all.length
          ? this._trans.__('No variable, cell or file matches')
          : this._trans.__('No variables, cells or files yet')
      );
      return;
    }
    this._shown = shown;
    this._message = null;
    this._active = Math.min(this._active, shown.length - 1);
    this._changed.emit();
  }

  private _say(message: string): void {
    this._shown = [];
    this._message = message;
    this._changed.emit();
  }

  private _candidates: () => Promise<IMentionCandidate[]>;
  private _trans: TranslationBundle;
  private _open = false;
  private _all: IMentionCandidate[] | null = null;
  private _shown: IMentionCandidate[] = [];
  private _message: string | null = null;
  private _query: string | null = null;
  private _active = 0;
  private _opening = 0;
  private _loadedFor = -1;
  private _inFlight: Promise<IMentionCandidate[]> | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `MentionPopup` statics.
 */
export namespace MentionPopup {
  /**
   * The options of the list.
   */
  export interface IOptions {
    /**
     * What can be mentioned now; called each time the list opens.
     */
    candidates: () => Promise<IMentionCandidate[]>;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}

namespace Private {
  /**
   * Candidates shown at most.
   */
  export const MAX_SHOWN = 12;

  /**
   * What follows an `@` that starts a word, up to the caret; `null` when the caret is not in a
   * mention being typed. The same word starts as `findMentions` of the agent reads them.
   */
  export function queryBeforeCaret(input: HTMLTextAreaElement): string | null {
    const caret = input.selectionStart ?? input.value.length;
    if (input.selectionEnd !== caret) {
      return null;
    }
    const match = /(?:^|[\s([{,])@("[^"\n]*|[^\s@"'`]*)$/.exec(input.value.slice(0, caret));
    return match ? match[1] : null;
  }
}
