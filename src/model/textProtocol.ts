// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * The prefix of the user message that carries an execution's result back to the model, as in the
 * OpenCodeInterpreter paper's Code-Feedback data.
 */
export const EXECUTION_RESULT_PREFIX = 'Execution result: \n';

/**
 * Languages of fenced blocks that run on the Python kernel. An unlabelled block counts too:
 * small models often omit the label.
 */
const RUNNABLE_LANGUAGES = new Set(['', 'python', 'py', 'python3', 'ipython', 'jupyter']);

/**
 * The runnable fenced code blocks of a markdown answer, in order.
 *
 * @param markdown - the model's answer.
 * @returns the blocks' contents, without fences.
 */
export function extractCodeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  // A fence opens a line with three or more backticks; the block ends at a fence at least as
  // long, or at the end of the answer (a model cut off by max_tokens).
  const lines = markdown.split('\n');
  let open: { fence: string; language: string; body: string[] } | null = null;
  for (const line of lines) {
    if (!open) {
      const opening = /^\s{0,3}(`{3,})\s*([\w+-]*)[^`]*$/.exec(line);
      if (opening) {
        open = { fence: opening[1], language: opening[2].toLowerCase(), body: [] };
      }
      continue;
    }
    const closing = /^\s{0,3}(`{3,})\s*$/.exec(line);
    if (closing && closing[1].length >= open.fence.length) {
      if (RUNNABLE_LANGUAGES.has(open.language)) {
        blocks.push(open.body.join('\n'));
      }
      open = null;
      continue;
    }
    open.body.push(line);
  }
  if (open && RUNNABLE_LANGUAGES.has(open.language) && open.body.join('').trim()) {
    blocks.push(open.body.join('\n'));
  }
  return blocks.filter(block => block.trim().length > 0);
}

/**
 * The code the text protocol runs: the last runnable block of the answer.
 *
 * @param markdown - the model's answer.
 * @returns the code, or `undefined` when the answer has none (the turn ends).
 */
export function codeToRun(markdown: string): string | undefined {
  const blocks = extractCodeBlocks(markdown);
  return blocks.length ? blocks[blocks.length - 1] : undefined;
}
