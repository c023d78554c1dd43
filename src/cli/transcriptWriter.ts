// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { closeSync, openSync, writeSync } from 'node:fs';

import type { AgentEvent } from '../agent/events';

/**
 * Writes every agent event as one JSON line: model requests and responses, and executions.
 * Streamed text pieces are left out (the complete response is recorded).
 */
export class TranscriptWriter {
  /**
   * @param path - the file; it is created or truncated.
   */
  constructor(path: string) {
    this._fd = openSync(path, 'w');
  }

  /**
   * Record one event.
   *
   * @param event - the agent's event.
   */
  write(event: AgentEvent): void {
    if (this._fd === null || event.type === 'model-delta' || event.type === 'execution-output') {
      return;
    }
    writeSync(this._fd, `${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  }

  /**
   * Close the file. Safe to call more than once.
   */
  close(): void {
    if (this._fd !== null) {
      closeSync(this._fd);
      this._fd = null;
    }
  }

  private _fd: number | null;
}
