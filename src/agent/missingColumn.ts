// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IKernelNamespace } from '../kernel/namespaceInspector';

/**
 * A table whose columns the model may have meant: a data frame of the kernel, or a data file the
 * prompt named.
 */
export interface IColumnSource {
  /**
   * `frame` for a variable, `file` for a file.
   */
  kind: 'frame' | 'file';
  /**
   * The variable's name or the file's path.
   */
  name: string;
  columns: string[];
}

/**
 * The tables of a kernel's inspection: its data frames (as far as it described their columns),
 * then the data files it read for the prompt's mentions.
 *
 * @param namespace - the inspection.
 * @returns the tables, frames first.
 */
export function columnSources(namespace: IKernelNamespace): IColumnSource[] {
  const frames = namespace.variables
    .filter(variable => variable.kind === 'dataframe' && variable.columns?.length)
    .map(variable => ({
      kind: 'frame' as const,
      name: variable.name,
      columns: (variable.columns ?? []).map(([name]) => name)
    }));
  const files = (namespace.mentioned ?? [])
    .filter(entry => entry.kind === 'file' && entry.columns?.length)
    .map(entry => ({ kind: 'file' as const, name: entry.name, columns: entry.columns ?? [] }));
  return [...frames, ...files];
}

/**
 * What to tell the model after a `KeyError` on a key that could be a column: the tables' columns,
 * the columns whose names differ from the key only in case or punctuation, and, when one table
 * has the key and others do not, that they must be merged and on which columns they share.
 *
 * The traceback alone did not move the embedded 1.5B: on the real-model suite it sent the same
 * code back until the turn's limit after `KeyError: 'Region'` (the column is `region`) and after
 * `KeyError: 'amount'` on customers (the amounts are in orders), though the turn's notes had
 * described both files.
 *
 * @param evalue - the error's value, such as `'Region'`.
 * @param sources - the tables ({@link columnSources}).
 * @returns the note, or `undefined` when the key is not a quoted name or there is no table.
 */
export function missingColumnNote(evalue: string, sources: readonly IColumnSource[]): string | undefined {
  const key = Private.QUOTED_KEY.exec(evalue)?.[2];
  if (key === undefined || sources.length === 0) {
    return undefined;
  }
  const shown = sources.slice(0, Private.MAX_SOURCES);
  const listed = shown
    .map(source => {
      const more = source.columns.length > Private.MAX_LISTED_COLUMNS ? ', ...' : '';
      return `${Private.label(source)}: ${source.columns.slice(0, Private.MAX_LISTED_COLUMNS).join(', ')}${more}`;
    })
    .join('; ');
  const lines = [`Note: the columns of ${shown.length === 1 ? 'the table' : 'the tables'}: ${listed}.`];
  const holders = shown.filter(source => source.columns.includes(key));
  if (holders.length > 0 && holders.length < shown.length) {
    const holder = holders[0];
    const shared = shown
      .filter(source => !holders.includes(source))
      .map(other => [other, other.columns.filter(name => holder.columns.includes(name))] as const)
      .filter(([, names]) => names.length > 0);
    lines.push(
      shared.length
        ? `'${key}' is a column of ${Private.label(holder)} only: merge it with ${shared
            .map(([other, names]) => `${Private.label(other)} on ${names.map(name => `'${name}'`).join(', ')}`)
            .join(' or ')} (\`pd.merge\`) before using it with their columns.`
        : `'${key}' is a column of ${Private.label(holder)} only.`
    );
  } else if (holders.length === 0) {
    const wanted = Private.normalized(key);
    const close = shown.flatMap(source =>
      source.columns
        .filter(name => Private.normalized(name) === wanted)
        .map(name => (source.kind === 'frame' ? `\`${source.name}['${name}']\`` : `'${name}' (in ${source.name})`))
    );
    lines.push(
      close.length
        ? `Did you mean ${close.join(' or ')}? Column names must be written exactly as listed.`
        : `No table has a column '${key}': use one of the columns listed.`
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
   * Tables listed at most, to keep the note short.
   */
  export const MAX_SOURCES = 4;

  /**
   * Columns listed at most for a table (the closest ones and the merge columns are found among
   * all of them).
   */
  export const MAX_LISTED_COLUMNS = 40;

  /**
   * How a table is named in the note.
   */
  export function label(source: IColumnSource): string {
    return source.kind === 'frame' ? `\`${source.name}\`` : `the file ${source.name}`;
  }

  /**
   * A column name compared without case, blanks, underscores or hyphens.
   */
  export function normalized(name: string): string {
    return name.toLowerCase().replace(/[\s_-]+/g, '');
  }
}
