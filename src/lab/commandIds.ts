// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * The command ids of the code interpreter.
 */
export namespace CommandIDs {
  /**
   * Open the sidebar (args: `{prompt?}` puts a draft in the prompt box).
   */
  export const open = 'code-interpreter:open';

  /**
   * Send a prompt for the current notebook, as if typed (args: `{prompt}`); resolves with
   * `{outcome, reason?, executions}` when the turn ends.
   */
  export const ask = 'code-interpreter:ask';

  /**
   * Stop the current notebook's turn: abort the model request and interrupt the running cell.
   */
  export const stop = 'code-interpreter:stop';
}
