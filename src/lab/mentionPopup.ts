// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

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
 * mention, Escape closes. The candidates are read when the list opens, so they are current.
 */
export class MentionPopup implements IDisposable {
  /**
   * Attach the list to a prompt box.
   *
   * @param options - the prompt box, where candidates come from, translations.
   */
  constructor(options: MentionPopup.IOptions) {
    this._input = options.input;
    this._candidates = options.candidates;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this.node = document.createElement('ul');
    this.node.className = 'jp-CodeInterpreter-mentions';
    this.node.setAttribute('role', 'listbox');
    this.node.setAttribute('aria-label', this._trans.__('Mention a variable, cell or file'));
    this.node.hidden = true;
    this._input.addEventListener('input', this._onInput);
    this._input.addEventListener('blur', this._onBlur);
    // Pressing an item would blur the prompt box first and close the list.
    this.node.addEventListener('mousedown', event => event.preventDefault());
  }

  /**
   * The list's element, to be placed next to the prompt box.
   */
  readonly node: HTMLUListElement;

  /**
   * Whether the list is open.
   */
  get isOpen(): boolean {
    return !this.node.hidden;
  }

  /**
   * Whether the popup is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Handle a key pressed in the prompt box while the list is open.
   *
   * @param event - the key event.
   * @returns whether the list took it (the prompt box must then ignore it).
   */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen || event.isComposing) {
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
        this._render();
        break;
      case 'Enter':
      case 'Tab':
        if (!shown) {
          this.close();
          return false;
        }
        this._choose(this._shown[this._active]);
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
   * Close the list.
   */
  close(): void {
    this.node.hidden = true;
    this._all = null;
    this._query = null;
    this._opening++;
    this._input.removeAttribute('aria-activedescendant');
  }

  /**
   * Stop listening to the prompt box. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._input.removeEventListener('input', this._onInput);
    this._input.removeEventListener('blur', this._onBlur);
    this.node.remove();
  }

  private _onInput = (): void => {
    const query = Private.queryBeforeCaret(this._input);
    if (query === null) {
      this.close();
      return;
    }
    this._query = query;
    this._active = 0;
    this.node.hidden = false;
    if (this._all) {
      this._render();
      return;
    }
    if (this._opening === this._loadedFor) {
      // This opening's candidates are on their way; they are rendered for the query then current.
      return;
    }
    this._loadedFor = this._opening;
    this._renderMessage(this._trans.__('Looking for variables, cells and files…'));
    const opening = this._opening;
    this._fetch().then(
      candidates => {
        if (opening === this._opening && this._query !== null) {
          this._all = candidates;
          this._render();
        }
      },
      (error: Error) => {
        if (opening === this._opening && this._query !== null) {
          this._renderMessage(this._trans.__('Could not list what to mention: %1', error.message));
        }
      }
    );
  };

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

  private _onBlur = (): void => {
    this.close();
  };

  private _render(): void {
    const query = (this._query ?? '').replace(/^"/, '').toLowerCase();
    const all = this._all ?? [];
    const starts = all.filter(candidate => candidate.name.toLowerCase().startsWith(query));
    const contains = all.filter(
      candidate => !candidate.name.toLowerCase().startsWith(query) && candidate.name.toLowerCase().includes(query)
    );
    this._shown = [...starts, ...contains].slice(0, Private.MAX_SHOWN);
    if (!this._shown.length) {
      this._renderMessage(
        all.length
          ? this._trans.__('No variable, cell or file matches')
          : this._trans.__('No variables, cells or files yet')
      );
      return;
    }
    this._active = Math.min(this._active, this._shown.length - 1);
    this.node.replaceChildren(
      ...this._shown.map((candidate, index) => {
        const item = document.createElement('li');
        item.className = 'jp-CodeInterpreter-mention';
        item.id = `jp-CodeInterpreter-mention-${index}`;
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', String(index === this._active));
        item.dataset.kind = candidate.kind;
        const name = document.createElement('span');
        name.className = 'jp-CodeInterpreter-mentionName';
        name.textContent = candidate.name;
        const detail = document.createElement('span');
        detail.className = 'jp-CodeInterpreter-mentionDetail';
        detail.textContent = `${Private.kindLabel(candidate.kind, this._trans)} · ${candidate.detail}`;
        item.append(name, detail);
        item.addEventListener('click', () => this._choose(candidate));
        return item;
      })
    );
    this._input.setAttribute('aria-activedescendant', `jp-CodeInterpreter-mention-${this._active}`);
  }

  private _renderMessage(message: string): void {
    this._shown = [];
    const item = document.createElement('li');
    item.className = 'jp-CodeInterpreter-mentionMessage';
    item.textContent = message;
    this.node.replaceChildren(item);
  }

  /**
   * Write the mention in place of the `@` and what follows it, then a space.
   */
  private _choose(candidate: IMentionCandidate): void {
    const input = this._input;
    const caret = input.selectionStart ?? input.value.length;
    const start = caret - (this._query ?? '').length - 1;
    const written = /\s|"/.test(candidate.name) ? `@"${candidate.name.replace(/"/g, '')}"` : `@${candidate.name}`;
    input.value = `${input.value.slice(0, start)}${written} ${input.value.slice(caret)}`;
    const after = start + written.length + 1;
    input.setSelectionRange(after, after);
    this.close();
    input.focus();
  }

  private _input: HTMLTextAreaElement;
  private _candidates: () => Promise<IMentionCandidate[]>;
  private _trans: TranslationBundle;
  private _all: IMentionCandidate[] | null = null;
  private _shown: IMentionCandidate[] = [];
  private _query: string | null = null;
  private _active = 0;
  private _opening = 0;
  private _loadedFor = -1;
  private _inFlight: Promise<IMentionCandidate[]> | null = null;
  private _isDisposed = false;
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
     * The prompt box.
     */
    input: HTMLTextAreaElement;

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
