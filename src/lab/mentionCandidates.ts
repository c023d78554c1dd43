// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { formatByteSize } from '../feedback/imageInfo';
import type { INamespaceVariable } from '../kernel/namespaceInspector';
import type { LiveNotebookTarget } from './liveNotebookTarget';
import type { IMentionCandidate } from './mentionPopup';

/**
 * What the user can mention now in a notebook's prompt: the kernel's variables (not asked while
 * it runs code), the notebook's cells and the entries of the notebook's folder, where its kernel
 * starts.
 *
 * @param target - the notebook.
 * @param contents - the server's contents, for the folder; no files when omitted.
 * @param trans - the sidebar's translations.
 * @returns the candidates, variables first.
 */
export async function mentionCandidates(
  target: LiveNotebookTarget,
  contents: Contents.IManager | undefined,
  trans: TranslationBundle
): Promise<IMentionCandidate[]> {
  const folder = PathExt.dirname(target.name);
  const [inspection, listing] = await Promise.all([
    target.inspectKernel({ maxVariables: 200, maxFiles: 0 }),
    contents?.get(folder, { content: true }).catch(() => null) ?? Promise.resolve(null)
  ]);
  const candidates: IMentionCandidate[] = [];
  if (inspection.kind === 'namespace') {
    for (const variable of inspection.namespace.variables) {
      candidates.push({ kind: 'variable', name: variable.name, detail: Private.variableDetail(variable) });
    }
  }
  target.cells().forEach((cell, index) => {
    const firstLine = cell.source.split('\n').find(line => line.trim()) ?? '';
    candidates.push({
      kind: 'cell',
      name: `cell${index + 1}`,
      detail: firstLine.length > 40 ? `${firstLine.slice(0, 39)}…` : firstLine || trans.__('empty')
    });
  });
  const entries = Array.isArray(listing?.content) ? (listing.content as Contents.IModel[]) : [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.path === target.name) {
      continue;
    }
    const folderEntry = entry.type === 'directory';
    candidates.push({
      kind: folderEntry ? 'folder' : 'file',
      name: folderEntry ? `${entry.name}/` : entry.name,
      detail: folderEntry ? trans.__('folder') : Private.sizeText(entry.size)
    });
  }
  return candidates;
}

namespace Private {
  /**
   * A variable's type and size, as the mention list shows it.
   */
  export function variableDetail(variable: INamespaceVariable): string {
    const { kind, type, shape, dtype, length, value } = variable;
    if (value !== undefined) {
      return `${type} = ${value}`;
    }
    const size = shape ? (kind === 'dataframe' ? `${shape[0]} × ${shape[1]}` : `(${shape.join(', ')})`) : '';
    return [type, size, dtype, length === undefined ? '' : `len ${length}`].filter(Boolean).join(' ');
  }

  /**
   * A file's size, or nothing when the server did not give it.
   */
  export function sizeText(size: number | undefined): string {
    return typeof size === 'number' ? formatByteSize(size) : '';
  }
}
