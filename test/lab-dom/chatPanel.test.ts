import { PageConfig } from '@jupyterlab/coreutils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { ServerConnection, type ServiceManager } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { CONVERSATION_METADATA_KEY, type IConversationRecord } from '../../src/conversation/conversationRecord';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { AgentSession } from '../../src/lab/agentSession';
import { ChatPanel } from '../../src/lab/chatPanel';
import { CommandIDs } from '../../src/lab/commandIds';
import { ModelStatus } from '../../src/lab/modelStatus';
import { updateServerConfig } from '../../src/lab/serverConfig';
import type { Transcript } from '../../src/lab/transcript';
import { DEFAULT_SETTINGS } from '../../src/lab/settings';
import { startJupyter } from '../support/jupyter';
import { found, until } from './support/domWait';
import { closeNotebook, openNotebook, serviceManagerFor } from './support/liveNotebook';

let server: JupyterServerProcess;

beforeAll(async () => {
  // No model and no key on the server, whatever this machine's environment says; the server
  // extension enabled from this checkout, whether or not it is pip-installed yet (the UI tests
  // install it, after these run).
  server = await startJupyter({
    env: { CODE_INTERPRETER_MODEL: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
    extraArgs: ['--ServerApp.jpserver_extensions=jupyterlab_code_interpreter=True']
  });
  // The sidebar reaches the server extension with the page's default connection.
  PageConfig.setOption('baseUrl', server.url);
  PageConfig.setOption('token', server.token);
});

afterAll(async () => {
  await server?.stop();
});

/**
 * What the sidebar asked the application to do.
 */
interface ICommandCall {
  id: string;
  args: ReadonlyPartialJSONObject;
}

/**
 * A sidebar attached to the page, with the application commands it uses registered in a real
 * command registry; `ask` records its call and throws `askFails` when given.
 */
function createChat(options: { modelSetting?: string; askFails?: string } = {}) {
  const calls: ICommandCall[] = [];
  const commands = new CommandRegistry();
  commands.addCommand(CommandIDs.ask, {
    label: 'Ask',
    execute: args => {
      calls.push({ id: CommandIDs.ask, args });
      if (options.askFails) {
        throw new Error(options.askFails);
      }
    }
  });
  commands.addCommand(CommandIDs.stop, {
    label: 'Stop',
    execute: args => void calls.push({ id: CommandIDs.stop, args })
  });
  const chat = new ChatPanel({
    commands,
    rendermime: new RenderMimeRegistry({ initialFactories: standardRendererFactories }),
    modelSetting: () => options.modelSetting ?? ''
  });
  Widget.attach(chat, document.body);
  return { chat, calls };
}

/** An element of the sidebar, once rendered. */
function find<T extends Element = HTMLElement>(chat: ChatPanel, selector: string): Promise<T> {
  return found<T>(chat.node, selector);
}

function isShown(element: HTMLElement): boolean {
  return !element.classList.contains('lm-mod-hidden') && !element.hidden;
}

function pressKey(target: HTMLElement, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

/** Resolves once the commands run by the sidebar have settled. */
async function settle(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0));
}

