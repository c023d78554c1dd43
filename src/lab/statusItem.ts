// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { AgentEvent } from '../agent/events';
import type { AgentSession } from './agentSession';

/**
 * The status bar item: whether the current notebook's code interpreter is idle or running, and
 * what it is doing (thinking, running a cell, attempt k of n). Clicking it opens the sidebar.
 */
export class CodeInterpreterStatus extends Widget {
  /**
   * Construct the item.
   *
   * @param options - what a click does, and the translations.
   */
  constructor(options: CodeInterpreterStatus.IOptions) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this.addClass('jp-CodeInterpreter-statusItem');
    this.node.title = this._trans.__('Code Interpreter');
    this.node.addEventListener('click', options.onClick);
    this._render();
  }

  /**
   * Follow another session.
   *
   * @param session - the current notebook's session, or `null`.
   */
  setSession(session: AgentSession | null): void {
    if (this._session) {
      this._session.events.disconnect(this._onEvent, this);
      this._session.runningChanged.disconnect(this._render, this);
    }
    this._session = session;
    this._activity = '';
    if (session) {
      session.events.connect(this._onEvent, this);
      session.runningChanged.connect(this._render, this);
    }
    this._render();
  }

  private _onEvent(_: AgentSession, event: AgentEvent): void {
    switch (event.type) {
      case 'model-request':
        this._activity = this._trans.__('thinking');
        break;
      case 'execution-start':
        this._activity = this._trans.__('running cell, attempt %1 of %2', event.attempt, event.maxAttempts);
        break;
      case 'turn-end':
        this._activity = '';
        break;
      default:
        return;
    }
    this._render();
  }

  private _render(): void {
    const running = !!this._session?.isRunning;
    this.node.dataset.status = running ? 'running' : 'idle';
    const trans = this._trans;
    // "ready" rather than "idle": the kernel's status item says "Idle", and tools that look for
    // that word in the status bar (Galata's runCell, for one) must find the kernel's alone.
    this.node.textContent = trans.__(
      'Code Interpreter: %1',
      running ? this._activity || trans.__('running') : trans.__('ready')
    );
  }

  private _session: AgentSession | null = null;
  private _activity = '';
  private _trans: TranslationBundle;
}

/**
 * The namespace for `CodeInterpreterStatus` statics.
 */
export namespace CodeInterpreterStatus {
  /**
   * The options of the status item.
   */
  export interface IOptions {
    /**
     * What a click does (open the sidebar).
     */
    onClick: () => void;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
