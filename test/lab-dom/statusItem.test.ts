import { PageConfig } from '@jupyterlab/coreutils';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { ChatPanel } from '../../src/lab/chatPanel';
import { CommandIDs } from '../../src/lab/commandIds';
import type { IModelReadiness } from '../../src/lab/serverConfig';
import { CodeInterpreterStatus } from '../../src/lab/statusItem';
import { startJupyter } from '../support/jupyter';
import { found } from './support/domWait';

describe('CodeInterpreterStatus', () => {
  const readiness = (state: IModelReadiness['state'], reason = ''): IModelReadiness => ({
    state,
    provider: 'local',
    model: 'qwen2.5-coder-0.5b-instruct',
    reason
  });

  it.each([
    ['ready', 'Code Interpreter: ready'],
    ['idle', 'Code Interpreter: ready'],
    ['loading', 'Code Interpreter: loading the model'],
    ['failed', 'Code Interpreter: model failed'],
    ['unavailable', 'Code Interpreter: no model']
  ] as const)('says %s as "%s"', async (state, text) => {
    const item = new CodeInterpreterStatus({ onClick: () => undefined });
    item.setModelReadiness(readiness(state, state === 'failed' ? 'The local model failed: no file' : ''));
    expect((await found(item.node, '.jp-StatusBar-TextItem')).textContent).toBe(text);
    expect(item.node.dataset.modelState).toBe(state);
    if (state === 'failed') {
      expect(item.node.title).toBe('The local model failed: no file');
    }
    item.dispose();
  });

  it('is not ready before the model is known', async () => {
    const item = new CodeInterpreterStatus({ onClick: () => undefined });
    expect((await found(item.node, '.jp-StatusBar-TextItem')).textContent).toBe('Code Interpreter: checking the model');
    item.dispose();
  });
});

describe('the status bar and the sidebar on a local model that cannot start', () => {
  let server: JupyterServerProcess;

  beforeAll(async () => {
    // No endpoint; the local model is a file that does not exist, so its start fails (or, without
    // the local extra, it is unavailable from the start).
    server = await startJupyter({
      env: { CODE_INTERPRETER_MODEL: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
      extraArgs: [
        '--ServerApp.jpserver_extensions=jupyterlab_code_interpreter=True',
        '--CodeInterpreter.local_model_path=/nonexistent/model.gguf'
      ]
    });
    PageConfig.setOption('baseUrl', server.url);
    PageConfig.setOption('token', server.token);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('never says ready while the sidebar says the model failed', async () => {
    const commands = new CommandRegistry();
    commands.addCommand(CommandIDs.ask, { label: 'Ask', execute: () => undefined });
    const chat = new ChatPanel({
      commands,
      rendermime: new RenderMimeRegistry({ initialFactories: standardRendererFactories }),
      modelSetting: () => ''
    });
    Widget.attach(chat, document.body);
    const status = new CodeInterpreterStatus({ onClick: () => undefined });
    // As the plugin wires them.
    status.setModelReadiness(chat.modelReadiness);
    chat.modelReadinessChanged.connect((_, readiness) => status.setModelReadiness(readiness));
    const settled = new Promise<IModelReadiness>(resolve =>
      chat.modelReadinessChanged.connect((_, readiness) => {
        if (readiness.state === 'failed' || readiness.state === 'unavailable') {
          resolve(readiness);
        }
      })
    );

    await chat.refreshConfig();
    // Sending a prompt starts the local model, as a visitor's first question does.
    const input = await found<HTMLTextAreaElement>(chat.node, '.jp-CodeInterpreter-input');
    input.value = 'What is 2 + 2?';
    (await found<HTMLButtonElement>(chat.node, '.jp-CodeInterpreter-send')).click();
    const readiness = await settled;

    // The sidebar shows the same state once it has rendered it.
    await found(chat.node, `.jp-CodeInterpreter-localModel[data-state="${readiness.state}"]`);
    expect(status.node.dataset.modelState).toBe(readiness.state);
    // And the status bar says the same once it has rendered it.
    const words = readiness.state === 'failed' ? 'Code Interpreter: model failed' : 'Code Interpreter: no model';
    expect((await found(status.node, '.jp-StatusBar-TextItem', item => item.textContent === words)).textContent).toBe(
      words
    );
    expect(status.node.title).toContain('/nonexistent/model.gguf');
    status.dispose();
    chat.dispose();
  });
});
