// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What the kernel says of a name the user mentioned with `@`: a variable of the namespace, a
 * file or folder under the kernel's working folder, or nothing of that name. The kernel side is
 * jupyterlab_code_interpreter/kernel_side/mention_describer.py, sent with the namespace inspector
 * (namespaceInspector.ts) when there are mentions.
 */
export interface IMentionedEntry {
  /**
   * The name as the user wrote it.
   */
  name: string;

  /**
   * What the name is in the kernel.
   */
  kind: 'variable' | 'file' | 'folder' | 'missing';

  /**
   * A fuller description than the kernel's state gives: a frame's first rows and `describe()`,
   * an array's values, a value's repr, a text file's size and first lines, a folder's entries.
   * Already cut to the character limit asked for.
   */
  text: string;

  /**
   * A delimited file's column names, as pandas reads it (files only, when it could).
   */
  columns?: string[];
}
