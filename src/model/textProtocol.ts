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
 * An answer line: `@name[value]`, the answer format InfiAgent-DABench asks for in the reply, alone
 * on its line; or several on one line (`@mean[5.0], @std[2.1]`); or followed by words, as when the
 * model copies the format's own line (`@mse[NaN], where "NaN" is a number rounded to two decimal
 * places.`, DABench question 23 at 4abaa57). None of these is Python: a decorator line holds one
 * expression, and words after it do not continue one.
 */
export const ANSWER_LINE =
  /^\s*@\w+\s*\[[^\]\n]*\](?:\s*,?\s*@\w+\s*\[[^\]\n]*\])*(?:\s*[,;:]?\s+[A-Za-z][\w'"-]*\s+\S.*)?\s*$/;

/**
 * A runnable fenced block of a markdown answer.
 */
export interface ICodeBlock {
  /**
   * The block's contents, without fences.
   */
  code: string;

  /**
   * Where the block ends in the answer: just after its closing fence, or the answer's length when
   * the block was never closed (a model cut off by max_tokens).
   */
  end: number;
}

/**
 * The runnable fenced code blocks of a markdown answer, in order. A block whose lines are all
 * sentences, or all answer lines (`@mean_fare[34.65]`), is not code: small models put their final
 * answer in a python fence ("The average order amount ... is: 436.81", the 1.5B on the real-model
 * suite and on DABench), which would fail to compile and end a turn that had found the answer as
 * given up.
 *
 * @param markdown - the model's answer.
 * @returns the blocks, with where each ends.
 */
export function findCodeBlocks(markdown: string): ICodeBlock[] {
  const blocks: ICodeBlock[] = [];
  // A fence opens a line with three or more backticks; the block ends at a fence at least as
  // long, or at the end of the answer.
  let open: { fence: string; language: string; body: string[] } | null = null;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    if (!open) {
      const opening = /^\s{0,3}(`{3,})\s*([\w+-]*)[^`]*$/.exec(line);
      if (opening) {
        open = { fence: opening[1], language: opening[2].toLowerCase(), body: [] };
      }
      continue;
    }
    const closing = /^\s{0,3}(`{3,})\s*$/.exec(line);
    if (closing && closing[1].length >= open.fence.length) {
      if (Private.runnable(open.language, open.body)) {
        blocks.push({ code: open.body.join('\n'), end: lineEnd });
      }
      open = null;
      continue;
    }
    open.body.push(line);
  }
  if (open && Private.runnable(open.language, open.body)) {
    blocks.push({ code: open.body.join('\n'), end: markdown.length });
  }
  return blocks;
}

/**
 * The runnable fenced code blocks of a markdown answer, in order.
 *
 * @param markdown - the model's answer.
 * @returns the blocks' contents, without fences.
 */
export function extractCodeBlocks(markdown: string): string[] {
  return findCodeBlocks(markdown).map(block => block.code);
}

/**
 * The code the text protocol runs: the answer's first complete runnable block, as the paper's
 * protocol has it (what a model writes after its block, such as an invented result, is dropped).
 *
 * @param markdown - the model's answer.
 * @returns the code, or `undefined` when the answer has none (the turn ends).
 */
export function codeToRun(markdown: string): string | undefined {
  return findCodeBlocks(markdown)[0]?.code;
}

/**
 * Where a text-protocol answer ends: just after its first closed runnable block. Used while
 * streaming, to stop the model there.
 *
 * A stop sequence cannot do this on the server: the closing fence looks like an unlabelled
 * opening one, so the client cuts the stream itself, which works on every endpoint.
 *
 * @param markdown - the answer so far.
 * @returns the length to keep, or `undefined` while no block is closed.
 */
export function endOfFirstBlock(markdown: string): number | undefined {
  const first = findCodeBlocks(markdown)[0];
  return first && first.end < markdown.length ? first.end : undefined;
}

namespace Private {
  /**
   * A line of prose: at least four words, the first capitalised and not a Python constant, and
   * none of the characters a Python statement of that shape would need.
   */
  const PROSE_LINE = /^\s*(?!(?:True|False|None)\b)[A-Z][\w'-]*(?:[ \t]+[^\s]+){3,}\s*$/;
  const CODE_CHARACTERS = /[()=[\]{}#"]/;

  /**
   * Whether a fenced block runs: a runnable language, something in it, and not only prose or
   * answer lines.
   */
  export function runnable(language: string, body: string[]): boolean {
    const lines = body.filter(line => line.trim());
    if (!RUNNABLE_LANGUAGES.has(language) || lines.length === 0) {
      return false;
    }
    return !(
      lines.every(line => PROSE_LINE.test(line) && !CODE_CHARACTERS.test(line)) ||
      lines.every(line => ANSWER_LINE.test(line))
    );
  }
}
