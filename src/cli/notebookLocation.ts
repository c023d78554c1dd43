// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, posix, relative, resolve, sep, win32 } from 'node:path';

import { UsageError } from './commonOptions';

/**
 * Where a notebook named on the command line lives: the path the Jupyter server knows it by, and
 * for a private server the folder that server must serve.
 */
export interface INotebookLocation {
  /**
   * The folder a private server serves (absolute); `undefined` for a running server, whose root
   * is its own.
   */
  rootDir?: string;

  /**
   * The notebook's path on the server: relative to its root, with `/` between folders.
   */
  serverPath: string;
}

/**
 * Find where a `--notebook` path lives on the Jupyter server.
 *
 * With a private server (no `--server-url`) the path is a local one, absolute or relative to the
 * current folder, and the server is rooted at the nearest existing folder of the notebook's own
 * folder: the notebook is then always inside the server's root, its missing folders are made
 * through the contents API, and the kernel starts in the notebook's folder. With `--server-url`
 * the path is the server's own, relative to its root: a local absolute path means nothing there.
 *
 * @param notebook - the `--notebook` value.
 * @param options - whether a running server is used, and the current folder.
 * @returns the server's path of the notebook, and the root of a private server.
 * @throws {UsageError} when the path cannot name a notebook on that server: absolute or outside
 *   the root with `--server-url`, a folder, or below a file.
 */
export function locateNotebook(notebook: string, options: NotebookLocation.IOptions): INotebookLocation {
  if (options.serverUrl !== undefined) {
    return { serverPath: Private.serverPath(notebook) };
  }
  const absolute = resolve(options.cwd, notebook);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) {
    throw new UsageError(`--notebook ${notebook} is a folder, not a notebook file`);
  }
  let rootDir = dirname(absolute);
  while (!existsSync(rootDir)) {
    rootDir = dirname(rootDir);
  }
  if (!statSync(rootDir).isDirectory()) {
    throw new UsageError(`--notebook ${notebook} cannot be made: ${rootDir} is a file, not a folder`);
  }
  return { rootDir, serverPath: relative(rootDir, absolute).split(sep).join('/') };
}

/**
 * The namespace for `locateNotebook` types.
 */
export namespace NotebookLocation {
  /**
   * What the location depends on.
   */
  export interface IOptions {
    /**
     * `--server-url`, when a running server is used.
     */
    serverUrl?: string;

    /**
     * The folder relative local paths start from.
     */
    cwd: string;
  }
}

namespace Private {
  /**
   * A path on a running server, checked and normalised (`./a/../b.ipynb` is `b.ipynb`).
   */
  export function serverPath(notebook: string): string {
    if (isAbsolute(notebook) || win32.isAbsolute(notebook)) {
      throw new UsageError(
        `--notebook ${notebook} is an absolute path; with --server-url it is a path on that server, relative to its root (such as work/analysis.ipynb)`
      );
    }
    const normalized = posix.normalize(notebook);
    if (normalized === '..' || normalized.startsWith('../')) {
      throw new UsageError(`--notebook ${notebook} is outside the server's root`);
    }
    if (normalized === '.' || normalized.endsWith('/')) {
      throw new UsageError(`--notebook ${notebook} is a folder, not a notebook file`);
    }
    return normalized;
  }
}
