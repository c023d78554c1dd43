// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { TextItem } from '@jupyterlab/statusbar';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { AgentEvent } from '../agent/events';
import type { AgentSession } from './agentSession';
import type { IModelReadiness } from './serverConfig';

/**
 * The status bar item: whether the current notebook's code interpreter is running and what it is
 * doing (thinking, running a cell, attempt k of n), and otherwise whether its model can answer,
 * as the sidebar says it (ready, loading, failed, not installed). Clicking it opens the sidebar.
 * Its text is the status bar's own `TextItem`; its state is on its node (`data-status`,
 * `data-model-state`) for styles and tests.
 */
export class CodeInterpreterStatus extends ReactWidget {
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
   * The item's text.
   *
   * @returns the status bar's text item.
   */
  protected render(): React.ReactElement {
    return <TextItem source={this._text} />;
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

  /**
   * Show the model's readiness, as the sidebar last learned it.
   *
   * @param readiness - the readiness, or `null` while it is unknown.
   */
  setModelReadiness(readiness: IModelReadiness | null): void {
    this._readiness = readiness;
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
    const readiness = this._readiness;
    const model = readiness?.state ?? 'unknown';
    this.node.dataset.modelState = model;
    this.node.title = readiness?.reason || trans.__('Code Interpreter');
    if (running) {
      this._text = trans.__('Code Interpreter: %1', this._activity || trans.__('running'));
      this.update();
      return;
    }
    // "ready" rather than "idle": the kernel's status item says "Idle", and tools that look for
    // that word in the status bar (Galata's runCell, for one) must find the kernel's alone. A
    // local model that loads on first use is ready to be asked; one that failed or is not
    // installed is not, and the status bar never says otherwise than the sidebar.
    const words: Record<string, string> = {
      ready: trans.__('ready'),
      idle: trans.__('ready'),
      loading: trans.__('loading the model'),
      failed: trans.__('model failed'),
      unavailable: trans.__('no model'),
      unknown: trans.__('checking the model')
    };
    this._text = trans.__('Code Interpreter: %1', words[model] ?? model);
    this.update();
  }

  private _session: AgentSession | null = null;
  private _readiness: IModelReadiness | null = null;
  private _activity = '';
  private _text = '';
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
