import type { NotebookPanel } from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import type { AgentEvent } from '../../src/agent/events';
import { stepInText } from '../../src/agent/stepIns';
import { makeNodeServerSettings } from '../../src/node/serverConnection';
import { AgentSession } from '../../src/lab/agentSession';
import { ChatPanel } from '../../src/lab/chatPanel';
import { CommandIDs } from '../../src/lab/commandIds';
import { DEFAULT_SETTINGS } from '../../src/lab/settings';
import { Transcript } from '../../src/lab/transcript';
import { lastUserMessageText, type ScriptedReply } from '../support/scriptedModelServer';
import { found, until } from './support/domWait';
import { closeNotebook, openNotebook } from './support/liveNotebook';
import { ScriptedLab } from './support/scriptedLab';

/**
 * Stepping in during a turn in the sidebar: the prompt box while a turn runs, the message pending
 * and then delivered where the model read it, handed back to start the next turn, and given back
 * to the prompt box on Stop. The agent's cell runs until the test saves the file it waits for.
 */

/**
 * A cell that prints, then runs until the file `name` exists in the notebook's folder.
 */
function waitingCell(name: string): string {
  return `import os, time\nprint('waiting', flush=True)\nwhile not os.path.exists(${JSON.stringify(name)}):\n    time.sleep(0.02)\nprint('released')`;
}

/**
 * The model: a prompt "wait for <file>" gets a cell that waits for the file; after its result, an
 * answer that says whether a message of the person came with it. "quick" gets a cell that prints
 * at once and then a streamed answer. Any other prompt gets a short answer.
 */
function reply(request: { body: { messages: { role: string; content?: unknown }[] } }): ScriptedReply {
  const messages = request.body.messages;
  const prompt = messages.find(message => message.role === 'user' && typeof message.content === 'string');
  const promptText = String(prompt?.content ?? '');
  const last = messages[messages.length - 1];
  const waitFor = /wait for (\S+\.txt)/.exec(promptText)?.[1];
  const turnPrompt = lastUserMessageText(request.body as never);
  if (waitFor && !turnPrompt.includes('Plot it too.')) {
    if (last.role === 'user' && String(last.content).includes('Message from the user')) {
      return { kind: 'text', content: 'I read your message.' };
    }
    if (last.role !== 'tool') {
      return {
        kind: 'tools',
        calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: waitingCell(waitFor) }) }]
      };
    }
    return { kind: 'text', content: 'The cell ended.' };
  }
  if (promptText.includes('quick') && !turnPrompt.includes('Plot it too.')) {
    if (last.role !== 'tool') {
      return {
        kind: 'tools',
        calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: "print('quick')" }) }]
      };
    }
    return { kind: 'text', content: 'The cell printed quick, as you asked me to show.', chunkSize: 4 };
  }
  return { kind: 'text', content: 'A new turn, from your message.' };
}

const lab = ScriptedLab.forSuite({ script: request => reply(request as never) });

describe('Transcript of messages sent during a turn', () => {
  it('moves the oldest pending message to where it was delivered', () => {
    const transcript = new Transcript();
    transcript.handle({ type: 'turn-start', turn: 1, prompt: 'Go.' });
    const first = transcript.add<Transcript.IFeedbackEntry>({ kind: 'feedback', text: 'one', state: 'pending' });
    transcript.add<Transcript.IFeedbackEntry>({ kind: 'feedback', text: 'two', state: 'pending' });
    const changes: Transcript.IChange['type'][] = [];
    transcript.changed.connect((_, change) => void changes.push(change.type));
    transcript.handle({ type: 'model-request', protocol: 'tools', messages: [], tools: true });
    transcript.handle({ type: 'feedback-delivered', text: 'one' });

    expect(transcript.entries.includes(first)).toBe(false);
    expect(
      transcript.entries.map(entry => (entry.kind === 'feedback' ? `${entry.text}:${entry.state}` : entry.kind))
    ).toEqual(['user', 'two:pending', 'one:delivered']);
    expect(changes).toEqual(['thinking', 'removed', 'added']);
  });
});

