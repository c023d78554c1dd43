// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { INamespaceVariable } from '../kernel/namespaceInspector';

/**
 * What to tell the model after a `KeyError` on a key that could be a column: the kernel's data
 * frames with their columns, the columns whose names differ from the key only in case or
 * punctuation, and, when another frame has the key, that the frames must be merged and on which
 * columns they share.
 *
 * The traceback alone did not move the embedded 1.5B: on the real-model suite it sent the same
 * code back until the turn's limit after `KeyError: 'Region'` (the column is `region`) and after
 * `KeyError: 'amount'` on customers (the amounts are in orders), though the turn's notes had
 * described both files.
 *
 * @param evalue - the error's value, such as `'Region'`.
 * @param variables - the kernel's variables, as its inspection described them.
 * @returns the note, or `undefined` when the key is not a quoted name or no frame has columns.
 */
export function missingColumnNote(evalue: string, variables: readonly INamespaceVariable[]): string | undefined {
  const key = Private.QUOTED_KEY.exec(evalue)?.[2];
  const frames = variables.filter(variable => variable.kind === 'dataframe' && variable.columns?.length);
  if (key === undefined || frames.length === 0) {
    return undefined;
  }
  const columnsOf = (frame: INamespaceVariable) => (frame.columns ?? []).map(([name]) => name);
  const listed = frames
    .slice(0, Private.MAX_FRAMES)
    .map(frame => `\`${frame.name}\`: ${columnsOf(frame).join(', ')}`)
    .join('; ');
  const lines = [`Note: the kernel's data frames and their columns: ${listed}.`];
  const holders = frames.filter(frame => columnsOf(frame).includes(key));
  if (holders.length > 0 && holders.length < frames.length) {
    const holder = holders[0];
    const others = frames.filter(frame => !holders.includes(frame));
    const shared = others
      .map(other => [other, columnsOf(other).filter(name => columnsOf(holder).includes(name))] as const)
      .filter(([, names]) => names.length > 0);
    lines.push(
      shared.length
        ? `'${key}' is a column of \`${holder.name}\` only: merge it with ${shared
            .map(([other, names]) => `\`${other.name}\` on ${names.map(name => `'${name}'`).join(', ')}`)
            .join(' or ')} (\`pd.merge\`) before using it with their columns.`
        : `'${key}' is a column of \`${holder.name}\` only.`
    );
  } else if (holders.length === 0) {
    const wanted = Private.normalized(key);
    const close = frames.flatMap(frame =>
      columnsOf(frame)
        .filter(name => Private.normalized(name) === wanted)
        .map(name => `\`${frame.name}['${name}']\``)
    );
    lines.push(
      close.length
        ? `Did you mean ${close.join(' or ')}? Column names must be written exactly as listed.`
        : `No frame has a column '${key}': use one of the columns listed.`
    );
  }
  return lines.join(' ');
}

namespace Private {
  /**
   * A `KeyError` value that is one quoted key, as pandas raises for a missing column.
   */
  export const QUOTED_KEY = /^\s*(['"])(.*)\1\s*$/;

  /**
   * Frames listed at most, to keep the note short.
   */
  export const MAX_FRAMES = 4;

  /**
   * A column name compared without case, blanks, underscores or hyphens.
   */
  export function normalized(name: string): string {
    return name.toLowerCase().replace(/[\s_-]+/g, '');
  }
}
