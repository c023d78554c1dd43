// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { stripAnsi } from './ansi';

/**
 * A traceback cut down to the frames that matter.
 */
export interface ICondensedTraceback {
  /**
   * The traceback without the error line(s) at its end: headers, kept frames and markers for
   * the omitted ones. Empty when only the error is known.
   */
  body: string;

  /**
   * The final `ename: evalue` line, with the lines after it when the message has several.
   */
  error: string;

  /**
   * Frames left out.
   */
  omittedFrames: number;
}

/**
 * Condense an ipykernel traceback for a model.
 *
 * In each exception of the chain, the frames of the user's code (`Cell In[3], line 2`, and
 * files outside site-packages and the standard library) are kept, and so is the last frame of
 * the final exception, where the error was raised; runs of library frames between them become
 * `[... 4 library frames omitted ...]`, and runs of one frame repeated (recursion) keep one copy
 * and say how many times it repeated. The error line always stays. Colour codes are removed and
 * the row of dashes ipykernel draws is dropped.
 *
 * @param traceback - the `traceback` of an nbformat error output (one string per entry, each
 * possibly several lines).
 * @param ename - the exception's name.
 * @param evalue - the exception's message.
 * @returns the condensed body, the error line and how many frames were left out.
 */
export function condenseTraceback(traceback: readonly string[], ename: string, evalue: string): ICondensedTraceback {
  const entries = traceback.map(entry => stripAnsi(entry).replace(/\r\n/g, '\n'));
  const sections = Private.splitChain(entries);
  const lines: string[] = [];
  let omittedFrames = 0;
  sections.forEach((section, index) => {
    omittedFrames += Private.renderSection(section, index === sections.length - 1, lines);
  });
  let text = lines.filter(line => line !== '').join('\n');
  // The error line is the last line that starts with the exception's name.
  const errorAt = Private.findErrorLine(text, ename);
  let error: string;
  if (errorAt === -1) {
    error = evalue ? `${ename}: ${evalue}` : ename;
  } else {
    error = text.slice(errorAt).trimEnd();
    text = text.slice(0, errorAt);
  }
  return { body: text.trimEnd(), error, omittedFrames };
}

namespace Private {
  export type EntryKind = 'rule' | 'header' | 'chain' | 'frame' | 'other';

  const RULE = /^-{20,}$/;
  const HEADER = /^\S+\s+Traceback \(most recent call last\)\s*$/;
  const CHAIN = /^\s*(During handling of the above exception|The above exception was the direct cause)/;
  const FRAME = /^\s*(Cell In\s*\[\d*\]|Input In\s*\[\d*\]|File\s+\S)/;
  const LIBRARY_FRAME =
    /^\s*File\s+[^\n]*(site-packages|dist-packages|[\\/]lib[\\/]python\d|[\\/]Lib[\\/]|<frozen |\.pyx:|\.pxi:)/;

  export function classify(entry: string): EntryKind {
    const firstLine = entry.trimStart().split('\n', 1)[0];
    if (RULE.test(firstLine.trim())) {
      return 'rule';
    }
    if (HEADER.test(firstLine)) {
      return 'header';
    }
    if (CHAIN.test(firstLine)) {
      return 'chain';
    }
    if (FRAME.test(firstLine)) {
      return 'frame';
    }
    return 'other';
  }

  export function isLibraryFrame(entry: string): boolean {
    return LIBRARY_FRAME.test(entry);
  }

  /**
   * Split a chained traceback into one section per exception; the `During handling…` entries
   * open the next section.
   */
  export function splitChain(entries: string[]): string[][] {
    const sections: string[][] = [[]];
    for (const entry of entries) {
      if (classify(entry) === 'chain' && sections[sections.length - 1].length > 0) {
        sections.push([]);
      }
      sections[sections.length - 1].push(entry);
    }
    return sections;
  }

  interface IFrameRun {
    entry: string;
    repeats: number;
  }

  /**
   * Append one section's entries to `lines`, frames condensed.
   *
   * @returns the number of frames omitted.
   */
  export function renderSection(section: string[], isLast: boolean, lines: string[]): number {
    const frameIndices = section
      .map((entry, index) => (classify(entry) === 'frame' ? index : -1))
      .filter(index => index !== -1);
    const lastFrame = frameIndices[frameIndices.length - 1];
    let omitted = 0;
    let pendingLibrary = 0;
    let previous: IFrameRun | null = null;
    const flushRepeats = () => {
      if (previous && previous.repeats > 0) {
        lines.push(`[... the frame above repeated ${previous.repeats} more times ...]`);
        omitted += previous.repeats;
      }
      previous = null;
    };
    const flushLibrary = () => {
      if (pendingLibrary > 0) {
        lines.push(`[... ${pendingLibrary} library frame${pendingLibrary === 1 ? '' : 's'} omitted ...]`);
        omitted += pendingLibrary;
        pendingLibrary = 0;
      }
    };
    section.forEach((entry, index) => {
      const kind = classify(entry);
      if (kind === 'rule') {
        return;
      }
      if (kind === 'header') {
        flushRepeats();
        flushLibrary();
        lines.push('Traceback (most recent call last):');
        return;
      }
      if (kind !== 'frame') {
        flushRepeats();
        flushLibrary();
        // A blank line before `During handling of the above exception…`, as Python prints it.
        lines.push(kind === 'chain' ? `\n${entry.trim()}\n` : entry.trim());
        return;
      }
      const keep = !isLibraryFrame(entry) || (isLast && index === lastFrame);
      if (!keep) {
        flushRepeats();
        pendingLibrary++;
        return;
      }
      if (previous && previous.entry === entry) {
        previous.repeats++;
        return;
      }
      flushRepeats();
      flushLibrary();
      lines.push(entry.trimEnd());
      previous = { entry, repeats: 0 };
    });
    flushRepeats();
    flushLibrary();
    return omitted;
  }

  export function findErrorLine(text: string, ename: string): number {
    if (!ename) {
      return -1;
    }
    const lines = text.split('\n');
    const starts: number[] = [];
    let position = 0;
    for (const line of lines) {
      starts.push(position);
      position += line.length + 1;
    }
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i];
      if (line === ename || line.startsWith(`${ename}:`)) {
        return starts[i];
      }
      // Only lines after the last frame or marker can be the error line.
      if (FRAME.test(line) || line.startsWith('[... ')) {
        return -1;
      }
    }
    return -1;
  }
}
