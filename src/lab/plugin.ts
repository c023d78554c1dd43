// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CodeInterpreter } from './codeInterpreter';
import { ModelStatus } from './modelStatus';
import { DEFAULT_SETTINGS, readSettings, type ICodeInterpreterSettings } from './settings';
import { ICodeInterpreter } from './tokens';

/**
 * The service plugin's id, which is also the settings' id: JupyterLab reads the settings of a
 * plugin `<package>:<name>` from `schema/<name>.json`, so schema/plugin.json belongs to this id and
 * the users' saved settings stay where they were.
 */
export const PLUGIN_ID = 'jupyterlab-code-interpreter:plugin';

/**
 * The code interpreter's service, with no UI: one agent session per open notebook, the settings,
 * and what is known of the model. It provides `ICodeInterpreter`, which the sidebar, the commands
 * and the status bar item (plugins of their own, each of which can be disabled) and other
 * extensions use to ask, stop and follow the agent.
 */
export const codeInterpreterPlugin: JupyterFrontEndPlugin<ICodeInterpreter> = {
  id: PLUGIN_ID,
  description: 'A code interpreter: a language model writes, runs and revises cells of the current notebook.',
  autoStart: true,
  provides: ICodeInterpreter,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): ICodeInterpreter => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_code_interpreter');
    const serverSettings = app.serviceManager.serverSettings;
    let settings: ICodeInterpreterSettings = { ...DEFAULT_SETTINGS };

    /**
     * A new notebook with a Python kernel, for a prompt sent when none is open.
     */
    const createNotebook = async (): Promise<NotebookPanel> => {
      const created = await app.commands.execute('notebook:create-new', { kernelName: 'python3' });
      if (!(created instanceof NotebookPanel)) {
        throw new Error(trans.__('No notebook is open and a new one could not be created.'));
      }
      await created.context.ready;
      return created;
    };

    const modelStatus = new ModelStatus({ serverSettings, modelSetting: () => settings.model, translator });
    const interpreter = new CodeInterpreter({
      tracker,
      settings: () => settings,
      modelStatus,
      serverSettings,
      createNotebook,
      translator
    });

    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(
        loaded => {
          const apply = () => {
            settings = readSettings(loaded.composite as Record<string, unknown>);
            void modelStatus.refresh();
          };
          loaded.changed.connect(apply);
          apply();
        },
        () => void modelStatus.refresh()
      );
    } else {
      void modelStatus.refresh();
    }

    // Sessions exist for every open notebook, shown or not: each follows its saved conversation.
    tracker.widgetAdded.connect((_, panel) => void interpreter.sessionFor(panel));
    return interpreter;
  }
};
