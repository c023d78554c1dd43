// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';

import type { AgentSession } from './agentSession';
import { ApprovalCard } from './approvalCard';
import { CandidatesApprovalCard } from './candidatesApprovalCard';
import { FeedbackEntry } from './feedbackEntry';
import { RevisionReviewCard } from './revisionReviewCard';
import { MarkdownEntry } from './markdownEntry';
import { ReviewEntry } from './reviewEntry';
import { StepEntry } from './stepEntry';
import type { Transcript, TranscriptEntry } from './transcript';
import { TurnEndEntry } from './turnEndEntry';

/**
 * The conversation in the sidebar: a session's transcript, each entry as its own widget (the
 * prompt, the streamed answer, the steps, approvals, turn ends, a saved conversation to review),
 * the empty state and the thinking line. It renders the transcript's typed entries and follows
 * its changes; it holds no agent state. The streamed answers are rendermime widgets; every other
 * entry is a React component in a widget of its own, rendered again when its entry changes.
 */
export class ConversationView extends Panel {
  /**
   * Construct the view.
   *
   * @param options - the markdown renderer of answers and the translations.
   */
  constructor(options: ConversationView.IOptions) {
    super();
    this._rendermime = options.rendermime;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    const trans = this._trans;
    this.addClass('jp-CodeInterpreter-transcript');
    this._empty = new Widget();
    this._empty.addClass('jp-CodeInterpreter-empty');
    this._empty.node.textContent = trans.__(
      'Ask for an analysis, a plot or a fix. The code goes into cells of the current notebook and runs on its kernel; failing cells are revised until they work.'
    );
    this._thinking = new Widget();
    this._thinking.addClass('jp-CodeInterpreter-thinking');
    this._thinking.node.textContent = trans.__('Thinking…');
    this._thinking.hide();
    this.node.addEventListener('scroll', this._onScroll, { passive: true });
    this._showEntries();
  }

  /**
   * Dispose of the view and stop following its transcript. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._session?.transcript.changed.disconnect(this._onTranscriptChanged, this);
    this._session = null;
    super.dispose();
  }

  /**
   * Show another session's transcript.
   *
   * @param session - the session, or `null` when no notebook is current.
   */
  setSession(session: AgentSession | null): void {
    if (session === this._session) {
      return;
    }
    this._session?.transcript.changed.disconnect(this._onTranscriptChanged, this);
    this._session = session;
    session?.transcript.changed.connect(this._onTranscriptChanged, this);
    this._showEntries();
  }

  /**
   * Render the turn ends again after a turn started or ended: their Undo waits for it.
   */
  refreshTurnEnds(): void {
    for (const [entry, widget] of this._widgets) {
      if (entry.kind === 'turn-end') {
        this._renderEntry(entry, widget);
      }
    }
  }

  /**
   * Show a warning after the conversation (a prompt that could not be sent, an undo that failed).
   *
   * @param message - what went wrong.
   */
  showError(message: string): void {
    const widget = ReactWidget.create(
      <div className="jp-CodeInterpreter-step" data-state="warning">
        {message}
      </div>
    );
    this.insertWidget(this.widgets.length - 1, widget);
  }

  private _onTranscriptChanged(_: Transcript, change: Transcript.IChange): void {
    switch (change.type) {
      case 'reset':
        this._showEntries();
        return;
      case 'thinking':
        this._thinking.setHidden(!this._session?.transcript.thinking);
        this._scrollToEnd();
        return;
      case 'added': {
        this._empty.hide();
        const widget = this._createEntry(change.entry);
        this.insertWidget(this.widgets.indexOf(this._thinking), widget);
        this._scrollToEnd();
        return;
      }
      case 'removed': {
        this._widgets.get(change.entry)?.dispose();
        this._widgets.delete(change.entry);
        return;
      }
      case 'changed': {
        const widget = this._widgets.get(change.entry);
        if (widget) {
          this._renderEntry(change.entry, widget);
          this._scrollToEnd();
        }
        return;
      }
    }
  }

  private _showEntries(): void {
    for (const widget of [...this.widgets]) {
      if (widget !== this._empty && widget !== this._thinking) {
        widget.dispose();
      }
    }
    this._widgets.clear();
    this.addWidget(this._empty);
    const entries = this._session?.transcript.entries ?? [];
    for (const entry of entries) {
      this.addWidget(this._createEntry(entry));
    }
    this.addWidget(this._thinking);
    this._empty.setHidden(entries.length > 0);
    this._thinking.setHidden(!this._session?.transcript.thinking);
    this._scrollToEnd(true);
  }

