// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';

import { CommandIDs } from './commandIds';
import { CodeInterpreterStatus } from './statusItem';
import { ICodeInterpreter } from './tokens';

/**
 * The status bar item plugin's id (disable it to hide the item).
 */
export const STATUS_ITEM_PLUGIN_ID = 'jupyterlab-code-interpreter:status';

/**
 * The status bar item: what the current notebook's code interpreter does, or whether its model
 * can answer. A click opens the sidebar when there is one.
 */
export const statusItemPlugin: JupyterFrontEndPlugin<void> = {
  id: STATUS_ITEM_PLUGIN_ID,
  description: "The code interpreter's status bar item: running, or whether the model is ready.",
  autoStart: true,
  requires: [ICodeInterpreter, INotebookTracker, IStatusBar],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    interpreter: ICodeInterpreter,
    tracker: INotebookTracker,
    statusBar: IStatusBar,
    translator: ITranslator | null
  ): void => {
    const status = new CodeInterpreterStatus({
      onClick: () => {
        if (app.commands.hasCommand(CommandIDs.open)) {
          void app.commands.execute(CommandIDs.open);
        }
      },
      translator: translator ?? undefined
    });
    statusBar.registerStatusItem(STATUS_ITEM_PLUGIN_ID, { item: status, align: 'left', rank: 5 });
    // The status bar says what the sidebar says about the model: both show the service's.
    const modelStatus = interpreter.modelStatus;
    status.setModelReadiness(modelStatus.readiness);
    modelStatus.readinessChanged.connect((_, readiness) => status.setModelReadiness(readiness));

    const showCurrent = () => {
      const panel = tracker.currentWidget;
      status.setSession(panel ? interpreter.sessionFor(panel) : null);
    };
    tracker.currentChanged.connect(showCurrent);
    interpreter.runningChanged.connect(showCurrent);
    showCurrent();
  }
};
