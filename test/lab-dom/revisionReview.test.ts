import { PageConfig } from '@jupyterlab/coreutils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import type { ServiceManager } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import type { ApprovalDecision, IApprovalRequest } from '../../src/agent/approval';
import type { IRisk } from '../../src/agent/riskyCode';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { AgentSession } from '../../src/lab/agentSession';
import { createApprovalHook } from '../../src/lab/approvalPolicy';
import { ChatPanel } from '../../src/lab/chatPanel';
import { REVIEW_PENDING_CLASS } from '../../src/lab/revisionReviews';
import { DEFAULT_SETTINGS } from '../../src/lab/settings';
import type { Transcript } from '../../src/lab/transcript';
import { startJupyter } from '../support/jupyter';
import { found, until } from './support/domWait';
import { closeNotebook, openNotebook, serviceManagerFor } from './support/liveNotebook';

/**
 * The sidebar's review of a revision of the person's own cell: the diff card, its buttons, the
 * mark on the cell, and what ends a review that waits (an edit of the cell, the notebook closing).
 */
let server: JupyterServerProcess;
let manager: ServiceManager;
let panel: NotebookPanel;

const MINE = 'total = 1 + 1\nprint(total)  # mine';
const PROPOSED = 'total = 2 + 2\nprint(total)';

beforeAll(async () => {
  server = await startJupyter({
    env: { CODE_INTERPRETER_MODEL: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
    extraArgs: ['--ServerApp.jpserver_extensions=jupyterlab_code_interpreter=True']
  });
  PageConfig.setOption('baseUrl', server.url);
  PageConfig.setOption('token', server.token);
  manager = serviceManagerFor(server);
  panel = await openNotebook(manager, 'review.ipynb', [
    { id: 'mine-1', cell_type: 'code', source: MINE, metadata: {}, outputs: [], execution_count: null }
  ]);
});

afterAll(async () => {
  if (panel) {
    await closeNotebook(panel);
  }
  manager?.dispose();
  await server?.stop();
});

afterEach(() => {
  // Each test leaves the person's code as it found it.
  panel.model!.cells.get(0).sharedModel.setSource(MINE);
});

/**
 * A sidebar on a new session of the notebook, and the session's approval hook as the agent gets it.
 */
async function open() {
  const session = new AgentSession({ panel, settings: () => DEFAULT_SETTINGS });
  // The session shows the saved conversation once the notebook is ready: before the reviews.
  await panel.context.ready;
  const chat = new ChatPanel({
    commands: new CommandRegistry(),
    rendermime: new RenderMimeRegistry({ initialFactories: standardRendererFactories }),
    modelSetting: () => ''
  });
  Widget.attach(chat, document.body);
  chat.setSession(session);
  // The hook the session gives its agent (agentSession.ts), with the sidebar's approval policy.
  const askPerson = (request: IApprovalRequest, risks: IRisk[], signal: AbortSignal): Promise<ApprovalDecision> =>
    (
      session as unknown as {
        _askPerson(request: IApprovalRequest, risks: IRisk[], signal: AbortSignal): Promise<ApprovalDecision>;
      }
    )._askPerson(request, risks, signal);
  const hook = createApprovalHook(() => 'never', askPerson);
  return { session, chat, hook };
}

function review(): IApprovalRequest {
  return {
    cellId: 'mine-1',
    code: PROPOSED,
    kind: 'revision',
    review: { previousCode: MINE, proposedCode: PROPOSED }
  };
}

function find<T extends Element = HTMLElement>(root: HTMLElement, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) {
    throw new Error(`No ${selector} in the sidebar`);
  }
  return element;
}

function cellNode(): HTMLElement {
  return panel.content.widgets[0].node;
}

