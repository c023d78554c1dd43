// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';

import { checkSavedConversation, type ICheckedConversation } from '../agent/savedConversation';
import { CONVERSATION_METADATA_KEY } from '../conversation/conversationRecord';
import type { LiveNotebookTarget } from './liveNotebookTarget';
import type { Transcript } from './transcript';

/**
 * The conversation saved in a notebook as its session shows it: in full, waiting for the person's
 * review (Continue or Start fresh), when it was written elsewhere (the file, another browser, a
 * collaborator) and its messages are not ones the person already continued or this session wrote;
 * otherwise as usual. Nothing of a conversation under review is sent.
 */
export class SavedConversationReview implements IDisposable {
  /**
   * Construct the review of a notebook's saved conversation.
   *
   * @param options - where the conversation is saved and where it shows.
   */
  constructor(options: SavedConversationReview.IOptions) {
    this._target = options.target;
    this._transcript = options.transcript;
    this._isOwnWrite = options.isOwnWrite;
    this._changedElsewhere = options.changedElsewhere;
  }

  /**
   * Whether the review is disposed (it follows the notebook no more).
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether the saved conversation waits for the person's review.
   */
  get isPending(): boolean {
    return this._reviewing;
  }

  /**
   * Whether the person chose to start fresh and the turn that does so has not ended yet: the
   * agent then leaves the saved conversation out.
   */
  get startsFresh(): boolean {
    return this._fresh;
  }

  /**
   * The notebook's saved conversation, checked as the agent checks it: the sidebar shows what
   * the agent would continue.
   *
   * @returns the checked conversation.
   */
  load(): ICheckedConversation {
    return checkSavedConversation(this._target.loadConversation());
  }

  /**
   * Show the notebook's saved conversation: in full, for review, when it holds messages or had
   * parts dropped and its messages are not ones already seen (`markSeen`); otherwise as usual.
   */
  show(): void {
    const saved = this.load();
    const seen = this._accepted !== null && Private.messagesKey(saved) === this._accepted;
    // Messages the person has already seen whole or made here (a collaborator's undo mark
    // changes only a turn) need no second review.
    if (!seen && (saved.dropped.length || (saved.record?.messages.length ?? 0) > 0)) {
      this._reviewing = true;
      this._transcript.review(saved);
    } else {
      this._reviewing = false;
      this._transcript.restore(saved.record);
    }
  }

  /**
   * Follow the notebook's saved conversation: when it changes and the change is not the session's
   * own write (a turn running here or an undo here), a collaborator on the same notebook
   * (real-time collaboration) ran a turn or undid one. The sidebar then shows the conversation as
   * it now is, in full for review (it was not made here), and `changedElsewhere` is called first,
   * so that the agent is made again and continues the shared conversation instead of overwriting
   * it with its own older copy.
   *
   * @param model - the notebook's model, once it is ready.
   */
  follow(model: INotebookModel | null): void {
    model?.metadataChanged.connect(this._onMetadataChanged, this);
  }

  /**
   * End the review by continuing the conversation: the sidebar shows it as usual.
   */
  continue(): void {
    const saved = this.load();
    this._reviewing = false;
    this._accepted = Private.messagesKey(saved);
    this._transcript.restore(saved.record);
  }

  /**
   * End the review by leaving the conversation out: the next turn starts a new one.
   */
  startFresh(): void {
    this._reviewing = false;
    this._fresh = true;
    this._transcript.restore(undefined);
  }

  /**
   * Note that the saved messages, as they are now, need no review when they come back (this
   * session's own turn wrote them).
   */
  markSeen(): void {
    this._accepted = Private.messagesKey(this.load());
  }

  /**
   * A turn ended: a fresh start, if chosen, is done.
   */
  turnEnded(): void {
    this._fresh = false;
  }

  /**
   * Stop following the notebook. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _onMetadataChanged(_: INotebookModel, change: { key: string }): void {
    if (change.key !== CONVERSATION_METADATA_KEY || this._isOwnWrite()) {
      return;
    }
    this._changedElsewhere();
    this.show();
  }

  private _target: LiveNotebookTarget;
  private _transcript: Transcript;
  private _reviewing = false;
  private _accepted: string | null = null;
  private _fresh = false;
  private _isOwnWrite: () => boolean;
  private _changedElsewhere: () => void;
  private _isDisposed = false;
}

/**
 * The namespace for `SavedConversationReview` statics.
 */
export namespace SavedConversationReview {
  /**
   * The options of a review.
   */
  export interface IOptions {
    /**
     * The notebook, where the conversation is saved.
     */
    target: LiveNotebookTarget;

    /**
     * What the sidebar shows.
     */
    transcript: Transcript;

    /**
     * Whether the session writes the saved conversation now (a turn runs, an undo marks a turn).
     */
    isOwnWrite: () => boolean;

    /**
     * Called when the saved conversation changed elsewhere, before it is shown again.
     */
    changedElsewhere: () => void;
  }
}

namespace Private {
  /**
   * The messages of a checked conversation, as one string to compare.
   */
  export function messagesKey(checked: ICheckedConversation): string {
    return JSON.stringify(checked.record?.messages ?? []);
  }
}
