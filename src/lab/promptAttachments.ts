// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import type { ICellAttachment } from '../agent/turnRequest';

/**
 * The cells attached to the next prompt (the prompt box shows them as chips): each with the
 * words of its chip (its number and first line, or the selected code). Each notebook has its own
 * list, kept while the sidebar shows another notebook. An attachment whose cell is deleted is
 * dropped, with a notice saying so.
 */
export class PromptAttachments implements IDisposable {
  /**
   * Construct the attachments, none yet.
   *
   * @param options - the translations.
   */
  constructor(options: PromptAttachments.IOptions = {}) {
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Emitted when the shown notebook's attachments, their words or the notice change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Whether the attachments are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The shown notebook's chips: each attachment's cell, words and full text (the cell's source
   * or the selection), in the order they were attached.
   */
  get chips(): readonly PromptAttachments.IChip[] {
    return this._chips;
  }

  /**
   * Why attachments were dropped (their cells were deleted), or an empty string.
   */
  get notice(): string {
    return this._notice;
  }

  /**
   * The cells attached to the shown notebook's next prompt, in the order they were attached.
   */
  get attachments(): readonly ICellAttachment[] {
    return this._panel ? (this._byNotebook.get(this._panel) ?? []) : [];
  }

  /**
   * Show another notebook's chips.
   *
   * @param panel - the notebook the sidebar shows, or `null`.
   */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._panel) {
      return;
    }
    this._panel = panel;
    this._notice = '';
    this._emitChanged();
  }

  /**
   * Attach a cell of the shown notebook.
   *
   * @param panel - the cell's notebook; nothing is attached unless it is the shown one.
   * @param attachment - the cell and its selection.
   * @returns whether a chip was added (not when the cell is already attached or not there).
   */
  add(panel: NotebookPanel, attachment: ICellAttachment): boolean {
    if (panel !== this._panel || Private.cellSource(panel, attachment.cellId) === null) {
      return false;
    }
    const list = this._listOf(panel);
    if (list.some(known => known.cellId === attachment.cellId)) {
      return false;
    }
    list.push(attachment);
    this._notice = '';
    this._emitChanged();
    return true;
  }

  /**
   * Remove a cell's chip.
   *
   * @param cellId - the cell.
   */
  remove(cellId: string): void {
    const list = this._panel ? this._byNotebook.get(this._panel) : undefined;
    const index = list?.findIndex(known => known.cellId === cellId) ?? -1;
    if (list && index >= 0) {
      list.splice(index, 1);
      this._emitChanged();
    }
  }

  /**
   * Take the shown notebook's attachments for a prompt being sent: the chips are cleared.
   *
   * @returns the attachments, in the order they were attached.
   */
  take(): ICellAttachment[] {
    const taken = [...this.attachments];
    if (this._panel) {
      this._byNotebook.set(this._panel, []);
    }
    this._notice = '';
    this._emitChanged();
    return taken;
  }

  /**
   * Put back attachments whose prompt could not be sent (those whose cell is gone are left out).
   *
   * @param panel - their notebook.
   * @param attachments - what `take` returned.
   */
  restore(panel: NotebookPanel, attachments: readonly ICellAttachment[]): void {
    const list = this._listOf(panel);
    for (const attachment of attachments) {
      if (
        Private.cellSource(panel, attachment.cellId) !== null &&
        !list.some(known => known.cellId === attachment.cellId)
      ) {
        list.push(attachment);
      }
    }
    this._emitChanged();
  }

  /**
   * Dispose of the chip list. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const panel of this._byNotebook.keys()) {
      panel.model?.cells.changed.disconnect(this._onCellsChanged, this);
    }
    this._byNotebook.clear();
    this._panel = null;
    Signal.clearData(this);
  }

  /**
   * A notebook's list, made (and its cells watched) on first use.
   */
  private _listOf(panel: NotebookPanel): ICellAttachment[] {
    let list = this._byNotebook.get(panel);
    if (!list) {
      list = [];
      this._byNotebook.set(panel, list);
      panel.model?.cells.changed.connect(this._onCellsChanged, this);
      panel.disposed.connect(() => {
        this._byNotebook.delete(panel);
        if (this._panel === panel) {
          this.setNotebook(null);
        }
      });
    }
    return list;
  }

  /**
   * Cells were added, moved or deleted: deleted cells' chips go, and the numbers are redrawn.
   */
  private _onCellsChanged(): void {
    const dropped: string[] = [];
    for (const [panel, list] of this._byNotebook) {
      for (let index = list.length - 1; index >= 0; index--) {
        if (Private.cellSource(panel, list[index].cellId) === null) {
          const [gone] = list.splice(index, 1);
          if (panel === this._panel) {
            dropped.unshift(this._describeGone(gone));
          }
        }
      }
    }
    if (dropped.length) {
      this._notice = this._trans._n(
        'A cell attached to the prompt was deleted; it is no longer attached: %2',
        '%1 cells attached to the prompt were deleted; they are no longer attached: %2',
        dropped.length,
        dropped.join(', ')
      );
    }
    this._emitChanged();
  }

  /**
   * A deleted cell's chip words as last shown (its number is gone by now).
   */
  private _describeGone(attachment: ICellAttachment): string {
    return this._chips.find(chip => chip.cellId === attachment.cellId)?.label ?? attachment.cellId;
  }

  /**
   * Make the shown notebook's chips anew, then say so.
   */
  private _emitChanged(): void {
    const panel = this._panel;
    this._chips = this.attachments.map(attachment => ({
      cellId: attachment.cellId,
      label: panel ? this._label(panel, attachment) : attachment.cellId,
      title: attachment.selection?.text ?? Private.cellSource(panel, attachment.cellId) ?? ''
    }));
    this._changed.emit();
  }

  /**
   * A chip's words: the cell's number now, and its first line (or the selected code's).
   */
  private _label(panel: NotebookPanel, attachment: ICellAttachment): string {
    const cells = panel.model?.cells;
    let position = 0;
    if (cells) {
      for (let index = 0; index < cells.length; index++) {
        if (cells.get(index).id === attachment.cellId) {
          position = index + 1;
          break;
        }
      }
    }
    const source = attachment.selection?.text ?? Private.cellSource(panel, attachment.cellId) ?? '';
    const line = Private.firstLine(source);
    if (attachment.selection) {
      return this._trans.__('Cell %1 (selection): %2', position, line);
    }
    return line ? this._trans.__('Cell %1: %2', position, line) : this._trans.__('Cell %1', position);
  }

  private _trans: TranslationBundle;
  private _notice = '';
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _panel: NotebookPanel | null = null;
  private _byNotebook = new Map<NotebookPanel, ICellAttachment[]>();
  private _chips: PromptAttachments.IChip[] = [];
}