describe('the sidebar while a turn runs', () => {
  let panel: NotebookPanel | undefined;
  let session: AgentSession | undefined;
  let chat: ChatPanel | undefined;
  let count = 0;

  afterEach(async () => {
    chat?.dispose();
    session?.dispose();
    if (panel) {
      await closeNotebook(panel);
    }
    panel = undefined;
  });

  /**
   * A notebook, its session and a sidebar showing it, whose ask and stop commands go to the
   * session (as the commands plugin's do, through the service).
   */
  async function open(): Promise<{ chat: ChatPanel; session: AgentSession; events: AgentEvent[]; name: string }> {
    const name = `step-in-${++count}`;
    panel = await openNotebook(lab.manager, `${name}.ipynb`, []);
    const opened = new AgentSession({
      panel,
      settings: () => ({ ...DEFAULT_SETTINGS, approval: 'never', protocol: 'tools' }),
      serverSettings: makeNodeServerSettings(lab.server.url, lab.server.token)
    });
    session = opened;
    await panel.context.ready;
    const commands = new CommandRegistry();
    commands.addCommand(CommandIDs.ask, {
      execute: async args => {
        const result = await opened.ask(String(args.prompt));
        return { outcome: result.outcome };
      }
    });
    commands.addCommand(CommandIDs.stop, { execute: () => opened.stop() });
    chat = new ChatPanel({
      commands,
      rendermime: new RenderMimeRegistry({ initialFactories: standardRendererFactories }),
      serverSettings: makeNodeServerSettings(lab.server.url, lab.server.token)
    });
    chat.setSession(opened);
    Widget.attach(chat, document.body);
    // The prompt box is typed into from the session's signals, which do not wait for a render.
    await found(chat.node, '.jp-CodeInterpreter-input');
    const events: AgentEvent[] = [];
    opened.events.connect((_, event) => void events.push(event));
    return { chat, session: opened, events, name };
  }

  function find<T extends HTMLElement = HTMLElement>(root: ChatPanel, selector: string): T {
    const element = root.node.querySelector<T>(selector);
    if (!element) {
      throw new Error(`No ${selector} in the sidebar`);
    }
    return element;
  }

  /** Type into the prompt box and press Enter. */
  function type(root: ChatPanel, text: string): void {
    const input = find<HTMLTextAreaElement>(root, '.jp-CodeInterpreter-input');
    input.value = text;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  }

  /** Resolves at the session's next event of this type. */
  function next(opened: AgentSession, type: AgentEvent['type'], count = 1): Promise<void> {
    let seen = 0;
    return new Promise(resolve => {
      const onEvent = (_: AgentSession, event: AgentEvent) => {
        if (event.type === type && ++seen === count) {
          opened.events.disconnect(onEvent);
          resolve();
        }
      };
      opened.events.connect(onEvent);
    });
  }

  /** Resolves once the session has no turn running (its last one wholly ended). */
  function idle(opened: AgentSession): Promise<void> {
    return new Promise(resolve => {
      if (!opened.isRunning) {
        resolve();
        return;
      }
      const onChange = (_: AgentSession, running: boolean) => {
        if (!running) {
          opened.runningChanged.disconnect(onChange);
          resolve();
        }
      };
      opened.runningChanged.connect(onChange);
    });
  }

  function kinds(root: ChatPanel): string[] {
    return Array.from(root.node.querySelectorAll<HTMLElement>('.jp-CodeInterpreter-entry')).map(node => {
      const kind = ['user', 'assistant', 'step', 'feedback', 'turn-end'].find(name =>
        node.classList.contains(`jp-CodeInterpreter-${name}`)
      );
      return node.dataset.state ? `${kind}:${node.dataset.state}` : String(kind);
    });
  }

  it('keeps the box open with Send to the running turn; the message is pending, then shown where the model read it', async () => {
    const { chat: sidebar, session: opened, name } = await open();
    const started = next(opened, 'execution-start');
    const ended = next(opened, 'turn-end');
    type(sidebar, `Please wait for ${name}.txt`);
    await started;

    const input = find<HTMLTextAreaElement>(sidebar, '.jp-CodeInterpreter-input');
    const send = find<HTMLButtonElement>(sidebar, '.jp-CodeInterpreter-send');
    expect(opened.isRunning).toBe(true);
    expect(input.disabled).toBe(false);
    await until(send, () => send.textContent === 'Send to the running turn', 'Send goes to the running turn');
    expect(send.hidden).toBe(false);
    expect(find<HTMLButtonElement>(sidebar, '.jp-CodeInterpreter-stop').hidden).toBe(false);

    type(sidebar, 'Use the median.');
    expect(input.value).toBe('');
    const pending = await found(sidebar.node, '.jp-CodeInterpreter-feedback[data-state="pending"]');
    expect(pending.querySelector('.jp-CodeInterpreter-feedbackText')?.textContent).toBe('Use the median.');
    expect(pending.querySelector('[role="status"]')?.textContent).toBe(
      'Sent during the turn: will be read at the next step'
    );

    await lab.manager.contents.save(`${name}.txt`, { type: 'file', format: 'text', content: 'go' });
    await ended;
    await idle(opened);

    await until(
      sidebar.node,
      () =>
        kinds(sidebar).at(-1) === 'turn-end' &&
        kinds(sidebar).includes('feedback:delivered') &&
        send.textContent === 'Send',
      'the turn is shown ended, with the message where the model read it'
    );
    expect(sidebar.node.querySelector('.jp-CodeInterpreter-feedback[data-state="pending"]')).toBeNull();
    const delivered = find(sidebar, '.jp-CodeInterpreter-feedback[data-state="delivered"]');
    expect(delivered.querySelector('.jp-CodeInterpreter-feedbackText')?.textContent).toBe('Use the median.');
    expect(delivered.querySelector('[role="status"]')?.textContent).toBe('Read by the model at this step');
    // After the cell's step, before the answer it led to.
    const shown = kinds(sidebar);
    const at = shown.indexOf('feedback:delivered');
    expect(shown.indexOf('step:ok')).toBeGreaterThan(0);
    expect(at).toBeGreaterThan(shown.indexOf('step:ok'));
    expect(shown.slice(at + 1)).toEqual(['assistant', 'turn-end']);
    expect(find(sidebar, '.jp-CodeInterpreter-assistant').textContent).toContain('I read your message.');
    const sent = lab.model.requests.at(-1)!.body.messages;
    expect(sent.at(-1)).toEqual({ role: 'user', content: stepInText('Use the median.') });
    expect(sent.at(-2)?.role).toBe('tool');
  });

  it('starts the next turn with a message sent while the final answer streamed', async () => {
    const { chat: sidebar, session: opened } = await open();
    let ran = false;
    let typed = false;
    opened.events.connect((_, event) => {
      if (event.type === 'execution-end') {
        ran = true;
      }
      if (event.type === 'model-delta' && ran && !typed) {
        typed = true;
        type(sidebar, 'Plot it too.');
      }
    });
    const bothEnded = next(opened, 'turn-end', 2);
    type(sidebar, 'Run something quick.');
    await bothEnded;
    await idle(opened);

    expect(typed).toBe(true);
    await until(
      sidebar.node,
      () => sidebar.node.querySelectorAll('.jp-CodeInterpreter-user').length === 2,
      'both prompts are shown'
    );
    expect(sidebar.node.querySelector('.jp-CodeInterpreter-feedback')).toBeNull();
    const prompts = Array.from(sidebar.node.querySelectorAll('.jp-CodeInterpreter-user')).map(node => node.textContent);
    expect(prompts).toEqual(['Run something quick.', 'Plot it too.']);
    expect(opened.isRunning).toBe(false);
    const requests = lab.model.requests.slice(-3);
    expect(JSON.stringify(requests[1].body.messages)).not.toContain('Plot it too.');
    expect(lastUserMessageText(requests[2].body as never).endsWith('Plot it too.')).toBe(true);
    expect(find<HTMLTextAreaElement>(sidebar, '.jp-CodeInterpreter-input').value).toBe('');
  });

  it('still stops, and gives the messages the model never read back to the prompt box', async () => {
    const { chat: sidebar, session: opened, name } = await open();
    const started = next(opened, 'execution-start');
    const ended = next(opened, 'turn-end');
    type(sidebar, `Please wait for ${name}-never.txt`);
    await started;
    type(sidebar, 'Never mind.');
    type(sidebar, 'Really.');
    const input = find<HTMLTextAreaElement>(sidebar, '.jp-CodeInterpreter-input');
    input.value = 'a new draft';
    await until(
      sidebar.node,
      () => sidebar.node.querySelectorAll('.jp-CodeInterpreter-feedback[data-state="pending"]').length === 2,
      'both messages are shown pending'
    );
    find<HTMLButtonElement>(sidebar, '.jp-CodeInterpreter-stop').click();
    await ended;
    // The prompt box gets them back once the session has ended its turn.
    await idle(opened);

    expect(input.value).toBe('Never mind.\n\nReally.\n\na new draft');
    expect(sidebar.node.querySelector('.jp-CodeInterpreter-feedback')).toBeNull();
    expect(sidebar.node.querySelectorAll('.jp-CodeInterpreter-user')).toHaveLength(1);
    expect((await found(sidebar.node, '.jp-CodeInterpreter-turn-end')).textContent).toBeTruthy();
    expect(opened.isRunning).toBe(false);
  });
});
