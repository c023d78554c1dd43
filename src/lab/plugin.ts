// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { AgentSession } from './agentSession';
import { ChatPanel } from './chatPanel';
import { CommandIDs } from './commandIds';
import { DEFAULT_SETTINGS, readSettings, type ICodeInterpreterSettings } from './settings';
import { CodeInterpreterStatus } from './statusItem';

/**
 * The settings plugin id (schema/plugin.json).
 */
export const PLUGIN_ID = 'jupyterlab-code-interpreter:plugin';

/**
 * The code interpreter in JupyterLab: the sidebar chat, one agent session per open notebook,
 * the commands, the settings and the status bar item.
 */
export const codeInterpreterPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A code interpreter: a language model writes, runs and revises cells of the current notebook.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer, IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null
  ) => {
    let settings: ICodeInterpreterSettings = { ...DEFAULT_SETTINGS };
    const sessions = new Map<NotebookPanel, AgentSession>();
    const sessionFor = (panel: NotebookPanel): AgentSession => {
      let session = sessions.get(panel);
      if (!session) {
        session = new AgentSession({
          panel,
          settings: () => settings,
          serverModel: () => chat.serverConfig?.model ?? '',
          serverSettings: app.serviceManager.serverSettings
        });
        sessions.set(panel, session);
        panel.disposed.connect(() => {
          sessions.get(panel)?.dispose();
          sessions.delete(panel);
        });
      }
      return session;
    };

    const chat = new ChatPanel({ commands: app.commands, rendermime, modelSetting: () => settings.model });
    app.shell.add(chat, 'right', { rank: 600 });
    restorer?.add(chat, 'code-interpreter');

    const status = statusBar ? new CodeInterpreterStatus(() => void app.commands.execute(CommandIDs.open)) : null;
    if (statusBar && status) {
      statusBar.registerStatusItem(`${PLUGIN_ID}:status`, { item: status, align: 'left', rank: 5 });
    }

    const showCurrent = () => {
      const panel = tracker.currentWidget;
      const session = panel ? sessionFor(panel) : null;
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

    /**
     * The current notebook, or a new one when none is open.
     */
    const currentOrNewNotebook = async (): Promise<NotebookPanel> => {
      const current = tracker.currentWidget;
      if (current) {
        return current;
      }
      const created = await app.commands.execute('notebook:create-new', { kernelName: 'python3' });
      if (!(created instanceof NotebookPanel)) {
        throw new Error('No notebook is open and a new one could not be created.');
      }
      await created.context.ready;
      showCurrent();
      return created;
    };

    app.commands.addCommand(CommandIDs.open, {
      label: 'Code Interpreter: Open',
      caption: 'Open the code interpreter sidebar',
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
        args.prompt ? `Code Interpreter: Ask "${String(args.prompt).slice(0, 40)}"` : 'Code Interpreter: Ask…',
      caption: 'Send a prompt to the code interpreter for the current notebook',
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
        const panel = await currentOrNewNotebook();
        const result = await sessionFor(panel).ask(prompt);
        return {
          outcome: result.outcome,
          ...(result.reason ? { reason: result.reason } : {}),
          executions: result.executions
        };
      }
    });

    app.commands.addCommand(CommandIDs.stop, {
      label: 'Code Interpreter: Stop',
      caption: 'Stop the model and interrupt the running cell',
      isEnabled: () => !!(tracker.currentWidget && sessions.get(tracker.currentWidget)?.isRunning),
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) {
          sessions.get(panel)?.stop();
        }
      }
    });

    // Sessions exist for every open notebook; the sidebar follows the current one.
    tracker.widgetAdded.connect((_, panel) => {
      sessionFor(panel).runningChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.stop));
    });
    tracker.currentChanged.connect(showCurrent);
    showCurrent();

    if (palette) {
      for (const command of [CommandIDs.open, CommandIDs.ask, CommandIDs.stop]) {
        palette.addItem({ command, category: 'Code Interpreter', args: { isPalette: true } });
      }
    }
  }
};
