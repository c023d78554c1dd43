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
   * Send a prompt for the current notebook, as if typed (args: `{prompt, attachments?, intent?}`);
   * resolves with `{outcome, reason?, executions}` when the turn ends.
   */
  export const ask = 'code-interpreter:ask';

  /**
   * Stop the current notebook's turn: abort the model request and interrupt the running cell.
   */
  export const stop = 'code-interpreter:stop';

  /**
   * Fix the active cell's error: a turn with intent `fix` and that cell attached.
   */
  export const fixCell = 'code-interpreter:fix-cell';

  /**
   * Attach the active cell (and the code selected in it) to the sidebar's prompt as a chip.
   */
  export const askAboutCell = 'code-interpreter:ask-about-cell';

  /**
   * Explain the active cell and its output: a turn with intent `explain` and that cell attached.
   */
  export const explainCell = 'code-interpreter:explain-cell';
}