  private _createEntry(entry: TranscriptEntry): Widget {
    let widget: Widget;
    if (entry.kind === 'assistant') {
      widget = new MarkdownEntry(this._rendermime);
      widget.addClass('jp-CodeInterpreter-entry');
      widget.addClass('jp-CodeInterpreter-assistant');
    } else {
      widget = new Private.EntryWidget(
        () => this._element(entry),
        () => this._followEnd()
      );
    }
    this._widgets.set(entry, widget);
    this._renderEntry(entry, widget);
    return widget;
  }

  private _renderEntry(entry: TranscriptEntry, widget: Widget): void {
    if (entry.kind === 'assistant') {
      (widget as MarkdownEntry).render(entry.text, entry.streaming);
    } else {
      widget.update();
    }
  }

  /**
   * The component of an entry as it is now (every kind but the streamed answers).
   */
  private _element(entry: Exclude<TranscriptEntry, Transcript.IAssistantEntry>): React.ReactElement {
    const session = this._session;
    const trans = this._trans;
    switch (entry.kind) {
      case 'user':
        return <div className="jp-CodeInterpreter-entry jp-CodeInterpreter-user">{entry.text}</div>;
      case 'step':
        return <StepEntry entry={entry} session={session} trans={trans} />;
      case 'approval':
        return <ApprovalCard entry={entry} session={session} trans={trans} />;
      case 'candidates-approval':
        return <CandidatesApprovalCard entry={entry} session={session} trans={trans} />;
      case 'revision-review':
        return <RevisionReviewCard entry={entry} session={session} trans={trans} />;
      case 'turn-end':
        return (
          <TurnEndEntry entry={entry} session={session} trans={trans} onError={message => this.showError(message)} />
        );
      case 'review':
        return <ReviewEntry entry={entry} session={session} trans={trans} />;
      case 'feedback':
        return <FeedbackEntry entry={entry} trans={trans} />;
    }
  }

  /**
   * Keep the end of the conversation in view after a change, when the person was reading the end
   * (or a turn runs, or the transcript was shown anew). The entries rendered by React commit on a
   * later tick than the change, so the view follows the end again as each commits, until the
   * person scrolls up.
   */
  private _scrollToEnd(force = false): void {
    if (force || Private.nearEnd(this.node) || this._session?.isRunning) {
      this._followingEnd = true;
      requestAnimationFrame(() => this._followEnd());
    }
  }

  private _followEnd(): void {
    if (this._followingEnd) {
      this.node.scrollTop = this.node.scrollHeight;
    }
  }

  /**
   * The view follows the end while it is scrolled to (near) the end: the person scrolling up, with
   * the wheel, the keys or the scroll bar, stops it, scrolling back down starts it again.
   */
  private _onScroll = (): void => {
    this._followingEnd = Private.nearEnd(this.node);
  };

  private _rendermime: IRenderMimeRegistry;
  private _trans: TranslationBundle;
  private _session: AgentSession | null = null;
  private _empty: Widget;
  private _thinking: Widget;
  private _widgets = new Map<TranscriptEntry, Widget>();
  private _followingEnd = false;
}

/**
 * The namespace for `ConversationView` statics.
 */
export namespace ConversationView {
  /**
   * The options of the conversation view.
   */
  export interface IOptions {
    /**
     * Renders the model's markdown answers (with a sanitizer fit for untrusted text).
     */
    rendermime: IRenderMimeRegistry;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}

namespace Private {
  /**
   * Whether a scrolled element shows (nearly) its end.
   */
  export function nearEnd(node: HTMLElement): boolean {
    return node.scrollHeight - node.scrollTop - node.clientHeight < 80;
  }

  /**
   * The widget of one entry: it renders its component again on each update request.
   */
  export class EntryWidget extends ReactWidget {
    /**
     * Construct the entry's widget.
     *
     * @param element - makes the entry's component as the entry is now.
     * @param committed - called each time React has put the entry on the page.
     */
    constructor(element: () => React.ReactElement, committed: () => void) {
      super();
      this._element = element;
      this._committed = committed;
    }

    /**
     * The entry's component.
     *
     * @returns the entry as it is now.
     */
    protected render(): React.ReactElement {
      return <Committed onCommit={this._committed}>{this._element()}</Committed>;
    }

    private _element: () => React.ReactElement;
    private _committed: () => void;
  }

  /**
   * Its children, and a call after each commit of them (before the browser paints).
   */
  function Committed(props: { onCommit: () => void; children: React.ReactElement }): React.ReactElement {
    React.useLayoutEffect(() => props.onCommit());
    return props.children;
  }
}
