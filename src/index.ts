// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { codeInterpreterPlugin } from './lab/plugin';

export { ICodeInterpreter } from './lab/tokens';

/**
 * The plugins JupyterLab loads. Nothing from cli/ is imported here.
 */
const plugins: JupyterFrontEndPlugin<unknown>[] = [codeInterpreterPlugin];

export default plugins;