describe('RevisionReviewCard', () => {
  it('shows both versions as a diff, marks the cell, and decides only once on the person’s answer', async () => {
    const { session, chat, hook } = await open();
    const entries = () => session.transcript.entries;
    // The approval policy says never ask, yet a revision of the person's cell is reviewed.
    const decided = hook(review(), new AbortController().signal);
    const card = await found(chat.node, '.jp-CodeInterpreter-revision-review');
    expect(card.dataset.state).toBe('pending');
    // The diff's editor is made once the card is on the page.
    const diff = await found(card, '.jp-CodeInterpreter-diff', element => element.querySelector('.cm-editor') !== null);
    // The proposed lines are the document; the removed ones are shown as deleted chunks.
    expect(diff.textContent).toContain('total = 2 + 2');
    expect(diff.textContent).toContain('total = 1 + 1');
    expect(diff.querySelector('.cm-deletedChunk')).not.toBeNull();
    const accept = find<HTMLButtonElement>(card, '.jp-CodeInterpreter-accept');
    const reject = find<HTMLButtonElement>(card, '.jp-CodeInterpreter-reject');
    expect(accept.getAttribute('aria-label')).toBe('Accept the revision and run it');
    expect(reject.getAttribute('aria-label')).toBe('Reject the revision and keep your code');
    expect(accept.tagName).toBe('BUTTON');
    expect(accept.disabled).toBe(false);
    expect(cellNode().classList.contains(REVIEW_PENDING_CLASS)).toBe(true);

    // A script's click (isTrusted false) decides nothing.
    accept.click();
    const entry = entries().find(item => item.kind === 'revision-review') as Transcript.IRevisionReviewEntry;
    expect(entry.state).toBe('pending');

    session.answerReview(entry, { action: 'run' });
    await expect(decided).resolves.toEqual({ action: 'run' });
    const after = await found(chat.node, '.jp-CodeInterpreter-revision-review[data-state="accepted"]');
    expect(find(after, '.jp-CodeInterpreter-question').textContent).toBe('Accepted: the revision was written and run.');
    expect(find<HTMLButtonElement>(after, '.jp-CodeInterpreter-accept').disabled).toBe(true);
    expect(find<HTMLButtonElement>(after, '.jp-CodeInterpreter-reject').disabled).toBe(true);
    expect(cellNode().classList.contains(REVIEW_PENDING_CLASS)).toBe(false);
    // A second answer changes nothing.
    session.answerReview(entry, { action: 'skip' });
    expect(entry.state).toBe('accepted');
    chat.dispose();
    session.dispose();
  });

  it('on Reject leaves the cell byte-identical', async () => {
    const { session, chat, hook } = await open();
    const decided = hook(review(), new AbortController().signal);
    const entry = session.transcript.entries.at(-1) as Transcript.IRevisionReviewEntry;
    session.answerReview(entry, { action: 'skip' });
    await expect(decided).resolves.toEqual({ action: 'skip' });
    expect(entry.state).toBe('rejected');
    const rejected = await found(chat.node, '.jp-CodeInterpreter-revision-review[data-state="rejected"]');
    expect(find(rejected, '.jp-CodeInterpreter-question').textContent).toBe('Rejected: your code stays.');
    expect(panel.model!.cells.get(0).sharedModel.getSource()).toBe(MINE);
    chat.dispose();
    session.dispose();
  });

  it('ends a waiting review when the cell is edited: the card says so and Accept is disabled', async () => {
    const { session, chat, hook } = await open();
    const decided = hook(review(), new AbortController().signal);
    // The person (or a collaborator, through the shared document) edits the cell.
    panel.model!.cells.get(0).sharedModel.setSource('total = 10\nprint(total)');
    await expect(decided).resolves.toEqual({ action: 'skip', reason: 'The cell changed while the revision waited.' });
    const card = await found(chat.node, '.jp-CodeInterpreter-revision-review[data-state="cell-changed"]');
    expect(find(card, '.jp-CodeInterpreter-question').textContent).toBe(
      'The cell changed while this waited: the revision was not applied.'
    );
    expect(find<HTMLButtonElement>(card, '.jp-CodeInterpreter-accept').disabled).toBe(true);
    expect(cellNode().classList.contains(REVIEW_PENDING_CLASS)).toBe(false);
    expect(panel.model!.cells.get(0).sharedModel.getSource()).toBe('total = 10\nprint(total)');
    chat.dispose();
    session.dispose();
  });

  it('ends a waiting review as not reviewed when the notebook closes, and when the turn stops', async () => {
    const closing = await open();
    const turn = new AbortController();
    const decided = closing.hook(review(), turn.signal);
    // The notebook closes: its session ends, and the agent's stop aborts the turn's signal.
    closing.session.dispose();
    turn.abort();
    await expect(decided).resolves.toEqual({ action: 'skip', reason: 'the notebook was closed' });
    const entry = closing.session.transcript.entries.at(-1) as Transcript.IRevisionReviewEntry;
    expect(entry.state).toBe('not-reviewed');
    expect(cellNode().classList.contains(REVIEW_PENDING_CLASS)).toBe(false);
    expect(panel.model!.cells.get(0).sharedModel.getSource()).toBe(MINE);
    closing.chat.dispose();

    const stopping = await open();
    const stopped = new AbortController();
    const answer = stopping.hook(review(), stopped.signal);
    stopped.abort();
    await expect(answer).resolves.toEqual({ action: 'skip', reason: 'the turn was stopped' });
    const notReviewed = await found(
      stopping.chat.node,
      '.jp-CodeInterpreter-revision-review[data-state="not-reviewed"]'
    );
    expect(find(notReviewed, '.jp-CodeInterpreter-question').textContent).toBe(
      'Not reviewed: the revision was not applied.'
    );
    stopping.chat.dispose();
    stopping.session.dispose();
  });

  it('shows a revision made without review as a diff in its step afterwards', async () => {
    const { session, chat } = await open();
    session.transcript.handle({ type: 'cell-revised', cellId: 'mine-1', source: PROPOSED, previousSource: MINE });
    const step = await found(chat.node, '.jp-CodeInterpreter-step[data-state="revised"]');
    const changes = find<HTMLDetailsElement>(step, '.jp-CodeInterpreter-changes');
    expect(changes.querySelector('.cm-editor')).toBeNull();
    changes.open = true;
    changes.dispatchEvent(new Event('toggle'));
    await until(changes, () => changes.querySelector('.cm-editor') !== null, 'the diff is made when opened');
    expect(changes.textContent).toContain('total = 1 + 1');
    expect(changes.textContent).toContain('total = 2 + 2');
    chat.dispose();
    session.dispose();
  });
});