describe('ChatPanel without a notebook', () => {
  it("shows the empty state and, with nothing configured, the local model's state", async () => {
    const { chat } = createChat();
    await chat.refreshConfig();

    expect(isShown(await find(chat, '.jp-CodeInterpreter-empty'))).toBe(true);
    expect((await find(chat, '.jp-CodeInterpreter-empty')).textContent).toMatch(/^Ask for an analysis/);
    expect((await find(chat, '.jp-CodeInterpreter-notebook')).textContent).toBe('no notebook open');
    expect((await find(chat, '.jp-CodeInterpreter-status')).textContent).toBe('idle');
    expect(chat.serverConfig).toMatchObject({ provider: 'local', has_api_key: false });

    const notice = await find(chat, '.jp-CodeInterpreter-notice');
    await until(notice, () => !!notice.querySelector('.jp-CodeInterpreter-localModel'), 'the local model state');
    const state = await find(chat, '.jp-CodeInterpreter-localModel');
    // Nothing has asked the model yet: it is not loaded (test servers load nothing they do not use).
    expect(state.dataset.state).toBe('idle');
    expect(state.textContent).toContain('qwen2.5-coder-1.5b-instruct');
    expect(notice.querySelector('.jp-CodeInterpreter-keyInput')).toBeNull();
    chat.dispose();
  });

  describe('with an endpoint set on the server', () => {
    beforeEach(async () => {
      await updateServerConfig({ base_url: 'http://127.0.0.1:9/v1' });
    });

    afterEach(async () => {
      await updateServerConfig({ base_url: '', api_key: '' });
    });

    it('asks for a model and a key, and switches back to the local model on request', async () => {
      const { chat } = createChat();
      await chat.refreshConfig();

      expect(chat.serverConfig).toMatchObject({ provider: 'remote', model: '', has_api_key: false });
      const notice = await find(chat, '.jp-CodeInterpreter-notice');
      expect(isShown(notice)).toBe(true);
      const hint = (await find(chat, '.jp-CodeInterpreter-hint')).textContent ?? '';
      expect(hint).toContain('Model endpoint: http://127.0.0.1:9/v1.');
      expect(hint).toContain('No model is set');
      expect(hint).toContain('No API key is set on the server');
      expect((await find<HTMLInputElement>(chat, '.jp-CodeInterpreter-keyInput')).type).toBe('password');
      const modelInput = await find<HTMLInputElement>(chat, '.jp-CodeInterpreter-modelInput');
      expect(modelInput.value).toBe('');
      // Typed as a keyboard does (the value's own setter, then an input event): the field keeps it.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(modelInput, 'gpt-4o');
      modelInput.dispatchEvent(new Event('input', { bubbles: true }));
      await settle();
      expect(modelInput.value).toBe('gpt-4o');

      (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-useLocal')).click();
      await until(notice, () => !!notice.querySelector('.jp-CodeInterpreter-localModel'), 'the local model state');
      expect(chat.serverConfig).toMatchObject({ provider: 'local', base_url: '' });
      chat.dispose();
    });

    it('names the model of the user settings instead of asking for one', async () => {
      const { chat } = createChat({ modelSetting: 'gpt-4o-mini' });
      await chat.refreshConfig();

      const hint = (await find(chat, '.jp-CodeInterpreter-hint')).textContent ?? '';
      expect(hint).toContain('Model: gpt-4o-mini.');
      expect(hint).not.toContain('No model is set');
      expect(hint).toContain('No API key is set on the server');
      chat.dispose();
    });
  });

  it('says the server extension did not answer when its endpoint is not there', async () => {
    const { chat } = createChat();
    PageConfig.setOption('baseUrl', `${server.url}no-such-prefix/`);
    try {
      await chat.refreshConfig();
    } finally {
      PageConfig.setOption('baseUrl', server.url);
    }

    expect(chat.serverConfig).toBeNull();
    const notice = await find(chat, '.jp-CodeInterpreter-notice');
    expect(isShown(notice)).toBe(true);
    await until(
      notice,
      () => (notice.textContent ?? '').includes("The code interpreter's server extension did not answer"),
      'the notice says the server extension did not answer'
    );
    chat.dispose();
  });
});

describe('ModelStatus', () => {
  it('keeps the state of the last read started when an older read answers after it', async () => {
    // The first read's answer is held until the second (which fails) has been applied, as when
    // the sidebar's first read is slow and a save reads again.
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    let reads = 0;
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: server.url,
      token: server.token,
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        reads += 1;
        if (reads === 1) {
          const answer = await fetch(input, init);
          await held;
          return answer;
        }
        return new Response('no such page', { status: 404 });
      }
    });
    const status = new ModelStatus({ serverSettings });
    const first = status.refresh();
    await status.refresh();
    expect(status.configError).not.toBe('');
    release();
    await first;

    expect(reads).toBe(2);
    expect(status.config).toBeNull();
    expect(status.configError).not.toBe('');
    expect(status.readiness?.state).toBe('unavailable');
    status.dispose();
  });
});

