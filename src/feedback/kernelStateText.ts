// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { INamespaceVariable, KernelInspection } from '../kernel/namespaceInspector';
import { formatByteSize } from './imageInfo';
import type { ITokenCounter } from './tokenCounter';

/**
 * Describe the kernel's state for the model, within a token budget.
 *
 * Frames and arrays come first (with columns, dtypes, null counts and first rows, when they fit),
 * then scalars and collections, objects, functions and classes; the newest first within each.
 * The modules, the working folder's files and the count of variables left out are always given,
 * so the text stays near its budget however large the namespace is.
 *
 * @param inspection - what the kernel answered (or why it was not asked).
 * @param options - the budget and the token counter.
 * @returns the text (empty when the namespace is empty and the folder holds nothing).
 */
export function renderKernelState(inspection: KernelInspection, options: renderKernelState.IOptions): string {
  if (inspection.kind === 'skipped') {
    return Private.SKIP_NOTES[inspection.reason];
  }
  const { namespace } = inspection;
  const budget = Math.max(0, Math.floor(options.budgetTokens));
  const counter = options.counter;

  const footer: string[] = [];
  if (namespace.modules.length) {
    footer.push(`modules: ${Private.list(namespace.modules.map(Private.moduleName), Private.MAX_MODULES)}`);
  }
  if (namespace.filesTotal > 0) {
    const total = namespace.filesCapped ? `${namespace.filesTotal}+` : String(namespace.filesTotal);
    const names = namespace.files.map(([name, bytes]) =>
      bytes === null ? name : `${name} (${formatByteSize(bytes)})`
    );
    const more = namespace.filesTotal - namespace.files.length;
    const tail = more > 0 || namespace.filesCapped ? `, ... (${total} entries)` : '';
    footer.push(`files in ${namespace.cwd}: ${names.join(', ')}${tail}`);
  }
  if (namespace.partial) {
    footer.push('(some variables are given by type only: the kernel ran out of time describing them)');
  }
  if (!namespace.total && !footer.length) {
    return '';
  }

  const lines: string[] = [];
  let used = counter.count(footer.join('\n')) + Private.MORE_LINE_TOKENS;
  let shown = 0;
  for (const variable of namespace.variables) {
    const full = Private.describe(variable, true);
    const fullTokens = counter.count(full) + 1;
    if (used + fullTokens <= budget) {
      lines.push(full);
      used += fullTokens;
      shown++;
      continue;
    }
    const short = Private.describe(variable, false);
    const shortTokens = counter.count(short) + 1;
    if (short === full || used + shortTokens > budget) {
      break;
    }
    lines.push(short);
    used += shortTokens;
    shown++;
  }
  const omitted = namespace.total - shown;
  if (omitted > 0) {
    lines.push(`... and ${omitted} more variable${omitted === 1 ? '' : 's'}`);
  }
  if (!namespace.total) {
    lines.push('(no variables)');
  }
  return [...lines, ...footer].join('\n');
}

/**
 * The namespace for `renderKernelState` statics.
 */
export namespace renderKernelState {
  /**
   * Options of the rendering.
   */
  export interface IOptions {
    /**
     * Tokens the text may use.
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
   * Modules named at most.
   */
  export const MAX_MODULES = 25;

  /**
   * Tokens kept for the line that counts what was left out.
   */
  export const MORE_LINE_TOKENS = 12;

  /**
   * What the model reads when the kernel was not inspected.
   */
  export const SKIP_NOTES: Record<Extract<KernelInspection, { kind: 'skipped' }>['reason'], string> = {
    busy: '(The kernel is busy running code: its variables were not inspected now.)',
    'not-python': '(The kernel is not an IPython kernel: its variables are not listed.)',
    timeout: '(The kernel did not answer in time: its variables were not inspected now.)',
    'not-running': '(The kernel is not running: there are no variables to list.)',
    error: '(The kernel could not be inspected: its variables are not listed.)'
  };

  export function moduleName([name, module]: [string, string]): string {
    return name === module ? name : `${name} (${module})`;
  }

  export function list(items: string[], max: number): string {
    const more = items.length - max;
    return more > 0 ? `${items.slice(0, max).join(', ')}, ... (+${more} more)` : items.join(', ');
  }

  /**
   * One variable: the first line always, a frame's columns and first rows when `full`.
   */
  export function describe(variable: INamespaceVariable, full: boolean): string {
    const { name, kind, type, shape, dtype, length, bytes, value } = variable;
    const parts: string[] = [type];
    if (kind === 'dataframe' && shape) {
      parts.push(`${shape[0]} rows x ${shape[1]} columns`);
    } else if (shape) {
      parts.push(`shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
    }
    if (dtype) {
      parts.push(dtype);
    }
    if (length !== undefined) {
      parts.push(`len ${length}`);
    }
    if (bytes !== undefined && full) {
      parts.push(formatByteSize(bytes));
    }
    let line = value !== undefined ? `${name}: ${type} = ${value}` : `${name}: ${parts.join(', ')}`;
    if (!full || !variable.columns) {
      return line;
    }
    const columns = variable.columns.map(([column, columnType]) => `${column} ${columnType}`);
    const hiddenColumns = shape ? shape[1] - variable.columns.length : 0;
    line += `\n  columns: ${columns.join(', ')}${hiddenColumns > 0 ? `, ... (+${hiddenColumns} more)` : ''}`;
    const counted = variable.columns.filter(([, , nulls]) => nulls !== null);
    if (counted.length) {
      const withNulls = counted.filter(([, , nulls]) => (nulls ?? 0) > 0);
      line += withNulls.length
        ? `\n  nulls: ${withNulls.map(([column, , nulls]) => `${column} ${nulls}`).join(', ')}`
        : '\n  nulls: none';
    }
    if (variable.head?.length) {
      line += `\n  first rows: ${variable.head.map(row => row.join(' | ')).join(' ; ')}`;
    }
    return line;
  }
}
