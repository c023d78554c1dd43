// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { AgentEvent } from '../agent/events';

/**
 * Where the renderer writes: model text to `out`, steps and problems to `err` (so that `out` can be
 * piped as the model's answer).
 */
export interface ITerminalStreams {
  out: { write(text: string): unknown; isTTY?: boolean };
  err: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * Shows the agent's events in a terminal as they happen: the model's text as it streams, and one
 * line per step (cell inserted, running, its status, revisions, restarts).
 */
export class TerminalRenderer {
  /**
   * @param streams - where to write.
   * @param options - whether to colour the step lines (default: when `err` is a terminal).
   */
  constructor(
    private _streams: ITerminalStreams,
    options: { color?: boolean } = {}
  ) {
    this._color = options.color ?? !!_streams.err.isTTY;
  }

  /**
   * Show one event.
   *
   * @param event - the agent's event.
   */
  render(event: AgentEvent): void {
    switch (event.type) {
      case 'model-delta':
        this._streams.out.write(event.text);
        this._midLine = !event.text.endsWith('\n');
        break;
      case 'model-retry':
        this._step('yellow', `model answer cut off, asking again (${event.reason})`);
        break;
      case 'protocol-fallback':
        this._step('yellow', `using the text protocol: ${event.reason}`);
        break;
      case 'cell-inserted':
        this._step('dim', `${event.cellType} cell ${Private.short(event.cellId)} inserted`);
        break;
      case 'cell-revised':
        this._step('dim', `cell ${Private.short(event.cellId)} revised in place`);
        break;
      case 'execution-start':
        this._step(
          'dim',
          `running cell ${Private.short(event.cellId)} (attempt ${event.attempt} of ${event.maxAttempts})`
        );
        break;
      case 'execution-end': {
        const { result } = event;
        const count = result.executionCount !== null ? ` [${result.executionCount}]` : '';
        const detail = result.error ? `: ${result.error.ename}: ${result.error.evalue}` : '';
        const seconds = (result.durationMs / 1000).toFixed(2);
        this._step(result.status === 'ok' ? 'green' : 'red', `cell${count} ${result.status}${detail} (${seconds} s)`);
        break;
      }
      case 'execution-skipped':
        this._step('yellow', `cell ${Private.short(event.cellId)} not run: ${event.reason}`);
        break;
      case 'kernel-restarted':
        this._step('yellow', `kernel restarted: ${event.reason} Its state is lost.`);
        break;
      case 'warning':
      case 'saved-conversation':
        this._step('yellow', event.message);
        break;
      case 'ungrounded-answer': {
        const what = event.figures.length
          ? `not computed by any cell: ${event.figures.join(', ')}`
          : 'no code ran for a question about data';
        this._step('yellow', `${what}${event.willAsk ? '; asking the model to compute it' : ''}`);
        break;
      }
      case 'turn-end': {
        const seconds = (event.durationMs / 1000).toFixed(1);
        const reason = event.reason ? `: ${event.reason}` : '';
        this._step(
          event.outcome === 'completed' ? 'green' : event.outcome === 'unverified' ? 'yellow' : 'red',
          `${event.outcome}${reason} (${event.executions} executions, ${event.tokens} tokens, ${seconds} s)`
        );
        break;
      }
      default:
        break;
    }
  }

  private _step(color: keyof typeof Private.COLORS, text: string): void {
    if (this._midLine) {
      this._streams.out.write('\n');
      this._midLine = false;
    }
    const line = this._color ? `${Private.COLORS[color]}● ${text}\u001b[0m` : `● ${text}`;
    this._streams.err.write(`${line}\n`);
  }

  private _color: boolean;
  private _midLine = false;
}

namespace Private {
  export const COLORS = {
    dim: '\u001b[2m',
    green: '\u001b[32m',
    red: '\u001b[31m',
    yellow: '\u001b[33m'
  };

  /**
   * The first eight characters of a cell id: enough to tell cells apart on screen.
   */
  export function short(cellId: string): string {
    return cellId.slice(0, 8);
  }
}