/**
 * The namespace for `PromptAttachments` statics.
 */
export namespace PromptAttachments {
  /**
   * The options of the attachments.
   */
  export interface IOptions {
    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }

  /**
   * What a chip shows.
   */
  export interface IChip {
    /**
     * The attached cell.
     */
    cellId: string;

    /**
     * Its words: the cell's number now and its first line (or the selected code's).
     */
    label: string;

    /**
     * The cell's source, or the selection.
     */
    title: string;
  }
}

namespace Private {
  /**
   * How much of a line a chip shows.
   */
  const LABEL_CHARACTERS = 40;

  /**
   * A cell's source, or `null` when the notebook has no such cell.
   */
  export function cellSource(panel: NotebookPanel | null, cellId: string): string | null {
    const cells = panel?.model?.cells;
    if (!cells) {
      return null;
    }
    for (let index = 0; index < cells.length; index++) {
      const cell = cells.get(index);
      if (cell.id === cellId) {
        return cell.sharedModel.getSource();
      }
    }
    return null;
  }

  /**
   * The first line with something on it, shortened.
   */
  export function firstLine(source: string): string {
    const line = source.split('\n').find(candidate => candidate.trim()) ?? '';
    const trimmed = line.trim();
    return trimmed.length > LABEL_CHARACTERS ? `${trimmed.slice(0, LABEL_CHARACTERS - 1)}…` : trimmed;
  }
}
