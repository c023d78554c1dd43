import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NotebookPanel } from '@jupyterlab/notebook';

import type { AgentEvent } from '../../src/agent/events';
import { makeNodeServerSettings } from '../../src/node/serverConnection';
import { AgentSession } from '../../src/lab/agentSession';
import { DEFAULT_SETTINGS, type ApprovalPolicy } from '../../src/lab/settings';
import type { Transcript } from '../../src/lab/transcript';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { closeNotebook, openNotebook } from './support/liveNotebook';
import { ScriptedLab } from './support/scriptedLab';

/**
 * The thorough effort in the sidebar's session, on a real Jupyter server, a real notebook panel
 * and real kernels, with a scripted model that answers by the request's seed: the one approval
 * of the set, candidates in kernels and folder copies of their own, the vote, the chosen cells
 * run in the person's kernel, and Stop.
 */

const TASK = 'What is the total of v in data.csv?';
const RIGHT = "import pandas as pd\ntotal = pd.read_csv('data.csv')['v'].sum()\nprint(total)";
// A wrong candidate that also writes a file and leaves a variable in its kernel.
const WRONG = "open('written-by-candidate.txt', 'w').write('x')\nleftover = 1\nprint(5)";
const RISKY = "import subprocess\nsubprocess.run(['true'])\nprint('ran')";
// Where the server makes the candidates' copies (jupyterlab_code_interpreter/candidate_folders_handler.py).
const CANDIDATE_FOLDER_ROOT = '.code-interpreter-candidates';
// Set by a test: seed 2's second cell blocks on this file, and the script calls `blocking` when it
// sends that cell, so Stop lands while candidate 2 runs.
let blockingFile: string | undefined;
let blocking: (() => void) | undefined;

/**
 * The model: seeds 1 and 3 compute the total (6), seed 2 prints 5; its first call is risky code
 * (a candidate must not run it under the `risky` policy). The answer states the printed figure.
 */
function reply(request: { body: { seed?: number; messages: { role: string; content?: unknown }[] } }): ScriptedReply {
  const { seed, messages } = request.body;
  const tools = messages.filter(message => message.role === 'tool').map(message => String(message.content));
  if (seed === 2) {
    if (!tools.length) {
      return { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: RISKY }) }] };
    }
    if (tools.length === 1) {
      blocking?.();
      const code = blockingFile
        ? `import os, time\nwhile not os.path.exists(${JSON.stringify(blockingFile)}):\n    time.sleep(0.02)\n${WRONG}`
        : WRONG;
      return { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code }) }] };
    }
    return { kind: 'text', content: 'The total of v is 5.' };
  }
  if (!tools.length) {
    return { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: RIGHT }) }] };
  }
  return { kind: 'text', content: 'The total of v is 6.' };
}

const lab = ScriptedLab.forSuite({ script: request => reply(request as never) });

beforeAll(() => {
  writeFileSync(join(lab.server.rootDir, 'data.csv'), 'v\n1\n2\n3\n');
});

