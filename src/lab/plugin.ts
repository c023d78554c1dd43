// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { ChatPanel } from './chatPanel';
import { CodeInterpreter } from './codeInterpreter';
import { CommandIDs } from './commandIds';
import { DEFAULT_SETTINGS, readSettings, type ICodeInterpreterSettings } from './settings';
import { CodeInterpreterStatus } from './statusItem';
import { ICodeInterpreter } from './tokens';

/**
 * The settings plugin id (schema/plugin.json).
 */
export const PLUGIN_ID = 'jupyterlab-code-interpreter:plugin';

/**
 * The code interpreter in JupyterLab: the sidebar chat, one agent session per open notebook,
 * the commands, the settings and the status bar item. It provides `ICodeInterpreter`, so other
 * extensions can ask, stop and follow the agent.
 */
export const codeInterpreterPlugin: JupyterFrontEndPlugin<ICodeInterpreter> = {
  id: PLUGIN_ID,
  description: 'A code interpreter: a language model writes, runs and revises cells of the current notebook.',
  autoStart: true,
  provides: ICodeInterpreter,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer, IStatusBar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    translator: ITranslator | null
  ): ICodeInterpreter => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_code_interpreter');
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
      showCurrent();
      return created;
    };

    const interpreter = new CodeInterpreter({
      tracker,
      settings: () => settings,
      // The embedded model is named `local`, so that the catalog (model/modelCatalog.ts) gives it
      // the protocol it does best with; the proxy sends the served name.
      serverModel: () => chat.serverConfig?.model || (chat.serverConfig?.provider === 'local' ? 'local' : ''),
      serverSettings: app.serviceManager.serverSettings,
      createNotebook,
      translator
    });

    const chat = new ChatPanel({
      commands: app.commands,
      rendermime,
      modelSetting: () => settings.model,
      translator,
      contents: app.serviceManager.contents
    });
    app.shell.add(chat, 'right', { rank: 600 });
    restorer?.add(chat, 'code-interpreter');

    const status = statusBar
      ? new CodeInterpreterStatus({ onClick: () => void app.commands.execute(CommandIDs.open), translator })
      : null;
    if (statusBar && status) {
      statusBar.registerStatusItem(`${PLUGIN_ID}:status`, { item: status, align: 'left', rank: 5 });
      // The status bar says what the sidebar says about the model.
      status.setModelReadiness(chat.modelReadiness);
      chat.modelReadinessChanged.connect((_, readiness) => status.setModelReadiness(readiness));
    }

    const showCurrent = () => {
      const panel = tracker.currentWidget;
      const session = panel ? interpreter.sessionFor(panel) : null;
      chat.setSession(session);
      status?.setSession(session);
      if (app.commands.hasCommand(CommandIDs.stop)) {
        app.commands.notifyCommandChanged(CommandIDs.stop);
      }
    };

    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(
        loaded => {
          const apply = () => {
            settings = readSettings(loaded.composite as Record<string, unknown>);
            void chat.refreshConfig();
          };
          loaded.changed.connect(apply);
          apply();
        },
        () => undefined
      );
    }

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('Code Interpreter: Open'),
      caption: trans.__('Open the code interpreter sidebar'),
      icon: args => (args.isPalette ? undefined : chat.title.icon),
      execute: args => {
        app.shell.activateById(chat.id);
        void chat.refreshConfig();
        if (typeof args.prompt === 'string') {
          chat.setDraft(args.prompt);
        }
        chat.focusInput();
      }
    });

    app.commands.addCommand(CommandIDs.ask, {
      label: args =>
        args.prompt
          ? trans.__('Code Interpreter: Ask "%1"', String(args.prompt).slice(0, 40))
          : trans.__('Code Interpreter: Ask…'),
      caption: trans.__('Send a prompt to the code interpreter for the current notebook'),
      describedBy: {
        args: {
          type: 'object',
          properties: { prompt: { type: 'string', description: 'What to ask, as if typed in the sidebar.' } }
        }
      },
      execute: async (args): Promise<ReadonlyPartialJSONObject | undefined> => {
        const prompt = typeof args.prompt === 'string' ? args.prompt.trim() : '';
        if (!prompt) {
          // From the palette: open the sidebar to type the prompt.
          await app.commands.execute(CommandIDs.open);
          return undefined;
        }
        if (!chat.isVisible) {
          app.shell.activateById(chat.id);
        }
        const result = await interpreter.ask(prompt);
        return {
          outcome: result.outcome,
          ...(result.reason ? { reason: result.reason } : {}),
          executions: result.executions
        };
      }
    });

    app.commands.addCommand(CommandIDs.stop, {
      label: trans.__('Code Interpreter: Stop'),
      caption: trans.__('Stop the model and interrupt the running cell'),
      isEnabled: () => interpreter.isRunning(),
      execute: () => interpreter.stop()
    });

    // Sessions exist for every open notebook; the sidebar follows the current one.
    tracker.widgetAdded.connect((_, panel) => void interpreter.sessionFor(panel));
    interpreter.runningChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.stop));
    tracker.currentChanged.connect(showCurrent);
    showCurrent();

    if (palette) {
      for (const command of [CommandIDs.open, CommandIDs.ask, CommandIDs.stop]) {
        palette.addItem({ command, category: trans.__('Code Interpreter'), args: { isPalette: true } });
      }
    }
    return interpreter;
  }
};
