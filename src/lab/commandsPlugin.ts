// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from './commandIds';
import { ICodeInterpreter, ICodeInterpreterSidebar } from './tokens';
import { readTurnArgs } from './turnArgs';

/**
 * The commands plugin's id.
 */
export const COMMANDS_PLUGIN_ID = 'jupyterlab-code-interpreter:commands';

/**
 * The code interpreter's commands, in the palette: ask and stop, on the `ICodeInterpreter`
 * service, and open when a sidebar is there to open.
 */
export const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: COMMANDS_PLUGIN_ID,
  description: "The code interpreter's commands: open the sidebar, ask, stop.",
  autoStart: true,
  requires: [ICodeInterpreter, INotebookTracker],
  optional: [ICodeInterpreterSidebar, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    interpreter: ICodeInterpreter,
    tracker: INotebookTracker,
    sidebar: ICodeInterpreterSidebar | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    const commands = [CommandIDs.ask, CommandIDs.stop];

    if (sidebar) {
      commands.unshift(CommandIDs.open);
      app.commands.addCommand(CommandIDs.open, {
        label: trans.__('Code Interpreter: Open'),
        caption: trans.__('Open the code interpreter sidebar'),
        icon: args => (args.isPalette ? undefined : sidebar.widget.title.icon),
        execute: args => {
          app.shell.activateById(sidebar.widget.id);
          void interpreter.modelStatus.refresh();
          if (typeof args.prompt === 'string') {
            sidebar.setDraft(args.prompt);
          }
          sidebar.focusInput();
        }
      });
    }

    app.commands.addCommand(CommandIDs.ask, {
      label: args =>
        args.prompt
          ? trans.__('Code Interpreter: Ask "%1"', String(args.prompt).slice(0, 40))
          : trans.__('Code Interpreter: Ask…'),
      caption: trans.__('Send a prompt to the code interpreter for the current notebook'),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            prompt: { type: 'string', description: 'What to ask, as if typed in the sidebar.' },
            attachments: {
              type: 'array',
              description: 'Cells of the notebook pointed at: {cellId, selection?: {from, to, text}}.',
              items: { type: 'object' }
            },
            intent: { type: 'string', enum: ['code', 'fix', 'explain'], description: 'The kind of help asked.' }
          }
        }
      },
      isEnabled: args => !!sidebar || (typeof args.prompt === 'string' && !!args.prompt.trim()),
      execute: async (args): Promise<ReadonlyPartialJSONObject | undefined> => {
        const prompt = typeof args.prompt === 'string' ? args.prompt.trim() : '';
        if (!prompt) {
          // From the palette: open the sidebar to type the prompt.
          if (app.commands.hasCommand(CommandIDs.open)) {
            await app.commands.execute(CommandIDs.open);
          }
          return undefined;
        }
        if (sidebar && !sidebar.widget.isVisible) {
          app.shell.activateById(sidebar.widget.id);
        }
        const result = await interpreter.ask(prompt, readTurnArgs(args));
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
    // Stop is enabled while the current notebook's turn runs.
    const stopChanged = () => app.commands.notifyCommandChanged(CommandIDs.stop);
    interpreter.runningChanged.connect(stopChanged);
    tracker.currentChanged.connect(stopChanged);

    if (palette) {
      for (const command of commands) {
        palette.addItem({ command, category: trans.__('Code Interpreter'), args: { isPalette: true } });
      }
    }
  }
};
