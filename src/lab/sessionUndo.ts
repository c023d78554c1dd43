// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';

import type { ITurnRecord } from '../conversation/conversationRecord';
import type { SavedConversationReview } from './savedConversationReview';
import type { Transcript } from './transcript';
import { markTurnUndone, undoTurn, type IUndoResult } from './undoTurn';

/**
 * The Undo of a session's turns: from a turn's end entry in the transcript to the notebook's
 * cells put back and the turn marked undone in the saved conversation.
 */
export class SessionUndo {
  /**
   * Construct the undo of a session.
   *
   * @param options - the notebook, its saved conversation, the transcript and the session's state.
   */
  constructor(options: SessionUndo.IOptions) {
    this._options = options;
  }

  /**
   * Whether the undo mark is being written into the saved conversation now (a change of the
   * notebook's metadata that the session made itself).
   */
  get isWriting(): boolean {
    return this._writing;
  }

  /**
   * Undo a turn: delete the cells it inserted and restore the sources of the cells it edited.
   *
   * @param entry - the turn's end entry in the transcript.
   * @returns what was done.
   * @throws when a turn is running, the turn is not in the saved conversation, or it was undone.
   */
  undo(entry: Transcript.ITurnEndEntry): IUndoResult {
    if (this._options.isRunning()) {
      throw new Error('Wait for the running turn to end, or stop it, before undoing.');
    }
    if (entry.undone) {
      throw new Error(`Turn ${entry.turn} was already undone.`);
    }
    const model = this._options.panel.model;
    const turn: ITurnRecord | undefined = this._options.savedConversation.load().record?.turns[entry.turn - 1];
    if (!model || !turn) {
      throw new Error(`Turn ${entry.turn} is not in this notebook's conversation.`);
    }
    const result = undoTurn(model, turn);
    this._writing = true;
    try {
      markTurnUndone(model, entry.turn);
    } finally {
      this._writing = false;
    }
    this._options.undone();
    entry.undone = true;
    this._options.transcript.update(entry);
    return result;
  }

  /**
   * Whether a turn can be undone (it is saved and not undone yet).
   *
   * @param entry - the turn's end entry.
   * @returns `true` when undo is possible.
   */
  canUndo(entry: Transcript.ITurnEndEntry): boolean {
    const turn = this._options.savedConversation.load().record?.turns[entry.turn - 1];
    return !entry.undone && !!turn && turn.cells.length > 0;
  }

  private _options: SessionUndo.IOptions;
  private _writing = false;
}

/**
 * The namespace for `SessionUndo` statics.
 */
export namespace SessionUndo {
  /**
   * The options of a session's undo.
   */
  export interface IOptions {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * The notebook's saved conversation, which holds the turns' records.
     */
    savedConversation: SavedConversationReview;

    /**
     * What the sidebar shows: the end entry is marked undone.
     */
    transcript: Transcript;

    /**
     * Whether the session runs a turn (no undo meanwhile).
     */
    isRunning: () => boolean;

    /**
     * Called once a turn is undone, before its entry changes.
     */
    undone: () => void;
  }
}
