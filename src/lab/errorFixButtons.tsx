// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { CodeCell, type Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Button, ReactWidget } from '@jupyterlab/ui-components';
import { PanelLayout } from '@lumino/widgets';
import * as React from 'react';

import type { CellActionState } from './cellActionAvailability';
import { codeInterpreterIcon } from './icons';

/**
 * The "Fix with Code Interpreter" button under each failed code cell's outputs, whoever ran the
 * cell (the person or the agent), in one notebook.
 *
 * Why a widget of the cell's own layout, right after its output wrapper, watching the cell's
 * output model: the output area's children stand for its outputs one to one (JupyterLab finds an
 * output's widget by its index), so a child added there would shift them; a renderer for the
 * error's MIME type would replace JupyterLab's own traceback rendering (and also catch stderr
 * streams, which share the type). Under the outputs, the button is placed with the error whatever
 * renders it, and the output model (not the DOM) says when there is an error.
 */
export class ErrorFixButtons implements IDisposable {
  /**
   * Watch a notebook's code cells and give each failed one a fix button.
   *
   * @param options - the notebook, the actions' state, what a click does, the translations.
   */
  constructor(options: ErrorFixButtons.IOptions) {
    this._panel = options.panel;
    this._state = options.state;
    this._onFix = options.onFix;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this._panel.content.model?.cells.changed.connect(this._watchCells, this);
    this._panel.content.modelChanged.connect(this._onModelChanged, this);
    this._watchCells();
  }

  /**
   * Whether the buttons are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Show, hide, enable or disable every button for the actions' state now (a turn started or
   * ended, the kernel changed).
   */
  refresh(): void {
    for (const [cell, button] of this._buttons) {
      this._update(cell, button);
    }
  }

  /**
   * Remove every button. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._panel.content.model?.cells.changed.disconnect(this._watchCells, this);
    this._panel.content.modelChanged.disconnect(this._onModelChanged, this);
    for (const [cell, button] of this._buttons) {
      cell.model.outputs.changed.disconnect(this._onOutputsChanged, this);
      button.dispose();
    }
    this._buttons.clear();
  }

  private _onModelChanged(): void {
    this._panel.content.model?.cells.changed.connect(this._watchCells, this);
    this._watchCells();
  }

  /**
   * Give each code cell that has none yet its button, once the cell is rendered.
   */
  private _watchCells(): void {
    for (const cell of this._panel.content.widgets) {
      if (cell instanceof CodeCell && !this._pending.has(cell) && !this._buttons.has(cell)) {
        this._pending.add(cell);
        void cell.ready.then(() => {
          this._pending.delete(cell);
          this._install(cell);
        });
      }
    }
  }

  private _install(cell: CodeCell): void {
    const wrapper = cell.outputArea.parent;
    if (this._isDisposed || cell.isDisposed || !wrapper || !(cell.layout instanceof PanelLayout)) {
      return;
    }
    const button = new Private.FixButton(this._trans, () => this._onFix(cell));
    cell.layout.insertWidget(cell.layout.widgets.indexOf(wrapper) + 1, button);
    this._buttons.set(cell, button);
    cell.model.outputs.changed.connect(this._onOutputsChanged, this);
    cell.disposed.connect(() => this._buttons.delete(cell));
    this._update(cell, button);
  }

  private _onOutputsChanged(): void {
    this.refresh();
  }

  private _update(cell: CodeCell, button: Private.FixButton): void {
    const state = this._state();
    button.setHidden(state === 'unavailable' || !cellHasError(cell));
    button.setRunning(state === 'running');
  }

  private _panel: NotebookPanel;
  private _state: () => CellActionState;
  private _onFix: (cell: CodeCell) => void;
  private _trans: TranslationBundle;
  private _buttons = new Map<CodeCell, Private.FixButton>();
  private _pending = new WeakSet<Cell>();
  private _isDisposed = false;
}

/**
 * The namespace for `ErrorFixButtons` statics.
 */
export namespace ErrorFixButtons {
  /**
   * The options of the fix buttons.
   */
  export interface IOptions {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * The cell actions' state in the notebook now.
     */
    state: () => CellActionState;

    /**
     * Fix a cell (a click on its button).
     */
    onFix: (cell: CodeCell) => void;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}

/**
 * Whether a cell is a code cell whose outputs hold an error.
 *
 * @param cell - the cell.
 * @returns `true` for a failed code cell.
 */
export function cellHasError(cell: Cell): boolean {
  if (!(cell instanceof CodeCell)) {
    return false;
  }
  const outputs = cell.model.outputs;
  for (let index = 0; index < outputs.length; index++) {
    if (outputs.get(index).type === 'error') {
      return true;
    }
  }
  return false;
}

namespace Private {
  /**
   * The button under a cell's outputs.
   */
  export class FixButton extends ReactWidget {
    constructor(trans: TranslationBundle, onClick: () => void) {
      super();
      this._trans = trans;
      this._onClick = onClick;
      this.addClass('jp-CodeInterpreter-fixError');
      this.setRunning(false);
    }

    setRunning(running: boolean): void {
      this._running = running;
      // Also on the host: a disabled button gets no pointer events, so some browsers show no
      // tooltip of its own.
      this.node.title = this._title();
      this.update();
    }

    /**
     * The button, disabled while a turn runs.
     *
     * @returns the button.
     */
    protected render(): React.ReactElement {
      return (
        <Button
          type="button"
          className="jp-mod-styled jp-CodeInterpreter-fixErrorButton"
          minimal
          disabled={this._running}
          title={this._title()}
          onClick={event => {
            event.stopPropagation();
            if (!this._running) {
              this._onClick();
            }
          }}
        >
          <codeInterpreterIcon.react tag={null} elementSize="small" />
          <span>{this._trans.__('Fix with Code Interpreter')}</span>
        </Button>
      );
    }

    private _title(): string {
      return this._running
        ? this._trans.__('A turn is running in this notebook: wait for it to end, or stop it, to fix this error.')
        : this._trans.__("Ask the code interpreter to fix this cell's error");
    }

    private _trans: TranslationBundle;
    private _onClick: () => void;
    private _running = false;
  }
}
