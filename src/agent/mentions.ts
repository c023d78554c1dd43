// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from '../feedback/tokenCounter';
import type { IMentionedEntry } from '../kernel/mentionDescriber';
import { MAX_MENTIONS } from '../kernel/namespaceInspector';
import type { ICellSummary } from '../notebook/notebookTarget';

/**
 * The names a prompt mentions with `@`: `@df`, `@data/sales.csv`, `@cell3` (the notebook's third
 * cell) or `@"file with spaces.csv"`. An `@` inside a word (an e-mail address, a decorator call in
 * quoted code) is not a mention; punctuation that ends a sentence is not part of the name.
 *
 * @param prompt - what the user wrote.
 * @returns the distinct names in order, at most `MAX_MENTIONS`.
 */
export function findMentions(prompt: string): string[] {
  const names: string[] = [];
  for (const match of prompt.matchAll(Private.MENTION)) {
    const name = match[1] ?? match[2].replace(Private.TRAILING_PUNCTUATION, '');
    if (name && !names.includes(name)) {
      names.push(name);
    }
  }
  return names.slice(0, MAX_MENTIONS);
}

/**
 * The cell a mention such as `cell3` names (counting from 1, as the sidebar lists them).
 *
 * @param name - the mentioned name.
 * @param cells - the notebook's cells.
 * @returns the cell and its position, or `undefined` when the name is not a cell's.
 */
export function mentionedCell(name: string, cells: ICellSummary[]): { cell: ICellSummary; index: number } | undefined {
  const match = /^cell(\d+)$/i.exec(name);
  const index = match ? Number(match[1]) - 1 : -1;
  return index >= 0 && index < cells.length ? { cell: cells[index], index } : undefined;
}

/**
 * Describe what the user mentioned, for the model, within a token budget shared evenly between
 * the mentions (a long description keeps its beginning and end).
 *
 * A name the kernel knows as a variable is that variable even if it looks like a cell's. A name
 * that is neither a variable, a file nor a cell is left out: an `@` word that names nothing was
 * most likely not meant as a mention (a decorator, an answer format such as `@mean[1.5]`, a
 * handle), and the sidebar only offers names that exist.
 *
 * @param names - the mentioned names, as `findMentions` gave them.
 * @param entries - what the kernel said of them (empty when it was not asked or did not answer).
 * @param cells - the notebook's cells.
 * @param options - the budget and the token counter.
 * @returns the note (empty when no mention names anything).
 */
export function renderMentions(
  names: string[],
  entries: IMentionedEntry[],
  cells: ICellSummary[],
  options: renderMentions.IOptions
): string {
  const described: [string, string][] = [];
  for (const name of names) {
    const entry = entries.find(candidate => candidate.name === name);
    const cell = entry?.kind === 'variable' ? undefined : mentionedCell(name, cells);
    if (entry && entry.kind !== 'missing') {
      described.push([`@${name} (${entry.kind})`, entry.text]);
    } else if (cell) {
      const count = cell.cell.cellType === 'code' ? `, In [${cell.cell.executionCount ?? ' '}]` : '';
      described.push([`@${name} (cell ${cell.cell.id}, ${cell.cell.cellType}${count})`, cell.cell.source]);
    }
  }
  if (!described.length) {
    return '';
  }
  const share = Math.max(40, Math.floor(options.budgetTokens / described.length));
  const parts = described.map(
    ([heading, body]) =>
      `${heading}:\n${Private.fit(body, share - options.counter.count(heading) - 2, options.counter)}`
  );
  return `What the user mentioned:\n${parts.join('\n')}`;
}

/**
 * The namespace for `renderMentions` statics.
 */
export namespace renderMentions {
  /**
   * Options of the rendering.
   */
  export interface IOptions {
    /**
     * Tokens the whole note may use.
     */
    budgetTokens: number;

    /**
     * Counts tokens.
     */
    counter: ITokenCounter;
  }
}

namespace Private {
  /**
   * `@` at the start or after a space or an opening bracket, then a quoted name or a run of
   * characters without spaces.
   */
  export const MENTION = /(?:^|[\s([{,])@(?:"([^"\n]+)"|([^\s@"'`]+))/g;

  /**
   * What ends a sentence after a name rather than belonging to it.
   */
  export const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

  /**
   * Characters a token spans at most, nearly always: where the cut is looked for, so that its cost
   * follows the budget rather than the description's length.
   */
  const SPARSE_CHARS_PER_TOKEN = 16;

  /**
   * The text within a token count: whole when it fits, else its first and last tokens (half the
   * room each, as the counter finds where they fall) with the number of characters left out
   * between them.
   */
  export function fit(text: string, tokens: number, counter: ITokenCounter): string {
    if (counter.count(text) <= tokens) {
      return text;
    }
    const marker = (characters: number) => `\n... (${characters} characters left out) ...\n`;
    // The marker's tokens come out of the room (counted with the most digits its number can have).
    let room = tokens - counter.count(marker(text.length));
    for (let attempt = 0; attempt < 2 && room >= 2; attempt++) {
      const headTokens = Math.ceil(room / 2);
      const tailTokens = room - headTokens;
      const headEnd = counter.headEnd(text.slice(0, headTokens * SPARSE_CHARS_PER_TOKEN), headTokens);
      const from = Math.max(headEnd, text.length - tailTokens * SPARSE_CHARS_PER_TOKEN);
      const tailStart = from + counter.tailStart(text.slice(from), tailTokens);
      const fitted = `${text.slice(0, headEnd)}${marker(tailStart - headEnd)}${text.slice(tailStart)}`;
      const over = counter.count(fitted) - tokens;
      if (over <= 0) {
        return fitted;
      }
      // Tokens can merge differently where the pieces are joined: the room shrinks by the excess.
      room -= over;
    }
    return text.slice(0, Math.max(0, tokens));
  }
}
