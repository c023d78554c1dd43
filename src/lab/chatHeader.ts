// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The sidebar's header: its title, the notebook it works on, and whether a turn runs. It keeps
 * its own elements, so nothing looks them up in the DOM.
 */
export class ChatHeader extends Widget {
  /**
   * Construct the header: no notebook, idle.
   *
   * @param options - the translations.
   */
  constructor(options: ChatHeader.IOptions = {}) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this.addClass('jp-CodeInterpreter-header');
    const span = (className: string) => {
      const element = document.createElement('span');
      element.className = className;
      return element;
    };
    const title = span('jp-CodeInterpreter-title');
    title.textContent = this._trans.__('Code Interpreter');
    this._notebook = span('jp-CodeInterpreter-notebook');
    this._status = span('jp-CodeInterpreter-status');
    this.node.append(title, this._notebook, this._status);
    this.setNotebook(null);
    this.setRunning(false);
  }

  /**
   * Name the notebook the sidebar shows.
   *
   * @param name - its path, or `null` when no notebook is open.
   */
  setNotebook(name: string | null): void {
    this._notebook.textContent = name ?? this._trans.__('no notebook open');
  }

  /**
   * Say whether a turn runs.
   *
   * @param running - whether it runs.
   */
  setRunning(running: boolean): void {
    this._status.textContent = running ? this._trans.__('running') : this._trans.__('idle');
    this._status.dataset.status = running ? 'running' : 'idle';
  }

  private _trans: TranslationBundle;
  private _notebook: HTMLSpanElement;
  private _status: HTMLSpanElement;
}

/**
 * The namespace for `ChatHeader` statics.
 */
export namespace ChatHeader {
  /**
   * The options of the header.
   */
  export interface IOptions {
    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
