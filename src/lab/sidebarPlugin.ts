// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator } from '@jupyterlab/translation';

import { ChatPanel } from './chatPanel';
import { ICodeInterpreter, ICodeInterpreterSidebar } from './tokens';

/**
 * The sidebar plugin's id (disable it to run the code interpreter without its sidebar).
 */
export const SIDEBAR_PLUGIN_ID = 'jupyterlab-code-interpreter:sidebar';

/**
 * The code interpreter's sidebar in the right area: the current notebook's conversation, the
 * model setup and the prompt box, on the `ICodeInterpreter` service.
 */
export const sidebarPlugin: JupyterFrontEndPlugin<ICodeInterpreterSidebar> = {
  id: SIDEBAR_PLUGIN_ID,
  description: "The code interpreter's sidebar: the current notebook's conversation and the prompt box.",
  autoStart: true,
  provides: ICodeInterpreterSidebar,
  requires: [ICodeInterpreter, INotebookTracker, IRenderMimeRegistry],
  optional: [ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    interpreter: ICodeInterpreter,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): ICodeInterpreterSidebar => {
    const chat = new ChatPanel({
      commands: app.commands,
      rendermime,
      modelStatus: interpreter.modelStatus,
      translator: translator ?? undefined,
      contents: app.serviceManager.contents
    });
    app.shell.add(chat, 'right', { rank: 600 });
    restorer?.add(chat, 'code-interpreter');

    const showCurrent = () => {
      const panel = tracker.currentWidget;
      chat.setSession(panel ? interpreter.sessionFor(panel) : null);
    };
    tracker.currentChanged.connect(showCurrent);
    // A prompt sent with no notebook open makes one: its turn starting shows it at once.
    interpreter.runningChanged.connect(showCurrent);
    showCurrent();
    return chat;
  }
};
