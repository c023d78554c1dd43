// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IExecutionResult } from '../kernel/executionResult';

/**
 * What the model reads when a cell ran fine and showed nothing.
 *
 * The OpenCodeInterpreter demo answers an empty result with a request to include a test case;
 * this says the same in its own words, since a silent success proves nothing to the model.
 */
export const EMPTY_OUTPUT_NOTE =
  'The code ran without errors but produced no output. To check that it works, print the ' +
  'values you need or run a small test case and print its result.';

/**
 * Notes on how an execution went wrong besides its outputs: a time limit, a stop, a dead or
 * stuck kernel, a refused `input()`, output the server dropped.
 *
 * @param result - the execution's result.
 * @param options - the time limit, to name it.
 * @returns the notes, in the order the model should read them (possibly none).
 */
export function executionNotes(result: IExecutionResult, options: executionNotes.IOptions = {}): string[] {
  const notes: string[] = [];
  switch (result.status) {
    case 'timeout': {
      const seconds = Private.formatSeconds(options.timeoutMs ?? result.durationMs);
      notes.push(
        `The cell was interrupted after ${seconds}, its time limit. Variables defined before the ` +
          'interruption still exist. Use a faster approach or smaller data, or process it in parts.'
      );
      break;
    }
    case 'interrupted':
      notes.push(
        'The user stopped the cell before it finished. Variables defined before the interruption still exist.'
      );
      break;
    case 'dead-kernel':
      notes.push(
        'The kernel died while running this cell (for example it ran out of memory, crashed in native ' +
          'code, or called os._exit()). It was restarted: ALL variables and imports are lost, so re-run ' +
          'the code that defines what you need.'
      );
      break;
    default:
      break;
  }
  if (result.stdinRequested) {
    notes.push(
      'The code asked for input (input() or getpass), which is not available here. Assign the values directly in the code instead.'
    );
  }
  if (result.outputDroppedByServer) {
    notes.push(
      'The server dropped part of the output because it came faster than its IOPub rate limit, so the ' +
        'output shown is incomplete. Print less: a summary, len(), or .head() instead of everything.'
    );
  }
  if (result.kernelUnresponsive) {
    notes.push('The kernel did not respond to the interrupt; it may be stuck and may have to be restarted.');
  }
  return notes;
}

/**
 * The namespace for `executionNotes` statics.
 */
export namespace executionNotes {
  /**
   * Options of `executionNotes`.
   */
  export interface IOptions {
    /**
     * The cell's time limit in milliseconds; the timeout note names it. Defaults to the
     * execution's duration.
     */
    timeoutMs?: number;
  }
}

namespace Private {
  export function formatSeconds(ms: number): string {
    const seconds = ms / 1000;
    const rounded = seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
    return `${rounded} s`;
  }
}
