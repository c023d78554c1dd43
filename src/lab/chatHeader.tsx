// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

/**
 * The sidebar's header: its title, the notebook it works on, and whether a turn runs.
 */
export class ChatHeader extends ReactWidget {
  /**
   * Construct the header: no notebook, idle.
   *
   * @param options - the translations.
   */
  constructor(options: ChatHeader.IOptions = {}) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this.addClass('jp-CodeInterpreter-header');
  }

  /**
   * Name the notebook the sidebar shows.
   *
   * @param name - its path, or `null` when no notebook is open.
   */
  setNotebook(name: string | null): void {
    this._notebook = name;
    this.update();
  }

  /**
   * Say whether a turn runs.
   *
   * @param running - whether it runs.
   */
  setRunning(running: boolean): void {
    this._running = running;
    this.update();
  }

  /**
   * The title, the notebook and the status.
   *
   * @returns the header's content.
   */
  protected render(): React.ReactElement {
    const trans = this._trans;
    const status = this._running ? 'running' : 'idle';
    return (
      <>
        <span className="jp-CodeInterpreter-title">{trans.__('Code Interpreter')}</span>
        <span className="jp-CodeInterpreter-notebook">{this._notebook ?? trans.__('no notebook open')}</span>
        <span className="jp-CodeInterpreter-status" data-status={status}>
          {this._running ? trans.__('running') : trans.__('idle')}
        </span>
      </>
    );
  }

  private _trans: TranslationBundle;
  private _notebook: string | null = null;
  private _running = false;
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
