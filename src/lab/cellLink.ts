// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';

import type { AgentSession } from './agentSession';

/**
 * A link to a notebook cell in the sidebar's conversation: the cell's position and execution
 * count (`[*]` while it runs), or that it was deleted; a click scrolls the notebook to it.
 *
 * @param options - the session whose notebook holds the cell, the cell and the translations.
 * @returns the link element.
 */
export function createCellLink(options: CellLink.IOptions): HTMLAnchorElement {
  const { session, trans, cellId, executionCount, running } = options;
  const link = document.createElement('a');
  link.className = 'jp-CodeInterpreter-cellLink';
  link.href = '#';
  link.dataset.cellId = cellId;
  const position = session?.cellPosition(cellId);
  const count = running ? '[*]' : executionCount ? `[${executionCount}]` : '';
  link.textContent =
    position === undefined ? trans.__('cell (deleted)') : `${trans.__('cell %1', position)}${count ? ' ' + count : ''}`;
  link.title = trans.__('Scroll to the cell');
  link.addEventListener('click', event => {
    event.preventDefault();
    session?.revealCell(cellId);
  });
  return link;
}

/**
 * The namespace for `createCellLink` types.
 */
export namespace CellLink {
  /**
   * What a cell link shows and where it leads.
   */
  export interface IOptions {
    /**
     * The session whose notebook holds the cell.
     */
    session: AgentSession | null;

    /**
     * The sidebar's translations.
     */
    trans: TranslationBundle;

    /**
     * The cell's id.
     */
    cellId: string;

    /**
     * Its execution count, when it ran.
     */
    executionCount?: number | null;

    /**
     * Whether it runs now.
     */
    running?: boolean;
  }
}
