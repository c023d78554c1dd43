import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServiceManager } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { LiveNotebookTarget } from '../../src/lab/liveNotebookTarget';
import { MentionPopup, type IMentionCandidate } from '../../src/lab/mentionPopup';
import { PromptBox } from '../../src/lab/promptBox';
import { startJupyter } from '../support/jupyter';
import { found, until } from './support/domWait';
import { closeNotebook, openNotebook, serviceManagerFor } from './support/liveNotebook';

const CELLS: nbformat.ICell[] = [
  { id: 'user', cell_type: 'code', source: 'df_sales = 1', metadata: {}, outputs: [], execution_count: null }
];

let server: JupyterServerProcess;
let manager: ServiceManager;
let panel: NotebookPanel;
let target: LiveNotebookTarget;

beforeAll(async () => {
  server = await startJupyter();
  manager = serviceManagerFor(server);
  panel = await openNotebook(manager, 'mentions.ipynb', CELLS);
  target = new LiveNotebookTarget({ panel });
  target.startTurn();
  expect((await target.execute('user')).status).toBe('ok');
});

afterAll(async () => {
  try {
    if (panel) {
      await closeNotebook(panel);
    }
    manager?.dispose();
  } finally {
    await server?.stop();
  }
});

/** The kernel's variables, as the sidebar lists them: one inspection of the real kernel a call. */
function kernelVariables(calls: { count: number }): () => Promise<IMentionCandidate[]> {
  return async () => {
    calls.count++;
    const inspection = await target.inspectKernel({ maxVariables: 200, maxFiles: 0 });
    return inspection.kind === 'namespace'
      ? inspection.namespace.variables.map(variable => ({ kind: 'variable', name: variable.name, detail: '' }))
      : [];
  };
}

/**
 * Type text at the end of the prompt box, one input event a character, as a keyboard does (the
 * prompt box passes each input event to the list).
 */
function type(popup: MentionPopup, input: HTMLTextAreaElement, text: string): void {
  for (const character of text) {
    input.value += character;
    input.setSelectionRange(input.value.length, input.value.length);
    popup.handleInput(input);
  }
}

/** What the list shows once it shows candidates or a message other than the loading one. */
function settled(popup: MentionPopup): Promise<string[]> {
  const read = (): string[] | null => {
    if (popup.shown.length) {
      return popup.shown.map(candidate => candidate.name);
    }
    const message = popup.message ?? '';
    return message && !message.startsWith('Looking') ? [message] : null;
  };
  return new Promise(resolve => {
    const now = read();
    if (now) {
      resolve(now);
      return;
    }
    const onChanged = () => {
      const shown = read();
      if (shown) {
        popup.changed.disconnect(onChanged);
        resolve(shown);
      }
    };
    popup.changed.connect(onChanged);
  });
}

describe('MentionPopup on a real kernel', () => {
  it('lists the variables when typed into while it loads (one kernel inspection, not one a key)', async () => {
    const input = document.createElement('textarea');
    document.body.appendChild(input);
    const calls = { count: 0 };
    const popup = new MentionPopup({ candidates: kernelVariables(calls) });

    // A second inspection sent while the first is in flight finds the kernel busy with the first
    // and lists no variables: the list must wait for the one it asked for.
    type(popup, input, 'Compare @df');

    expect(await settled(popup)).toEqual(['df_sales']);
    expect(calls.count).toBe(1);
    popup.dispose();
    input.remove();
  });

  it('lists the variables when closed and opened again while the first inspection is in flight', async () => {
    const input = document.createElement('textarea');
    document.body.appendChild(input);
    const calls = { count: 0 };
    const popup = new MentionPopup({ candidates: kernelVariables(calls) });

    type(popup, input, 'with @');
    popup.handleKey(new KeyboardEvent('keydown', { key: 'Escape' }), input);
    expect(popup.isOpen).toBe(false);
    type(popup, input, ' @d');

    expect(await settled(popup)).toEqual(['df_sales']);
    expect(calls.count).toBe(1);
    popup.dispose();
    input.remove();
  });
});

describe('the mention list in the prompt box', () => {
  const candidates: IMentionCandidate[] = [
    { kind: 'variable', name: 'df', detail: 'DataFrame 6 × 3' },
    { kind: 'variable', name: 'limit', detail: 'int = 100' },
    { kind: 'file', name: 'sales data.csv', detail: '1 KB' }
  ];

  /** Type at the end of the box, one bubbling input event a character, as a keyboard does. */
  function typeInto(input: HTMLTextAreaElement, text: string): void {
    for (const character of text) {
      input.value += character;
      input.setSelectionRange(input.value.length, input.value.length);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  function press(input: HTMLTextAreaElement, key: string): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    input.dispatchEvent(event);
    return event;
  }

  it('shows the candidates as options, moves the choice with the arrows and writes the chosen one', async () => {
    const sent: string[] = [];
    const box = new PromptBox({
      send: async prompt => void sent.push(prompt),
      stop: () => undefined,
      candidates: async () => candidates,
      onError: message => {
        throw new Error(message);
      }
    });
    Widget.attach(box, document.body);
    const input = await found<HTMLTextAreaElement>(box.node, '.jp-CodeInterpreter-input');
    const list = await found(box.node, '.jp-CodeInterpreter-mentions');
    expect(list.hidden).toBe(true);

    typeInto(input, 'Compare @');
    await until(list, () => list.querySelectorAll('[role="option"]').length === 3, 'three options');
    expect(list.hidden).toBe(false);
    const options = () => Array.from(list.querySelectorAll<HTMLElement>('[role="option"]'));
    expect(options().map(option => option.textContent)).toEqual([
      'dfvariable · DataFrame 6 × 3',
      'limitvariable · int = 100',
      'sales data.csvfile · 1 KB'
    ]);
    expect(options()[0].getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[0].id);

    expect(press(input, 'ArrowDown').defaultPrevented).toBe(true);
    await until(list, () => options()[1].getAttribute('aria-selected') === 'true', 'the second option chosen');
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[1].id);

    // Typing narrows the list; Enter writes the mention (quoted when it holds a space), not the prompt.
    typeInto(input, 'sa');
    await until(list, () => options().length === 1, 'one option left');
    press(input, 'Enter');
    expect(input.value).toBe('Compare @"sales data.csv" ');
    await until(list, () => list.hidden, 'the list closes');
    expect(input.hasAttribute('aria-activedescendant')).toBe(false);
    expect(sent).toEqual([]);

    // With the list closed, Enter sends.
    press(input, 'Enter');
    expect(sent).toEqual(['Compare @"sales data.csv"']);
    box.dispose();
  });
});
