import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { CommandRegistry } from '@lumino/commands';
import { PluginRegistry } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import { CodeInterpreter } from '../../src/lab/codeInterpreter';
import { CommandIDs } from '../../src/lab/commandIds';
import { commandsPlugin } from '../../src/lab/commandsPlugin';
import { codeInterpreterPlugin, PLUGIN_ID } from '../../src/lab/plugin';
import { SIDEBAR_PLUGIN_ID } from '../../src/lab/sidebarPlugin';
import { STATUS_ITEM_PLUGIN_ID, statusItemPlugin } from '../../src/lab/statusItemPlugin';
import { ICodeInterpreter, ICodeInterpreterSidebar } from '../../src/lab/tokens';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { found } from './support/domWait';
import { closeNotebook, openNotebook } from './support/liveNotebook';
import { ScriptedLab } from './support/scriptedLab';

/**
 * The model: runs one cell, then answers from its output.
 */
function reply(body: { messages: { role: string }[] }): ScriptedReply {
  const last = body.messages[body.messages.length - 1];
  if (last.role === 'tool') {
    return { kind: 'text', content: 'The answer is 42.' };
  }
  return { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'print(6 * 7)' }) }] };
}

let panel: NotebookPanel;

const lab = ScriptedLab.forSuite({
  script: request => reply(request.body as never),
  env: { OPENAI_API_KEY: 'test-key' },
  beforeStop: async () => {
    if (panel) {
      await closeNotebook(panel);
    }
  }
});

beforeAll(async () => {
  panel = await openNotebook(lab.manager, 'no-sidebar.ipynb', []);
});

/**
 * A plugin that provides a service the code interpreter's plugins need from JupyterLab.
 */
function provider<T>(id: string, token: JupyterFrontEndPlugin<T>['provides'], service: T): JupyterFrontEndPlugin<T> {
  return { id, autoStart: true, provides: token, activate: () => service };
}

describe('the code interpreter without its sidebar plugin', () => {
  it('activates the service, the commands and the status item, and answers through the token', async () => {
    const tracker = new NotebookTracker({ namespace: 'code-interpreter-plugins-test' });
    await tracker.add(panel);
    const loaded: string[] = [];
    const settingRegistry = {
      load: async (id: string) => {
        loaded.push(id);
        return { composite: { approval: 'never', protocol: 'tools' }, changed: new Signal<unknown, void>({}) };
      }
    };
    const statusItems = new Map<string, Widget>();
    const statusBar = {
      registerStatusItem: (id: string, item: { item: Widget }) => void statusItems.set(id, item.item)
    };
    const shell = { add: jest.fn(), activateById: jest.fn() };
    const commands = new CommandRegistry();
    const registry = new PluginRegistry<JupyterFrontEnd>();
    registry.application = { commands, serviceManager: lab.manager, shell } as unknown as JupyterFrontEnd;
    registry.registerPlugins([
      provider('test:tracker', INotebookTracker, tracker),
      provider('test:settings', ISettingRegistry, settingRegistry as unknown as ISettingRegistry),
      provider('test:status-bar', IStatusBar, statusBar as unknown as IStatusBar),
      codeInterpreterPlugin,
      commandsPlugin,
      statusItemPlugin
    ]);
    await registry.activatePlugins('startUp');

    // Nothing of the sidebar: no widget in the shell, no open command, no sidebar service.
    expect(registry.hasPlugin(SIDEBAR_PLUGIN_ID)).toBe(false);
    expect(await registry.resolveOptionalService(ICodeInterpreterSidebar)).toBeNull();
    expect(shell.add).not.toHaveBeenCalled();
    expect(commands.hasCommand(CommandIDs.open)).toBe(false);
    expect(commands.hasCommand(CommandIDs.ask)).toBe(true);
    expect(commands.hasCommand(CommandIDs.stop)).toBe(true);
    // The settings are still those of schema/plugin.json, read by the service.
    expect(loaded).toEqual([PLUGIN_ID]);

    const interpreter = await registry.resolveRequiredService(ICodeInterpreter);
    // The model is reached with the service manager's connection, not the page's default one
    // (which points nowhere in this test).
    expect(interpreter.modelStatus.serverSettings === lab.manager.serverSettings).toBe(true);
    await interpreter.modelStatus.refresh();
    expect(interpreter.modelStatus.readiness).toMatchObject({ state: 'ready', provider: 'remote' });
    const status = statusItems.get(STATUS_ITEM_PLUGIN_ID);
    expect(status).toBeDefined();
    // Said once the item has rendered what it learned.
    await found(status!.node, '.jp-StatusBar-TextItem', item => item.textContent === 'Code Interpreter: ready');

    const result = await interpreter.ask('What is six times seven?', { notebook: panel });

    expect({ outcome: result.outcome, executions: result.executions }).toEqual({ outcome: 'completed', executions: 1 });
    const cells = Array.from(panel.model!.cells, cell => cell.sharedModel.getSource());
    expect(cells).toEqual(['print(6 * 7)']);
    expect(interpreter.isRunning(panel)).toBe(false);
    expect(interpreter).toBeInstanceOf(CodeInterpreter);
    (interpreter as CodeInterpreter).dispose();
  });
});
