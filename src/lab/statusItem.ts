// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

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
   * @param onClick - what a click does (open the sidebar).
   */
  constructor(onClick: () => void) {
    super();
    this.addClass('jp-CodeInterpreter-statusItem');
    this.node.title = 'Code Interpreter';
    this.node.addEventListener('click', onClick);
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
        this._activity = 'thinking';
        break;
      case 'execution-start':
        this._activity = `running cell, attempt ${event.attempt} of ${event.maxAttempts}`;
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
    this.node.textContent = `Code Interpreter: ${running ? this._activity || 'running' : 'idle'}`;
  }

  private _session: AgentSession | null = null;
  private _activity = '';
}
