// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Cell } from '@jupyterlab/cells';

import type { ICellAttachment } from '../agent/turnRequest';

/**
 * A cell as an attachment: its id, and the code selected in its editor when some is.
 *
 * @param cell - the cell widget.
 * @returns the attachment.
 */
export function cellAttachment(cell: Cell): ICellAttachment {
  const cellId = cell.model.id;
  // A cell not rendered yet (windowed out) has no editor, hence no selection.
  const editor = cell.editor;
  if (!editor) {
    return { cellId };
  }
  const range = editor.getSelection();
  const start = editor.getOffsetAt(range.start);
  const end = editor.getOffsetAt(range.end);
  // A selection made upwards ends before it starts.
  const from = Math.min(start, end);
  const to = Math.max(start, end);
  if (from === to) {
    return { cellId };
  }
  const text = cell.model.sharedModel.getSource().slice(from, to);
  return text.trim() ? { cellId, selection: { from, to, text } } : { cellId };
}
