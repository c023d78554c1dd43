// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { EditorView } from '@codemirror/view';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { AgentSession } from './agentSession';
import { createCellLink } from './cellLink';
import { createCodeDiff } from './codeDiff';
import type { Transcript } from './transcript';

/**
 * One step of a turn in the sidebar (a cell written, run, revised, a warning): its label, a link
 * to its cell, its detail, the attempt it is, and its code folded away. It shows the step entry's
 * typed fields as they are, and renders again when the entry changes.
 */
export class StepEntry extends Widget {
  /**
   * Construct the step's view.
   *
   * @param options - the session whose notebook the step works on, and the translations.
   */
  constructor(options: StepEntry.IOptions) {
    super();
    this._session = options.session;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
  }

  /**
   * Show the step as it is now.
   *
   * @param entry - the step.
   */
  render(entry: Transcript.IStepEntry): void {
    const node = this.node;
    this._diffs.forEach(view => view.destroy());
    this._diffs.clear();
    node.replaceChildren();
    node.dataset.state = entry.state;
    const label = document.createElement('span');
    label.className = 'jp-CodeInterpreter-stepLabel';
    label.textContent = entry.label;
    node.append(label);
    if (entry.cellId) {
      const link = createCellLink({
        session: this._session,
        trans: this._trans,
        cellId: entry.cellId,
        executionCount: entry.executionCount,
        running: entry.state === 'running'
      });
      node.append(' ', link);
    }
    if (entry.detail) {
      const detail = document.createElement('span');
      detail.className = 'jp-CodeInterpreter-stepDetail';
      detail.textContent = `: ${entry.detail}`;
      node.append(detail);
    }
    if (entry.attempt !== undefined && entry.maxAttempts !== undefined) {
      const attempt = document.createElement('span');
      attempt.className = 'jp-CodeInterpreter-attempt';
      attempt.textContent = this._trans.__('attempt %1 of %2', entry.attempt, entry.maxAttempts);
      node.append(' ', attempt);
    }
    if (entry.previousCode !== undefined && entry.code !== undefined) {
      node.append(this._changes(entry.previousCode, entry.code));
    }
    if (entry.code) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = this._trans.__('code');
      const pre = document.createElement('pre');
      pre.textContent = entry.code;
      details.append(summary, pre);
      node.append(details);
    }
  }

  /**
   * The revision's diff, folded away and built when first opened (an editor per step is costly).
   */
  private _changes(previous: string, proposed: string): HTMLElement {
    const details = document.createElement('details');
    details.className = 'jp-CodeInterpreter-changes';
    const summary = document.createElement('summary');
    summary.textContent = this._trans.__('changes');
    const diff = document.createElement('div');
    diff.className = 'jp-CodeInterpreter-diff';
    details.append(summary, diff);
    details.addEventListener('toggle', () => {
      if (details.open && !this._diffs.has(diff)) {
        this._diffs.set(diff, createCodeDiff({ previous, proposed, parent: diff }));
      }
    });
    return details;
  }

  /**
   * Dispose of the step and its diffs. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._diffs.forEach(view => view.destroy());
    this._diffs.clear();
    super.dispose();
  }

  private _diffs = new Map<HTMLElement, EditorView>();
  private _session: AgentSession | null;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `StepEntry` statics.
 */
export namespace StepEntry {
  /**
   * The options of a step's view.
   */
  export interface IOptions {
    /**
     * The session whose notebook the step works on (its cell links lead there).
     */
    session: AgentSession | null;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
