// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding the `jupyterlab_code_interpreter` Python package: the package root, found
 * from this file whether it runs from src/node (tests) or is bundled in dist/ (the command line).
 *
 * @returns the folder, or `undefined` when the Python package is not beside this code.
 */
export function pythonPackageRoot(): string | undefined {
  for (let folder = __dirname, depth = 0; depth < 4; depth++, folder = dirname(folder)) {
    if (existsSync(join(folder, 'jupyterlab_code_interpreter', 'websocket.py'))) {
      return folder;
    }
  }
  return undefined;
}

/**
 * The Python that runs the project's servers: `CODE_INTERPRETER_PYTHON`, else the package's own
 * development venv (made by scripts/setup) when there is one, else `python3`.
 *
 * @param env - the environment.
 * @returns the interpreter's path or name.
 */
export function defaultPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODE_INTERPRETER_PYTHON) {
    return env.CODE_INTERPRETER_PYTHON;
  }
  const root = pythonPackageRoot();
  const venvPython = root ? join(root, '.venv', 'bin', 'python') : undefined;
  return venvPython && existsSync(venvPython) ? venvPython : 'python3';
}
