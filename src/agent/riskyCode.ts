// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { separateIPythonSyntax } from './codeSafety/ipythonSyntax';
import { findPythonRisks } from './codeSafety/pythonSafety';
import { type IRisk, RiskList, type RiskKind } from './codeSafety/risk';

export type { IRisk, RiskKind } from './codeSafety/risk';

/**
 * Find why a cell's code is not plainly data work: what the `risky` approval mode asks about.
 *
 * The check asks whenever it cannot show the code is safe. IPython's magics and shell escapes
 * are taken out first (only `%matplotlib`, `%time`, `%timeit` and a few that just show things
 * pass); the rest is parsed as Python and passes only if it uses the data-work allowlist
 * (pandas, numpy, matplotlib, seaborn, scipy, sklearn and the standard library's pure modules),
 * reads files only at literal relative paths inside the notebook's folder, writes nothing, and
 * reaches no network, environment, dynamic code or private place. Code that does not parse asks.
 *
 * It is a safeguard against a model's mistakes, not a sandbox: see docs/security.md.
 *
 * @param code - the cell's source.
 * @param options - the kernel's working folder, when known: an absolute path inside it reads a file
 *   of the notebook's folder, as the relative path does.
 * @returns the risks found, in line order (empty when the code is plainly data work).
 */
export function findRisks(code: string, options: findRisks.IOptions = {}): IRisk[] {
  const risks = new RiskList();
  // Python reads identifiers in NFKC form: `ｅｖａｌ` is `eval`, and must be checked as `eval`.
  // Strings normalized too can only look more like a path or a URL than they are: stricter.
  const python = separateIPythonSyntax(code.normalize('NFKC'), risks);
  if (python.trim()) {
    findPythonRisks(python, risks, options.folder);
  }
  return risks.risks;
}

/**
 * The namespace for `findRisks` options.
 */
export namespace findRisks {
  /**
   * Where the code runs.
   */
  export interface IOptions {
    /**
     * The kernel's working folder (absolute), when known.
     */
    folder?: string;
  }
}

/**
 * Whether code does anything {@link findRisks} reports.
 *
 * @param code - the cell's source.
 * @returns `true` when at least one risk was found.
 */
export function isRiskyCode(code: string): boolean {
  return findRisks(code).length > 0;
}

/**
 * A short description of a risk kind for the approval prompt, which reads "It <description>.".
 *
 * @param kind - the kind.
 * @returns e.g. `installs packages`.
 */
export function describeRiskKind(kind: RiskKind): string {
  switch (kind) {
    case 'install':
      return 'installs packages';
    case 'shell':
      return 'runs shell commands';
    case 'files':
      return 'writes, moves or deletes files';
    case 'network':
      return 'opens network connections';
    case 'outside-read':
      return "reads files that may be outside the notebook's folder";
    case 'private':
      return 'touches private files (home folder, hidden files, Jupyter settings)';
    case 'environment':
      return 'reads or changes environment variables';
    case 'unknown-import':
      return 'uses modules outside the data-work allowlist';
    case 'dynamic':
      return 'runs code that cannot be checked before it runs (eval, exec, dynamic imports or attributes)';
    case 'magic':
      return 'uses IPython magics or the IPython shell';
    case 'browser':
      return 'shows HTML or JavaScript, which runs in your browser';
    case 'unparsed':
      return 'could not be read as Python, so it could not be checked';
  }
}