describe('ChatPanel prompt box', () => {
  it('sends the prompt with Enter through the ask command and empties the box', async () => {
    const { chat, calls } = createChat();
    const input = await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-input');
    input.value = '  plot a sine wave \n';

    const event = pressKey(input, 'Enter');
    await settle();

    expect(event.defaultPrevented).toBe(true);
    expect(calls).toEqual([{ id: CommandIDs.ask, args: { prompt: 'plot a sine wave' } }]);
    expect(input.value).toBe('');
    chat.dispose();
  });

  it('does not send with Shift+Enter, which makes a new line', async () => {
    const { chat, calls } = createChat();
    const input = await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-input');
    input.value = 'first line';

    const event = pressKey(input, 'Enter', { shiftKey: true });
    await settle();

    expect(event.defaultPrevented).toBe(false);
    expect(calls).toEqual([]);
    expect(input.value).toBe('first line');
    chat.dispose();
  });

  it('sends nothing when the box holds only spaces', async () => {
    const { chat, calls } = createChat();
    const input = await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-input');
    input.value = '   \n ';

    pressKey(input, 'Enter');
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-send')).click();
    await settle();

    expect(calls).toEqual([]);
    chat.dispose();
  });

  it('sends with the Send button, and the Stop button runs the stop command', async () => {
    const { chat, calls } = createChat();
    const input = await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-input');
    chat.setDraft('describe the data frame');
    expect(input.value).toBe('describe the data frame');

    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-send')).click();
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-stop')).click();
    await settle();

    expect(calls).toEqual([
      { id: CommandIDs.ask, args: { prompt: 'describe the data frame' } },
      { id: CommandIDs.stop, args: {} }
    ]);
    // Nothing runs, so Stop is not offered.
    expect((await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-stop')).hidden).toBe(true);
    expect((await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-send')).hidden).toBe(false);
    chat.dispose();
  });

  it('gives the prompt back and shows why when sending fails', async () => {
    const { chat, calls } = createChat({ askFails: 'No notebook is open.' });
    const input = await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-input');
    input.value = 'load data.csv';

    pressKey(input, 'Enter');
    await settle();

    expect(calls).toHaveLength(1);
    expect(input.value).toBe('load data.csv');
    const warning = await find(chat, '.jp-CodeInterpreter-step[data-state="warning"]');
    expect(warning.textContent).toBe('No notebook is open.');
    chat.dispose();
  });
});

describe('ChatPanel with a notebook session', () => {
  let manager: ServiceManager;
  let panel: NotebookPanel;

  const record: IConversationRecord = {
    version: 1,
    protocol: 'text',
    model: 'opencodeinterpreter-ds-6.7b',
    messages: [
      { role: 'user', content: 'compute the answer' },
      { role: 'assistant', content: 'The answer is **42**.' }
    ],
    turns: [
      {
        prompt: 'compute the answer',
        startedAt: '2026-11-24T10:00:00.000Z',
        outcome: 'completed',
        cells: [
          { cellId: 'agent-1', previousSource: null },
          { cellId: 'user-1', previousSource: 'answer = 0' }
        ],
        executions: 1,
        messageIndex: 0
      }
    ]
  };

  beforeAll(async () => {
    manager = serviceManagerFor(server);
    panel = await openNotebook(
      manager,
      'chat.ipynb',
      [
        { id: 'user-1', cell_type: 'code', source: 'answer = 6 * 7', metadata: {}, outputs: [], execution_count: null },
        { id: 'agent-1', cell_type: 'code', source: 'answer', metadata: {}, outputs: [], execution_count: null }
      ],
      { [CONVERSATION_METADATA_KEY]: JSON.parse(JSON.stringify(record)) }
    );
  });

  afterAll(async () => {
    if (panel) {
      await closeNotebook(panel);
    }
    manager?.dispose();
  });

  it("shows the notebook's saved conversation in full until it is continued, and undoes its turn from the Undo button", async () => {
    const session = new AgentSession({ panel, settings: () => DEFAULT_SETTINGS });
    await panel.context.ready;
    const { chat } = createChat();
    chat.setSession(session);
    // Loaded from the file: everything that would be sent is shown, as plain text, and nothing
    // can be asked before the person chooses.
    await until(chat.node, () => chat.node.querySelector('.jp-CodeInterpreter-review') !== null, 'the review');
    const shown = Array.from(
      chat.node.querySelectorAll('.jp-CodeInterpreter-review-messages li'),
      item => `${item.getAttribute('data-role')}: ${item.querySelector('pre')?.textContent}`
    );
    expect(shown).toEqual(['user: compute the answer', 'assistant: The answer is **42**.']);
    expect(session.reviewPending).toBe(true);
    await expect(session.ask('go on')).rejects.toThrow(/continue it or start fresh/);
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-review-continue')).click();
    expect(session.reviewPending).toBe(false);
    await until(chat.node, () => chat.node.querySelector('.jp-CodeInterpreter-turn-end') !== null, 'the turn is shown');
    expect(chat.node.querySelector('.jp-CodeInterpreter-review')).toBeNull();

    const header = await find(chat, '.jp-CodeInterpreter-notebook');
    await until(header, () => header.textContent === 'chat.ipynb', 'the header names the notebook');
    expect(isShown(await find(chat, '.jp-CodeInterpreter-empty'))).toBe(false);
    expect((await find(chat, '.jp-CodeInterpreter-user')).textContent).toBe('compute the answer');
    await until(
      chat.node,
      () => (chat.node.querySelector('.jp-CodeInterpreter-assistant')?.textContent ?? '').includes('42'),
      'the answer is rendered'
    );
    expect((await find(chat, '.jp-CodeInterpreter-outcome')).textContent).toBe('Done (1 execution).');

    // A double click: the button stays on the page until React commits, and is undone once.
    const undo = jest.spyOn(session, 'undo');
    const undoButton = await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-undo');
    undoButton.click();
    undoButton.click();
    expect(undo).toHaveBeenCalledTimes(1);

    expect(Array.from(panel.model!.cells, cell => cell.id)).toEqual(['user-1']);
    expect(panel.model!.cells.get(0).sharedModel.getSource()).toBe('answer = 0');
    const saved = panel.model!.getMetadata(CONVERSATION_METADATA_KEY) as unknown as IConversationRecord;
    expect(saved.turns[0].undoneAt).toEqual(expect.any(String));
    expect((await find(chat, '.jp-CodeInterpreter-undone')).textContent).toBe(' · undone');
    expect(chat.node.querySelector('.jp-CodeInterpreter-undo')).toBeNull();

    chat.setSession(null);
    const notebookName = await find(chat, '.jp-CodeInterpreter-notebook');
    await until(notebookName, () => notebookName.textContent === 'no notebook open', 'the header names no notebook');
    expect(isShown(await find(chat, '.jp-CodeInterpreter-empty'))).toBe(true);
    expect(chat.node.querySelector('.jp-CodeInterpreter-user')).toBeNull();
    chat.dispose();
    session.dispose();
  });

  it("answers an approval only on the person's own click: a script's click does nothing", async () => {
    const session = new AgentSession({ panel, settings: () => DEFAULT_SETTINGS });
    await panel.context.ready;
    const { chat } = createChat();
    chat.setSession(session);
    const answer = jest.spyOn(session, 'answer');
    const entry = session.transcript.add<Transcript.IApprovalEntry>({
      kind: 'approval',
      request: { cellId: 'agent-1', code: 'import os\nos.system("echo hi")', kind: 'new' },
      risks: [],
      state: 'pending'
    });
    await until(
      chat.node,
      () => chat.node.querySelector('.jp-CodeInterpreter-approval[data-state="pending"]') !== null,
      'the approval is shown'
    );

    // What a script in the page can do: call click(), or dispatch a mouse event of its own. Both
    // make events with isTrusted false (jsdom cannot make a trusted one, as a page cannot).
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-approve')).click();
    for (const selector of ['.jp-CodeInterpreter-approve', '.jp-CodeInterpreter-skip', '.jp-CodeInterpreter-edit']) {
      const event = new MouseEvent('click', { bubbles: true, cancelable: true });
      (await find<HTMLButtonElement>(chat, selector)).dispatchEvent(event);
      expect(event.isTrusted).toBe(false);
    }

    // Nor can it call the button's handler from the element: React keeps a rendered element's
    // props on it, and the decision buttons leave no click handler there.
    for (const selector of ['.jp-CodeInterpreter-approve', '.jp-CodeInterpreter-skip', '.jp-CodeInterpreter-edit']) {
      const button = await find<HTMLButtonElement>(chat, selector);
      const props = Object.entries(button).find(([key]) => key.startsWith('__reactProps'));
      expect(props).toBeDefined();
      expect((props![1] as Record<string, unknown>).onClick).toBeUndefined();
    }

    expect(answer).not.toHaveBeenCalled();
    expect(entry.state).toBe('pending');
    // An Edit the script had pressed would show with the card's next render: make one, and wait for it.
    entry.risks = [{ kind: 'shell', line: 2, match: 'os.system(' }];
    session.transcript.update(entry);
    await found(chat.node, '.jp-CodeInterpreter-risk');
    expect((await find<HTMLTextAreaElement>(chat, '.jp-CodeInterpreter-approvalCode')).readOnly).toBe(true);
    expect((await find(chat, '.jp-CodeInterpreter-edit')).textContent).toBe('Edit');
    chat.dispose();
    session.dispose();
  });

  it('shows the conversation as another browser on the notebook saved it (real-time collaboration)', async () => {
    const session = new AgentSession({ panel, settings: () => DEFAULT_SETTINGS });
    await panel.context.ready;
    const { chat } = createChat();
    chat.setSession(session);
    await until(chat.node, () => chat.node.querySelector('.jp-CodeInterpreter-review') !== null, 'the review');
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-review-continue')).click();
    await until(chat.node, () => chat.node.querySelector('.jp-CodeInterpreter-turn-end') !== null, 'the turn is shown');

    // Another client's turn arrives through the shared document's metadata.
    const shared = JSON.parse(JSON.stringify(panel.model!.getMetadata(CONVERSATION_METADATA_KEY)));
    shared.messages.push(
      { role: 'user', content: 'and twice that?' },
      { role: 'assistant', content: 'Twice that is **84**.' }
    );
    shared.turns.push({
      prompt: 'and twice that?',
      startedAt: '2026-11-24T10:05:00.000Z',
      outcome: 'completed',
      cells: [{ cellId: 'user-1', previousSource: 'answer = 0' }],
      executions: 1,
      messageIndex: 2
    });
    panel.model!.setMetadata(CONVERSATION_METADATA_KEY, shared);
    // Written elsewhere: shown whole for review first.
    await until(
      chat.node,
      () => chat.node.querySelectorAll('.jp-CodeInterpreter-review-messages li').length === 4,
      "the other browser's conversation is shown for review"
    );
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-review-continue')).click();

    await until(
      chat.node,
      () => chat.node.querySelectorAll('.jp-CodeInterpreter-user').length === 2,
      "the other browser's turn is shown"
    );
    const prompts = Array.from(chat.node.querySelectorAll('.jp-CodeInterpreter-user'), node => node.textContent);
    expect(prompts).toEqual(['compute the answer', 'and twice that?']);
    // The first turn is still shown undone (by the previous test); the new one can be undone.
    expect(chat.node.querySelectorAll('.jp-CodeInterpreter-undone')).toHaveLength(1);
    expect(chat.node.querySelectorAll('.jp-CodeInterpreter-undo')).toHaveLength(1);
    // Its own undo is not taken for another browser's change: the turn stays marked undone.
    (await find<HTMLButtonElement>(chat, '.jp-CodeInterpreter-undo')).click();
    await until(
      chat.node,
      () => chat.node.querySelectorAll('.jp-CodeInterpreter-undone').length === 2,
      'both turns are shown undone'
    );
    expect(chat.node.querySelectorAll('.jp-CodeInterpreter-user')).toHaveLength(2);

    // The other browser changes only a turn's mark: the messages are those already reviewed, so
    // the sidebar shows the conversation as usual, with no second review.
    const shown = new Promise<void>(resolve => {
      const onChange = (_: unknown, change: { type: string }) => {
        if (change.type === 'reset') {
          session.transcript.changed.disconnect(onChange);
          resolve();
        }
      };
      session.transcript.changed.connect(onChange);
    });
    const marked = JSON.parse(JSON.stringify(panel.model!.getMetadata(CONVERSATION_METADATA_KEY)));
    marked.turns[0].undoToldToModel = true;
    panel.model!.setMetadata(CONVERSATION_METADATA_KEY, marked);
    await shown;
    expect(session.reviewPending).toBe(false);
    await until(
      chat.node,
      () => chat.node.querySelectorAll('.jp-CodeInterpreter-user').length === 2,
      'the conversation is shown again'
    );
    expect(chat.node.querySelector('.jp-CodeInterpreter-review')).toBeNull();

    chat.dispose();
    session.dispose();
  });
});
