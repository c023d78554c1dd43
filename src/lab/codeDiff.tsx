// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { unifiedMergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import * as React from 'react';

/**
 * Show the change from one source to another as a read-only unified diff (CodeMirror's merge
 * view): removed lines above the lines that replace them. `@codemirror/state` and `view` are
 * JupyterLab's shared singletons, so the diff uses the same CodeMirror as the notebook's editors
 * (only `@codemirror/merge` itself is in this extension's bundle).
 *
 * @param options - the two sources and where the diff goes.
 * @returns the editor view; destroy it when its node leaves the page.
 */
export function createCodeDiff(options: ICodeDiffOptions): EditorView {
  return new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.proposed,
      extensions: [
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.lineWrapping,
        unifiedMergeView({
          original: options.previous,
          // Decided by the card's Accept and Reject, not chunk by chunk.
          mergeControls: false,
          gutter: true,
          highlightChanges: true,
          syntaxHighlightDeletions: false
        })
      ]
    })
  });
}

/**
 * The options of `createCodeDiff`.
 */
export interface ICodeDiffOptions {
  /**
   * The source before the change.
   */
  previous: string;

  /**
   * The source after it.
   */
  proposed: string;

  /**
   * The element the diff is added to.
   */
  parent: HTMLElement;
}

/**
 * The diff as a component: the merge view is made when the element mounts and destroyed when it
 * unmounts or its sources change (CodeMirror owns the element's content, React only the element).
 *
 * @param props - the two sources and the element's accessible label.
 * @returns the element that holds the diff.
 */
export function CodeDiff(props: CodeDiff.IProps): React.ReactElement {
  const { previous, proposed, ariaLabel } = props;
  const parent = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (!parent.current) {
      return;
    }
    const view = createCodeDiff({ previous, proposed, parent: parent.current });
    return () => view.destroy();
  }, [previous, proposed]);
  return <div className="jp-CodeInterpreter-diff" aria-label={ariaLabel} ref={parent} />;
}

/**
 * The namespace for `CodeDiff` types.
 */
export namespace CodeDiff {
  /**
   * What the diff shows.
   */
  export interface IProps {
    /**
     * The source before the change.
     */
    previous: string;

    /**
     * The source after it.
     */
    proposed: string;

    /**
     * The element's accessible label.
     */
    ariaLabel?: string;
  }
}
