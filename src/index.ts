// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { cellActionsPlugin } from './lab/cellActionsPlugin';
import { commandsPlugin } from './lab/commandsPlugin';
import { codeInterpreterPlugin } from './lab/plugin';
import { sidebarPlugin } from './lab/sidebarPlugin';
import { statusItemPlugin } from './lab/statusItemPlugin';

export { ICodeInterpreter, ICodeInterpreterSidebar } from './lab/tokens';

/**
 * The plugins JupyterLab loads: the service (which owns the settings), and the sidebar, the
 * commands, the status bar item and the cell actions on it, each of which `disabledExtensions`
 * can turn off. Nothing from cli/ is imported here.
 */
const plugins: JupyterFrontEndPlugin<unknown>[] = [
  codeInterpreterPlugin,
  sidebarPlugin,
  commandsPlugin,
  statusItemPlugin,
  cellActionsPlugin
];

export default plugins;