describe('the thorough effort in the sidebar', () => {
  let panel: NotebookPanel | undefined;
  let session: AgentSession | undefined;
  let count = 0;

  let firstRequest = 0;

  beforeEach(() => {
    firstRequest = lab.model.requests.length;
    blockingFile = undefined;
    blocking = undefined;
  });

  /** The model requests of this test. */
  function requests(): { seed?: number; temperature?: number; messages: { role: string; content?: unknown }[] }[] {
    return lab.model.requests.slice(firstRequest).map(request => request.body as never);
  }

  afterEach(async () => {
    session?.dispose();
    if (panel) {
      await closeNotebook(panel);
    }
    panel = undefined;
  });

  async function open(
    approval: ApprovalPolicy,
    serverUrl = lab.server.url
  ): Promise<{ session: AgentSession; events: AgentEvent[] }> {
    panel = await openNotebook(lab.manager, `thorough-${++count}.ipynb`, []);
    const opened = new AgentSession({
      panel,
      settings: () => ({ ...DEFAULT_SETTINGS, approval, protocol: 'tools', effort: 'thorough', candidates: 3 }),
      serverSettings: makeNodeServerSettings(serverUrl, lab.server.token)
    });
    session = opened;
    await panel.context.ready;
    const events: AgentEvent[] = [];
    opened.events.connect((_, event) => void events.push(event));
    return { session: opened, events };
  }

  /** Resolves with the set's approval entry once it shows. */
  function setApproval(opened: AgentSession): Promise<Transcript.ICandidatesApprovalEntry> {
    return new Promise(resolve => {
      const look = () => {
        const entry = opened.transcript.entries.find(candidate => candidate.kind === 'candidates-approval');
        if (entry) {
          opened.transcript.changed.disconnect(look);
          resolve(entry);
        }
      };
      opened.transcript.changed.connect(look);
      look();
    });
  }

  /** The sources of the notebook's cells (an empty notebook shows one empty cell). */
  function sources(): string[] {
    return Array.from(panel!.content.model!.cells, cell => cell.sharedModel.getSource());
  }

  function steps(opened: AgentSession): string[] {
    return opened.transcript.entries.flatMap(entry => (entry.kind === 'step' ? [entry.label] : []));
  }

  async function personVariables(): Promise<string> {
    const kernel = panel!.sessionContext.session!.kernel!;
    let text = '';
    const future = kernel.requestExecute({ code: "print(sorted(k for k in globals() if not k.startswith('_')))" });
    future.onIOPub = message => {
      if (message.header.msg_type === 'stream') {
        text += (message.content as { text: string }).text;
      }
    };
    await future.done;
    return text;
  }

  async function otherSessions(): Promise<string[]> {
    await lab.manager.sessions.refreshRunning();
    return [...lab.manager.sessions.running()].map(model_ => model_.path).filter(path => path !== panel!.context.path);
  }

  it('asks once, runs candidates in kernels and copies of their own, and runs the chosen cells in the person’s kernel', async () => {
    const { session: opened, events } = await open('risky');
    const turn = opened.ask(TASK);
    const approval = await setApproval(opened);
    expect(approval).toMatchObject({ candidates: 3, folder: '', state: 'pending' });
    // Nothing goes to the model before the person says yes.
    expect(requests()).toHaveLength(0);
    opened.answer(approval, { action: 'run' });
    const result = await turn;

    expect(result.outcome).toBe('completed');
    // Each candidate's requests were sampled with its own seed.
    expect([...new Set(requests().map(request => request.seed))].sort()).toEqual([1, 2, 3]);
    // The first candidate is the greedy answer, the others sampled.
    expect(requests().every(request => request.temperature === (request.seed === 1 ? 0 : 0.8))).toBe(true);
    // The risky call of candidate 2 did not run: the model was told so.
    const seed2Tools = requests()
      .filter(request => request.seed === 2)
      .flatMap(request => request.messages)
      .filter(message => message.role === 'tool')
      .map(message => String(message.content));
    expect(seed2Tools.some(text => /not run/i.test(text) && /subprocess/.test(text))).toBe(true);

    // The chosen cells are in the notebook, run in the person's kernel.
    const cells = panel!.content.model!.cells;
    expect(cells.length).toBe(1);
    expect(cells.get(0).sharedModel.getSource()).toBe(RIGHT);
    const outputs = JSON.stringify(cells.get(0).toJSON());
    expect(outputs).toMatch(/"6\\n"/);
    expect(await personVariables()).toContain("'total'");
    expect(await personVariables()).not.toContain("'leftover'");

    // Progress: a step per candidate with its answer, then the choice; the turn's end.
    const labels = steps(opened);
    expect(labels.filter(label => /^Candidate \d:/.test(label))).toHaveLength(3);
    expect(labels.some(label => /^Candidate 1 chosen/.test(label))).toBe(true);
    expect(events.filter(event => event.type === 'turn-end')).toHaveLength(1);
    expect(opened.transcript.entries.some(entry => entry.kind === 'assistant' && entry.text.includes('6'))).toBe(true);

    // The candidates' kernels are gone, their copies removed, their files never in the person's folder.
    expect(await otherSessions()).toEqual([]);
    expect(readdirSync(join(lab.server.rootDir, CANDIDATE_FOLDER_ROOT))).toEqual([]);

    // The turn is saved in the notebook, with the person's cell ids: Undo removes the cell.
    const end = opened.transcript.entries.find(entry => entry.kind === 'turn-end');
    expect(end && opened.canUndo(end as Transcript.ITurnEndEntry)).toBe(true);
    opened.undo(end as Transcript.ITurnEndEntry);
    expect(sources()).toEqual(['']);
  });

  it('asks nothing under the policy never, and keeps a candidate’s files and variables in its copy and kernel', async () => {
    const { session: opened } = await open('never');
    const result = await opened.ask(TASK);

    expect(result.outcome).toBe('completed');
    expect(opened.transcript.entries.some(entry => entry.kind === 'candidates-approval')).toBe(false);
    // Candidate 2 ran all its code (the risky call too), wrote its file and printed 5 ...
    const seed2Tools = requests()
      .filter(request => request.seed === 2)
      .flatMap(request => request.messages)
      .filter(message => message.role === 'tool')
      .map(message => String(message.content));
    expect(seed2Tools.some(text => text.includes('ran'))).toBe(true);
    expect(seed2Tools.some(text => /\b5\b/.test(text))).toBe(true);
    // ... in its copy and its kernel, not in the person's.
    expect(existsSync(join(lab.server.rootDir, 'written-by-candidate.txt'))).toBe(false);
    expect(await personVariables()).not.toContain("'leftover'");
    expect(sources()).toEqual([RIGHT]);
  });

  it('ends the turn with the reason when the server makes no copies, nothing sent or written', async () => {
    // A server without the extension's endpoint answers 404.
    const { session: opened, events } = await open('never', `${lab.server.url}no-such-prefix/`);
    const result = await opened.ask(TASK);
    expect(result.outcome).toBe('gave-up');
    expect(result.reason).toMatch(/could not copy the folder for the candidates/);
    expect(events.filter(event => event.type === 'turn-end')).toHaveLength(1);
    expect(requests()).toHaveLength(0);
    expect(sources()).toEqual(['']);
    expect(await otherSessions()).toEqual([]);
  });

  it('keeps a request to explain fast: no candidates, no seeds', async () => {
    const { session: opened } = await open('never');
    await opened.ask(TASK, { intent: 'explain' });
    expect(steps(opened).some(label => label.startsWith('Candidate'))).toBe(false);
    expect(requests().length).toBeGreaterThan(0);
    expect(requests().every(request => request.seed === undefined)).toBe(true);
  });

  it('runs nothing when the person skips the candidates', async () => {
    const { session: opened } = await open('always');
    const turn = opened.ask(TASK);
    opened.answer(await setApproval(opened), { action: 'skip' });
    const result = await turn;
    expect(result.outcome).toBe('stopped');
    expect(requests()).toHaveLength(0);
    expect(sources()).toEqual(['']);
  });

  it('stops the candidate under way and starts no other on Stop', async () => {
    const { session: opened, events } = await open('never');
    blockingFile = 'release-candidate-2.txt';
    const secondRuns = new Promise<void>(resolve => (blocking = resolve));
    const turn = opened.ask(TASK);
    await secondRuns;
    opened.stop();
    const result = await turn;

    expect(result.outcome).toBe('stopped');
    expect(requests().some(request => request.seed === 3)).toBe(false);
    expect(sources()).toEqual(['']);
    expect(events.filter(event => event.type === 'turn-end')).toHaveLength(1);
    expect(await otherSessions()).toEqual([]);
    expect(readdirSync(join(lab.server.rootDir, CANDIDATE_FOLDER_ROOT))).toEqual([]);
  });
});
