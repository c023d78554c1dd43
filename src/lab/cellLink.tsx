// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentSession } from './agentSession';

/**
 * A link to a notebook cell in the sidebar's conversation: the cell's position and execution
 * count (`[*]` while it runs), or that it was deleted; a click scrolls the notebook to it.
 *
 * @param props - the session whose notebook holds the cell, the cell and the translations.
 * @returns the link.
 */
export function CellLink(props: CellLink.IProps): React.ReactElement {
  const { session, trans, cellId, executionCount, running } = props;
  const position = session?.cellPosition(cellId);
  const count = running ? '[*]' : executionCount ? `[${executionCount}]` : '';
  return (
    <a
      className="jp-CodeInterpreter-cellLink"
      href="#"
      data-cell-id={cellId}
      title={trans.__('Scroll to the cell')}
      onClick={event => {
        event.preventDefault();
        session?.revealCell(cellId);
      }}
    >
      {position === undefined
        ? trans.__('cell (deleted)')
        : `${trans.__('cell %1', position)}${count ? ' ' + count : ''}`}
    </a>
  );
}

/**
 * The namespace for `CellLink` types.
 */
export namespace CellLink {
  /**
   * What a cell link shows and where it leads.
   */
  export interface IProps {
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
