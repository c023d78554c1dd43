// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Why a piece of code is worth a person's approval before it runs.
 *
 * - `install`: installs or removes packages (`%pip`, `!pip`, `conda`...).
 * - `shell`: runs shell commands (`!cmd`, `%%bash`, `subprocess`, `os.system`...).
 * - `files`: writes, moves or deletes files (`open(..., 'w')`, `to_csv(path)`, `savefig`, `shutil`...).
 * - `network`: opens network connections (`requests`, `socket`, URLs...).
 * - `outside-read`: reads a file that may lie outside the notebook's folder (an absolute path, `..`,
 *   or a path that is not written out in the code).
 * - `private`: touches private places: the home folder (`~`), hidden files (`.ssh`), Jupyter's
 *   configuration and settings.
 * - `environment`: reads or changes environment variables (`os.environ`, `%env`).
 * - `unknown-import`: uses a module outside the data-work allowlist.
 * - `dynamic`: builds or runs code the check cannot see (`eval`, `exec`, `__import__`, `getattr`
 *   with a computed name, `globals()`, dunder attributes, unpickling).
 * - `magic`: uses an IPython magic or the IPython shell itself (`%run`, `get_ipython()`).
 * - `browser`: shows HTML or JavaScript, which JupyterLab runs in the browser.
 * - `unparsed`: the code could not be read as Python, so nothing could be shown about it.
 */
export type RiskKind =
  | 'install'
  | 'shell'
  | 'files'
  | 'network'
  | 'outside-read'
  | 'private'
  | 'environment'
  | 'unknown-import'
  | 'dynamic'
  | 'magic'
  | 'browser'
  | 'unparsed';

/**
 * One reason a piece of code is risky.
 */
export interface IRisk {
  /**
   * The kind of risk.
   */
  kind: RiskKind;

  /**
   * The 1-based line where it was found.
   */
  line: number;

  /**
   * What was found, in a few words (e.g. `shutil.rmtree`).
   */
  match: string;
}

/**
 * The risks found in one cell: one per kind and line, the first match kept.
 */
export class RiskList {
  /**
   * Record a risk, unless one of the same kind is already recorded on that line.
   *
   * @param kind - the kind.
   * @param line - the 1-based line.
   * @param match - what was found.
   */
  add(kind: RiskKind, line: number, match: string): void {
    if (!this._risks.some(risk => risk.kind === kind && risk.line === line)) {
      // A long expression would crowd the approval prompt: its start is enough to find it.
      const text = match.trim().replace(/\s+/g, ' ');
      this._risks.push({ kind, line, match: text.length > 80 ? text.slice(0, 77) + '...' : text });
    }
  }

  /**
   * The risks recorded, in line order (in the order found within a line).
   */
  get risks(): IRisk[] {
    return [...this._risks].sort((a, b) => a.line - b.line);
  }

  private _risks: IRisk[] = [];
}
