// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { closeSync, constants, fchmodSync, openSync, writeSync } from 'node:fs';

import type { AgentEvent } from '../agent/events';

/**
 * Writes every agent event as one JSON line: model requests and responses, and executions.
 * Streamed text pieces are left out (the complete response is recorded).
 */
export class TranscriptWriter {
  /**
   * @param path - the file; it is created or truncated, readable and writable by its owner only
   *   (it holds the whole conversation), and never through a symbolic link (which would let
   *   someone who can write the folder point it at another file).
   * @throws when the file cannot be opened, or is a symbolic link.
   */
  constructor(path: string) {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;
    try {
      this._fd = openSync(path, O_WRONLY | O_CREAT | O_TRUNC | (O_NOFOLLOW ?? 0), 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
        throw new Error(`The transcript ${path} is a symbolic link; it is not written through one.`);
      }
      throw error;
    }
    // An existing file keeps its mode when opened: made private here.
    fchmodSync(this._fd, 0o600);
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
