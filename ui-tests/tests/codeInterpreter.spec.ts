/**
 * The code interpreter in a real JupyterLab, with a real kernel; the model is the scripted server
 * (../modelReplies.ts) behind the Jupyter server's proxy.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import { chatRequests, lastUserMessage, SALES_CSV } from '../chatRequests';
import { CODE, INLINE_PNG } from '../modelReplies';
import { ask, newNotebook, notebookJSON, outputText, SIDEBAR, text, type ITurnResult } from '../notebookHelpers';

test.describe('code interpreter sidebar', () => {
  test.use({ autoGoto: true });

  test('keeps the end of the conversation in view as a turn adds its entries', async ({ page }) => {
    // A short window, so that one turn's entries overflow the sidebar.
    await page.setViewportSize({ width: 1400, height: 520 });
    await newNotebook(page, 'follow.ipynb');
    const result = await ask(page, 'What is the square root of 16?');
    expect(result.outcome).toBe('completed');
    const transcript = page.locator(`${SIDEBAR} .jp-CodeInterpreter-transcript`);
    await expect(transcript.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    const view = () =>
      transcript.evaluate(node => ({
        overflows: node.scrollHeight > node.clientHeight,
        fromEnd: node.scrollHeight - node.scrollTop - node.clientHeight
      }));
    expect((await view()).overflows).toBe(true);
    // Scrolled to the end once the last entry has rendered, with nothing left below it.
    await expect.poll(async () => (await view()).fromEnd).toBeLessThanOrEqual(1);
    await expect(transcript.locator('.jp-CodeInterpreter-turn-end')).toBeInViewport();
  });

  test('revises the failing cell in place until it works, and shows each step', async ({ page }) => {
    await newNotebook(page, 'revise.ipynb');
    const result = await ask(page, 'What is the square root of 16?');
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(2);

    const notebook = await notebookJSON(page);
    const agentCells = notebook.cells.filter(cell => text(cell.source).includes('import math'));
    // One cell, revised in place: the failing source is gone, the output is the fixed one.
    expect(agentCells).toHaveLength(1);
    expect(text(agentCells[0].source)).toBe(CODE.fixed);
    expect(outputText(agentCells[0])).toContain('root: 4.0');
    expect(outputText(agentCells[0])).not.toContain('AttributeError');

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-user')).toHaveText('What is the square root of 16?');
    const error = sidebar.locator('.jp-CodeInterpreter-step[data-state="error"]');
    await expect(error).toContainText('AttributeError');
    await expect(error).toContainText('attempt 1 of 3');
    await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="revised"]')).toHaveCount(1);
    const ok = sidebar.locator('.jp-CodeInterpreter-step[data-state="ok"]');
    await expect(ok).toContainText('attempt 2 of 3');
    // Both steps link to the same cell.
    const errorCell = await error.locator('.jp-CodeInterpreter-cellLink').getAttribute('data-cell-id');
    expect(errorCell).toBe(agentCells[0].id);
    expect(await ok.locator('.jp-CodeInterpreter-cellLink').getAttribute('data-cell-id')).toBe(errorCell);
    // The streamed answer is rendered as markdown.
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant strong').last()).toHaveText('4.0');
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    // The execution count shows as when the user runs a cell.
    await expect(ok.locator('.jp-CodeInterpreter-cellLink')).toContainText(/\[\d+\]/);

    // The link scrolls to the cell and makes it active.
    await page.notebook.selectCells(0);
    await ok.locator('.jp-CodeInterpreter-cellLink').click();
    const active = await page.evaluate(() => {
      const app = (
        window as unknown as {
          jupyterapp: { shell: { currentWidget: { content: { activeCell: { model: { id: string } } } } } };
        }
      ).jupyterapp;
      return app.shell.currentWidget.content.activeCell.model.id;
    });
    expect(active).toBe(errorCell);
  });

  test.describe('with the kernels API left alone', () => {
    // Galata's kernel tracking parses every POST to /api/kernels as JSON, and the interrupt
    // request answers 204 with no body.
    test.use({ kernels: null });

    test('Stop interrupts the running cell and the sidebar is idle again', async ({ page }) => {
      await newNotebook(page, 'stop.ipynb');
      const running = ask(page, 'Run a long computation');
      const sidebar = page.locator(SIDEBAR);
      await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="running"]')).toBeVisible();
      await expect(page.locator('.jp-Notebook-ExecutionIndicator[data-status="busy"]')).toBeVisible();
      await expect(sidebar.locator('.jp-CodeInterpreter-status')).toHaveText('running');
      await expect(page.locator('.jp-CodeInterpreter-statusItem')).toHaveAttribute('data-status', 'running');
      await sidebar.locator('.jp-CodeInterpreter-stop').click();

      const result = await running;
      expect(result.outcome).toBe('stopped');
      await expect(sidebar.locator('.jp-CodeInterpreter-status')).toHaveText('idle');
      await expect(sidebar.locator('.jp-CodeInterpreter-send')).toBeVisible();
      await expect(sidebar.locator('.jp-CodeInterpreter-stop')).toBeHidden();
      await expect(sidebar.locator('.jp-CodeInterpreter-step').filter({ hasText: 'Interrupted' })).toHaveCount(1);
      await expect(page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).toBeVisible();
      const cell = (await notebookJSON(page)).cells.find(c => text(c.source) === CODE.sleep);
      expect(cell && outputText(cell)).toContain('KeyboardInterrupt');
      expect(cell && outputText(cell)).not.toContain('finished');
    });
  });

  test('Stop aborts a model request that does not answer', async ({ page }) => {
    await newNotebook(page, 'hang.ipynb');
    const cellsBefore = (await notebookJSON(page)).cells.length;
    const turn = ask(page, 'Ask the slow model');
    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-thinking')).toBeVisible();
    await page.evaluate(() =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }
      ).jupyterapp.commands.execute('code-interpreter:stop')
    );
    expect((await turn).outcome).toBe('stopped');
    await expect(sidebar.locator('.jp-CodeInterpreter-thinking')).toBeHidden();
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Stopped');
    await expect(sidebar.locator('.jp-CodeInterpreter-status')).toHaveText('idle');
    expect((await notebookJSON(page)).cells).toHaveLength(cellsBefore);
  });

  test('asks before running risky code: Run, Skip and Edit', async ({ page }) => {
    await newNotebook(page, 'approval.ipynb');
    const sidebar = page.locator(SIDEBAR);
    const pending = sidebar.locator('.jp-CodeInterpreter-approval[data-state="pending"]');

    // Run.
    let turn = ask(page, 'Run a shell command');
    await expect(pending).toContainText('runs shell commands');
    await expect(pending.locator('.jp-CodeInterpreter-approvalCode')).toHaveValue(CODE.risky);
    await pending.locator('.jp-CodeInterpreter-approve').click();
    expect((await turn).outcome).toBe('completed');
    let cells = (await notebookJSON(page)).cells.filter(c => text(c.source).includes('os.system'));
    expect(cells).toHaveLength(1);
    expect(outputText(cells[0])).toContain('exit status 0');

    // Skip: the cell stays unrun and the model is told.
    turn = ask(page, 'Run a shell command again');
    await pending.locator('.jp-CodeInterpreter-skip').click();
    expect((await turn).outcome).toBe('completed');
    await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="skipped"]')).toHaveCount(1);
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant').last()).toContainText('did not run it');
    cells = (await notebookJSON(page)).cells.filter(c => text(c.source).includes('os.system'));
    expect(cells).toHaveLength(2);
    expect(cells[1].outputs).toEqual([]);

    // Edit: the person's code runs instead, in the same cell.
    turn = ask(page, 'Run a shell command once more');
    const code = pending.locator('.jp-CodeInterpreter-approvalCode');
    await pending.locator('.jp-CodeInterpreter-edit').click();
    await code.fill('print("edited by the person")');
    await pending.locator('.jp-CodeInterpreter-edit').click();
    expect((await turn).outcome).toBe('completed');
    const edited = (await notebookJSON(page)).cells.find(c => text(c.source) === 'print("edited by the person")');
    expect(edited && outputText(edited)).toContain('edited by the person');
  });

  test('a cell the person deletes meanwhile is reported and the turn goes on', async ({ page }) => {
    await newNotebook(page, 'deleted.ipynb');
    const turn = ask(page, 'Run a shell command');
    const pending = page.locator(`${SIDEBAR} .jp-CodeInterpreter-approval[data-state="pending"]`);
    await expect(pending).toBeVisible();
    // The agent's cell is in the notebook, waiting for approval; the person deletes it.
    const deleted = await page.evaluate(() => {
      const app = (
        window as unknown as {
          jupyterapp: {
            shell: {
              currentWidget: {
                content: { model: { sharedModel: { cells: { getSource(): string }[]; deleteCell(i: number): void } } };
              };
            };
          };
        }
      ).jupyterapp;
      const shared = app.shell.currentWidget.content.model.sharedModel;
      const index = shared.cells.findIndex(cell => cell.getSource().includes('os.system'));
      shared.deleteCell(index);
      return index;
    });
    expect(deleted).toBeGreaterThanOrEqual(0);
    await pending.locator('.jp-CodeInterpreter-approve').click();
    const result = await turn;
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(0);
    await expect(page.locator(`${SIDEBAR} .jp-CodeInterpreter-step[data-state="warning"]`)).toContainText(
      'no longer in the notebook'
    );
    expect((await notebookJSON(page)).cells.some(cell => text(cell.source).includes('os.system'))).toBe(false);
  });

  test('the conversation is saved with the notebook, and a turn can be undone after reopening', async ({ page }) => {
    await newNotebook(page, 'persist.ipynb');
    expect((await ask(page, 'What is the answer?')).outcome).toBe('completed');
    let notebook = await notebookJSON(page);
    // The new notebook's empty cell took the agent's code.
    const before = 0;
    expect(notebook.cells).toHaveLength(1);
    expect(outputText(notebook.cells[before])).toContain('answer is 42');
    expect((notebook.metadata.code_interpreter as { turns: unknown[] }).turns).toHaveLength(1);

    // Close and reopen: the sidebar shows the saved conversation.
    await page.notebook.close(true);
    await expect(page.locator(`${SIDEBAR} .jp-CodeInterpreter-notebook`)).toHaveText('no notebook open');
    await page.notebook.open('persist.ipynb');
    const sidebar = page.locator(SIDEBAR);
    // Loaded from the file: shown whole for review first, then continued.
    await expect(sidebar.locator('.jp-CodeInterpreter-review')).toContainText('What is the answer?');
    await sidebar.locator('.jp-CodeInterpreter-review-continue').click();
    await expect(sidebar.locator('.jp-CodeInterpreter-user')).toHaveText('What is the answer?');
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant')).toContainText('The answer is 42.');
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');

    // A follow-up turn continues the conversation and edits the cell of the first turn.
    expect((await ask(page, 'Change the answer, please')).outcome).toBe('completed');
    notebook = await notebookJSON(page);
    expect(text(notebook.cells[before].source)).toBe(CODE.changed);
    expect(outputText(notebook.cells[before])).toContain('answer is still 42');

    // Undo of the second turn restores the cell's previous source; the cell stays.
    const turnEnds = sidebar.locator('.jp-CodeInterpreter-turn-end');
    await expect(turnEnds).toHaveCount(2);
    await turnEnds.nth(1).locator('.jp-CodeInterpreter-undo').click();
    await expect(turnEnds.nth(1).locator('.jp-CodeInterpreter-undone')).toBeVisible();
    notebook = await notebookJSON(page);
    expect(notebook.cells).toHaveLength(1);
    expect(text(notebook.cells[before].source)).toBe(CODE.undo);

    // Undo of the first turn deletes the cell it inserted.
    await turnEnds.nth(0).locator('.jp-CodeInterpreter-undo').click();
    await expect(sidebar.locator('.jp-CodeInterpreter-undone')).toHaveCount(2);
    await expect(sidebar.locator('.jp-CodeInterpreter-undo')).toHaveCount(0);
    notebook = await notebookJSON(page);
    // The notebook is left as it was created: one empty cell.
    expect(notebook.cells.map(cell => [cell.cell_type, text(cell.source)])).toEqual([['code', '']]);
    const turns = (notebook.metadata.code_interpreter as { turns: { undoneAt?: string }[] }).turns;
    expect(turns.map(turn => !!turn.undoneAt)).toEqual([true, true]);
  });

  test("the agent's first cell uses the user's dataframe as the kernel holds it, and the summary leaves no trace", async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(SALES_CSV, 'text', `${tmpPath}/sales.csv`);
    await newNotebook(page, 'sales.ipynb');
    await page.notebook.setCell(0, 'code', 'import pandas as pd\ndf = pd.read_csv("sales.csv")');
    await page.notebook.runCell(0);
    const before = await notebookJSON(page);
    const requests = chatRequests(page);

    expect((await ask(page, 'Which region has the highest total?')).outcome).toBe('completed');

    // The request described df with its real columns.
    const prompt = lastUserMessage(requests[0]);
    expect(prompt).toContain('df: DataFrame, 6 rows x 3 columns');
    expect(prompt).toContain('columns: region str, month str, total int64');
    expect(prompt).toContain('files in');
    expect(prompt).toContain('sales.csv (100 bytes)');
    // The agent's cell works on df, grouped by those columns, and reads no file of its own.
    const notebook = await notebookJSON(page);
    // Running the user's cell added an empty one below it; the agent's cell comes after that.
    expect(notebook.cells.map(cell => text(cell.source) !== '')).toEqual([true, false, true]);
    const agentCell = notebook.cells[2];
    expect(text(agentCell.source)).toBe('print(df.groupby("region")["total"].sum().idxmax())');
    expect(outputText(agentCell)).toBe('West\n');
    // The kernel summary added nothing the user sees: the user's cell is as it was.
    expect(notebook.cells[0]).toEqual(before.cells[0]);
    const history = await page.evaluate(async () => {
      const app = (
        window as unknown as {
          jupyterapp: {
            shell: {
              currentWidget: {
                sessionContext: { session: { kernel: { requestHistory(c: object): Promise<{ content: object }> } } };
              };
            };
          };
        }
      ).jupyterapp;
      const kernel = app.shell.currentWidget.sessionContext.session.kernel;
      // Session 0 is the kernel's own session (the history database holds other kernels' too).
      const reply = await kernel.requestHistory({
        output: false,
        raw: true,
        hist_access_type: 'range',
        session: 0,
        start: 1,
        stop: 1000
      });
      return (reply.content as { history: [number, number, string][] }).history.map(entry => entry[2]);
    });
    // The history holds the user's cell and the agent's, nothing of the inspection.
    expect(history).toEqual(['import pandas as pd\ndf = pd.read_csv("sales.csv")', text(agentCell.source)]);
    const counts = notebook.cells.map(cell => (cell as { execution_count?: number | null }).execution_count);
    expect(counts).toEqual([1, null, 2]);
  });

  test('typing @ offers the variables, cells and files; a mention gets the model a fuller description', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(SALES_CSV, 'text', `${tmpPath}/sales.csv`);
    await newNotebook(page, 'mentions.ipynb');
    await page.notebook.setCell(0, 'code', 'import pandas as pd\ndf = pd.read_csv("sales.csv")\nlimit = 100');
    await page.notebook.runCell(0);
    const sidebar = page.locator(SIDEBAR);
    const input = sidebar.locator('textarea.jp-CodeInterpreter-input');
    const list = sidebar.locator('.jp-CodeInterpreter-mentions');

    await input.click();
    await input.pressSequentially('Compare @');
    await expect(list).toBeVisible();
    const options = list.getByRole('option');
    await expect(options.filter({ hasText: 'df' }).first()).toContainText('variable · DataFrame 6 × 3');
    await expect(options.filter({ hasText: 'limit' })).toContainText('int = 100');
    await expect(options.filter({ hasText: 'cell1' })).toContainText('import pandas as pd');
    await expect(options.filter({ hasText: 'sales.csv' })).toContainText('file');
    // Typing narrows the list; Enter writes the mention.
    await input.pressSequentially('sa');
    await expect(options).toHaveCount(1);
    await input.press('Enter');
    await expect(input).toHaveValue('Compare @sales.csv ');
    await expect(list).toBeHidden();
    // Down and Escape: the list closes and the text stays as typed.
    await input.pressSequentially('with @');
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await input.press('ArrowDown');
    await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
    await input.press('Escape');
    await expect(list).toBeHidden();
    // Typing on opens the list again; Enter takes the mention, the next Enter sends.
    await input.pressSequentially('df');
    await expect(options.first()).toHaveText(/^df/);
    await input.press('Enter');
    await expect(list).toBeHidden();
    await expect(input).toHaveValue('Compare @sales.csv with @df ');
    const requests = chatRequests(page);
    await input.press('Enter');
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');

    const prompt = lastUserMessage(requests[0]);
    expect(prompt.endsWith('Compare @sales.csv with @df')).toBe(true);
    expect(prompt).toMatch(
      /@sales\.csv \(file\):\n\d+ bytes, 7 lines; first lines:\nregion,month,total\nNorth,Jan,120/
    );
    expect(prompt).toContain('@df (variable):\nshape: (6, 3)');
    expect(prompt).toMatch(/describe\(\):[^]*mean[^]*170\.0/);
  });

  test('shows how to connect a model when the server has no key; the key goes to the server only', async ({
    page,
    request
  }) => {
    const config = (body?: object) =>
      body ? request.post('/code-interpreter/config', { data: body }) : request.get('/code-interpreter/config');
    expect((await config({ api_key: '' })).ok()).toBe(true);
    try {
      // The keyboard shortcut opens the sidebar.
      await page.keyboard.press('Alt+i');
      const sidebar = page.locator(SIDEBAR);
      await expect(sidebar).toBeVisible();
      const notice = sidebar.locator('.jp-CodeInterpreter-notice');
      await expect(notice).toContainText('No API key is set on the server');
      await expect(notice).toContainText('Ollama');
      await notice.locator('.jp-CodeInterpreter-keyInput').fill('ui-tests-model-key');
      await notice.locator('button[type="submit"]').click();
      await expect(notice).toBeHidden();
      expect((await (await config()).json()).has_api_key).toBe(true);
      const stored = await page.evaluate(
        () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })
      );
      expect(stored).not.toContain('ui-tests-model-key');
    } finally {
      await config({ api_key: 'ui-tests-model-key' });
    }
  });

  test('Enter sends, Shift+Enter adds a line; with no notebook open, one is created', async ({ page }) => {
    await page.evaluate(() =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }
      ).jupyterapp.commands.execute('code-interpreter:open')
    );
    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-notebook')).toHaveText('no notebook open');
    const input = sidebar.locator('.jp-CodeInterpreter-input');
    await input.click();
    await input.pressSequentially('Please tell me');
    await input.press('Shift+Enter');
    await input.pressSequentially('what the answer is.');
    await expect(input).toHaveValue('Please tell me\nwhat the answer is.');
    await expect(sidebar.locator('.jp-CodeInterpreter-user')).toHaveCount(0);
    await input.press('Enter');
    await expect(input).toHaveValue('');
    await expect(sidebar.locator('.jp-CodeInterpreter-user')).toHaveText('Please tell me\nwhat the answer is.');
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    await expect(sidebar.locator('.jp-CodeInterpreter-notebook')).toHaveText(/\.ipynb$/);
    const cells = (await notebookJSON(page)).cells;
    expect(cells.some(cell => outputText(cell).includes('answer is 42'))).toBe(true);
  });

  test('works in a browser logged in by cookie, as a person opens JupyterLab', async ({ browser, baseURL }) => {
    // A context without the token header: the page logs in with ?token= once, then relies on
    // the cookie and the XSRF header that ServerConnection.makeRequest adds.
    const context = await browser.newContext({ extraHTTPHeaders: {} });
    try {
      const page = await context.newPage();
      const token = process.env.JUPYTER_TOKEN ?? 'ui-tests-token';
      await page.goto(`${baseURL}/lab?token=${token}`);
      await page.waitForSelector(`${SIDEBAR}`, { state: 'attached', timeout: 60_000 });
      const outcome = await page.evaluate(async () => {
        const app = (
          window as unknown as {
            jupyterapp: { commands: { execute(id: string, args?: object): Promise<unknown> } };
          }
        ).jupyterapp;
        const result = (await app.commands.execute('code-interpreter:ask', {
          prompt: 'What is the answer?'
        })) as ITurnResult;
        return result.outcome;
      });
      expect(outcome).toBe('completed');
      // The same request without the XSRF header is refused: the proxy call above needed it.
      const bare = await page.evaluate(() =>
        fetch('/code-interpreter/v1/chat/completions', { method: 'POST', body: '{}' }).then(response => response.status)
      );
      expect(bare).toBe(403);
    } finally {
      await context.close();
    }
  });

  test('screenshot: a plot revised after an error', async ({ page }) => {
    await newNotebook(page, 'sine.ipynb');
    await page.evaluate(() =>
      (window as unknown as { jupyterapp: { shell: { collapseLeft(): void } } }).jupyterapp.shell.collapseLeft()
    );
    expect((await ask(page, 'Plot a sine wave over two periods')).outcome).toBe('completed');
    await expect(page.locator('.jp-OutputArea-output img').first()).toBeVisible();
    await expect(page.locator(`${SIDEBAR} .jp-CodeInterpreter-step[data-state="ok"]`)).toHaveCount(1);
    // The README's picture is replaced only on request (UPDATE_SCREENSHOT=1), so a test run leaves
    // the work tree clean.
    const folder = process.env.UPDATE_SCREENSHOT ? 'docs' : path.join('test-results', 'ui-tests');
    await page.screenshot({ path: path.resolve(__dirname, '..', '..', folder, 'screenshot.png') });
  });

  test('an answer loads nothing from other hosts; a remote image is a link to it', async ({ page }) => {
    // A host the test controls, on loopback, so that a fetch would really arrive and be counted.
    const received: string[] = [];
    let controlSeen!: () => void;
    const control = new Promise<void>(resolve => (controlSeen = resolve));
    const remote = http.createServer((request, response) => {
      if (request.url === '/control') {
        controlSeen();
      } else {
        received.push(request.url ?? '');
      }
      response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end();
    });
    await new Promise<void>(resolve => remote.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
    const fromPage: string[] = [];
    page.on('request', request => {
      if (request.url().startsWith(origin) && !request.url().endsWith('/control')) {
        fromPage.push(request.url());
      }
    });
    try {
      await newNotebook(page, 'remote.ipynb');
      expect((await ask(page, `Show remote content from ${origin} please`)).outcome).toBe('completed');
      const answer = page.locator(`${SIDEBAR} .jp-CodeInterpreter-assistant`).last();
      await expect(answer).toContainText('And an inline dot');

      // The page asks the host for a control resource after the answer was rendered: once it
      // arrives, any fetch the rendering started would have arrived before it.
      await page.evaluate(url => fetch(url, { mode: 'no-cors' }).then(() => undefined), `${origin}/control`);
      await control;
      expect(received).toEqual([]);
      expect(fromPage).toEqual([]);

      // The remote image is a link the person can follow; the inline images stay images.
      const link = answer.locator(`a[href="${origin}/chart.png?q=secret"]`);
      await expect(link).toBeVisible();
      await expect(link).toHaveText('secret chart');
      await expect(answer.locator(`a[href="${origin}/html-img.png"]`)).toHaveText('html image');
      await expect(answer.locator(`img[src="${INLINE_PNG}"]`)).toHaveCount(2);
      await expect(answer.locator('img:not([src^="data:"])')).toHaveCount(0);
      await expect(answer.locator('iframe, link, style, video, image, [style*="url"]')).toHaveCount(0);
      await expect(answer.locator('img[srcset]')).toHaveCount(0);
    } finally {
      await new Promise(resolve => remote.close(resolve));
    }
  });

  test('long words wrap inside the sidebar; in a new notebook the agent writes into the first cell', async ({
    page
  }) => {
    await newNotebook(page, 'wrap.ipynb');
    // The new notebook's one empty cell takes the agent's code: no empty cell is left above it.
    expect((await ask(page, 'What is the answer?')).outcome).toBe('completed');
    const cells = (await notebookJSON(page)).cells;
    expect(cells.map(cell => text(cell.source))).toEqual([CODE.undo]);
    expect(outputText(cells[0])).toContain('answer is 42');
    await expect(page.locator('.jp-Notebook .jp-Cell').first()).toContainText('answer is 42');

    // A URL-like word of 300 characters, in the prompt and in the model's error.
    const word = `https://example.invalid/${'segment-'.repeat(40)}`.slice(0, 300);
    expect(word).toHaveLength(300);
    const result = await ask(page, `Fail with a long error ${word}`);
    expect(result.outcome).toBe('model-error');
    const sidebar = page.locator(SIDEBAR);
    const error = sidebar.locator('.jp-CodeInterpreter-turn-end').last();
    await expect(error).toContainText('Model error');
    await expect(error).toContainText(word.slice(-40));
    await expect(sidebar.locator('.jp-CodeInterpreter-user').last()).toContainText(word);

    // Every entry's text ends within the panel: its right edge is left of the sidebar's, and
    // nothing in the transcript is wider than the transcript.
    const overflow = await page.evaluate(selector => {
      const panel = document.querySelector(selector)!.getBoundingClientRect();
      const transcript = document.querySelector(`${selector} .jp-CodeInterpreter-transcript`)!;
      const entries = Array.from(document.querySelectorAll(`${selector} .jp-CodeInterpreter-entry`));
      const past = entries
        .map(entry => {
          const range = document.createRange();
          range.selectNodeContents(entry);
          return { entry: entry.className, right: range.getBoundingClientRect().right, wide: entry.scrollWidth };
        })
        .filter(({ right }) => right > panel.right + 0.5);
      return {
        past,
        entries: entries.length,
        transcriptScroll: transcript.scrollWidth - transcript.clientWidth
      };
    }, SIDEBAR);
    expect(overflow.entries).toBeGreaterThanOrEqual(4);
    expect(overflow.past).toEqual([]);
    expect(overflow.transcriptScroll).toBeLessThanOrEqual(0);
  });

  test('an answer cannot cover the approval card: its text is seen and the Run button is what a click meets', async ({
    page
  }) => {
    await newNotebook(page, 'overlay.ipynb');
    const turn = ask(page, 'Please cover the approval');
    const sidebar = page.locator(SIDEBAR);
    const pending = sidebar.locator('.jp-CodeInterpreter-approval[data-state="pending"]');
    await expect(pending).toContainText('Run this new cell?');
    const answer = sidebar.locator('.jp-CodeInterpreter-assistant').last();
    await expect(answer).toContainText('fake approval');
    // The answer keeps no style and no class of JupyterLab's.
    await expect(answer.locator('.jp-RenderedMarkdown [style], .jp-RenderedMarkdown .jp-HoverBox')).toHaveCount(0);

    // What is drawn at the centre of the card's code and of its Run button is the card's own.
    const run = pending.locator('.jp-CodeInterpreter-approve');
    const code = pending.locator('.jp-CodeInterpreter-approvalCode');
    await expect(code).toHaveValue(CODE.risky);
    const atCentre = (selector: string) =>
      page.evaluate(sel => {
        const element = document.querySelector(sel)!;
        const box = element.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit === element || element.contains(hit);
      }, selector);
    const card = `${SIDEBAR} .jp-CodeInterpreter-approval[data-state="pending"]`;
    // Polled: the transcript scrolls the card into view on the next animation frame.
    await expect.poll(() => atCentre(`${card} .jp-CodeInterpreter-approve`)).toBe(true);
    await expect.poll(() => atCentre(`${card} .jp-CodeInterpreter-approvalCode`)).toBe(true);

    await run.click();
    expect((await turn).outcome).toBe('completed');
  });

  test('a markdown cell the model adds loads nothing from other hosts and its command button runs nothing', async ({
    page
  }) => {
    const host = await countingHost(page);
    const requests = chatRequests(page);
    try {
      await newNotebook(page, 'markdown.ipynb');
      expect((await ask(page, `Add a markdown cell with content from ${host.origin}`)).outcome).toBe('completed');
      const markdown = page.locator('.jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown');
      await expect(markdown).toContainText('And an inline dot');

      // The person trusts the notebook's cells, as the Trust Notebook command does.
      await trustNotebook(page);
      await expect(markdown).toContainText('And an inline dot');

      await host.settled();
      expect(host.received).toEqual([]);
      expect(host.fromPage).toEqual([]);
      await expect(markdown.locator(`a[href="${host.origin}/chart.png?q=secret"]`)).toHaveText('secret chart');
      await expect(markdown.locator('img:not([src^="data:"])')).toHaveCount(0);

      // The planted button is there, without its command: a click asks nothing.
      const button = markdown.locator('button', { hasText: 'Click me' });
      await expect(button).toBeVisible();
      await expect(page.locator('[data-commandlinker-command="code-interpreter:ask"]')).toHaveCount(0);
      const asked = requests.length;
      await button.click();
      // The click's handlers have run once the page has drawn a frame after it.
      await page.evaluate(() => new Promise<void>(resolve => requestAnimationFrame(() => resolve())));
      await expect(page.locator(`${SIDEBAR} .jp-CodeInterpreter-user`)).toHaveCount(1);
      expect(requests.length).toBe(asked);
    } finally {
      await host.close();
    }
  });

  test("the agent's HTML and JavaScript outputs run no script, and the saved notebook does not trust them", async ({
    page
  }) => {
    await newNotebook(page, 'active.ipynb');
    // Code that displays HTML or JavaScript is asked about (it reaches the page); the person runs it.
    const turn = ask(page, 'Display active outputs');
    const pending = page.locator(`${SIDEBAR} .jp-CodeInterpreter-approval[data-state="pending"]`);
    await expect(pending.locator('.jp-CodeInterpreter-approvalCode')).toHaveValue(CODE.activeOutputs);
    await pending.locator('.jp-CodeInterpreter-approve').click();
    expect((await turn).outcome).toBe('completed');

    /** Nothing ran: no payload set the marker, and approvals are still asked for. */
    const expectNothingRan = async () => {
      const outputs = page.locator('.jp-Notebook .jp-OutputArea');
      await expect(outputs).toContainText('active outputs displayed');
      // The JavaScript is shown as its text form, not run.
      await expect(outputs).toContainText('<IPython.core.display.Javascript object>');
      // The HTML is shown sanitized: its image has no handler left.
      const image = outputs.locator('.jp-RenderedHTML img');
      await expect(image).toHaveCount(1);
      expect(await image.getAttribute('onerror')).toBeNull();
      // The same source loaded once more: when its error arrives, the output's image has failed
      // too, and a handler would have run.
      const src = await image.evaluate(element => (element as HTMLImageElement).src);
      await page.evaluate(
        url =>
          new Promise<void>(resolve => {
            const probe = new Image();
            probe.onerror = probe.onload = () => resolve();
            probe.src = url;
          }),
        src
      );
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await readSettings(page)).not.toContain('never');
    };
    await expectNothingRan();

    // Saved, the notebook is not signed: the server reads its one cell back as untrusted.
    await page.notebook.save();
    const path = await page.evaluate(
      () =>
        (window as unknown as { jupyterapp: { shell: { currentWidget: { context: { path: string } } } } }).jupyterapp
          .shell.currentWidget.context.path
    );
    const saved = await page.evaluate(async file => {
      const app = (
        window as unknown as {
          jupyterapp: {
            serviceManager: {
              contents: {
                get(
                  path: string,
                  options: { content: boolean }
                ): Promise<{ content: { cells: { source: string; metadata: { trusted?: boolean } }[] } }>;
              };
            };
          };
        }
      ).jupyterapp;
      return (await app.serviceManager.contents.get(file, { content: true })).content.cells;
    }, path);
    const cell = saved.find(candidate => text(candidate.source).includes('Javascript'));
    expect(cell?.metadata.trusted).toBe(false);

    // Reopened, its outputs are still shown untrusted.
    await page.notebook.close(true);
    await page.notebook.open('active.ipynb');
    await expectNothingRan();

    // Once the person trusts the notebook, its outputs are rendered as trusted: the payloads
    // above would have run (the settings they change are put back).
    const before = await readSettings(page);
    await trustNotebook(page);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned))
      .not.toBeUndefined();
    await expect.poll(() => readSettings(page)).toContain('never');
    await page.evaluate(
      raw =>
        (
          window as unknown as {
            jupyterapp: { serviceManager: { settings: { save(id: string, raw: string): Promise<void> } } };
          }
        ).jupyterapp.serviceManager.settings.save('jupyterlab-code-interpreter:plugin', raw),
      before
    );
  });
});

/**
 * A host on loopback that counts the requests it receives, as a remote host would receive what a
 * page fetches by itself, and the requests the page makes to it.
 */
async function countingHost(page: Page) {
  const received: string[] = [];
  let controlSeen!: () => void;
  const control = new Promise<void>(resolve => (controlSeen = resolve));
  const server = http.createServer((request, response) => {
    if (request.url === '/control') {
      controlSeen();
    } else {
      received.push(request.url ?? '');
    }
    response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fromPage: string[] = [];
  page.on('request', request => {
    if (request.url().startsWith(origin) && !request.url().endsWith('/control')) {
      fromPage.push(request.url());
    }
  });
  return {
    origin,
    received,
    fromPage,
    /** The page asks for a control resource: once it arrives, any fetch started before has too. */
    async settled(): Promise<void> {
      await page.evaluate(url => fetch(url, { mode: 'no-cors' }).then(() => undefined), `${origin}/control`);
      await control;
    },
    close: () => new Promise(resolve => server.close(resolve))
  };
}

/**
 * The user's settings of the code interpreter, as written (JSON5).
 */
function readSettings(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const app = (
      window as unknown as {
        jupyterapp: { serviceManager: { settings: { fetch(id: string): Promise<{ raw: string }> } } };
      }
    ).jupyterapp;
    return (await app.serviceManager.settings.fetch('jupyterlab-code-interpreter:plugin')).raw;
  });
}

/**
 * Trust the current notebook's cells as JupyterLab's Trust Notebook command does once the person
 * confirms (`NotebookActions.trust`). The command itself is not used: it then saves the notebook
 * from the browser, which with real-time collaboration can race the server's own save of the
 * file and stop the test at a "File Changed" dialog.
 */
async function trustNotebook(page: Page): Promise<void> {
  await page.evaluate(() => {
    const app = (
      window as unknown as {
        jupyterapp: { shell: { currentWidget: { content: { model: { cells: Iterable<{ trusted: boolean }> } } } } };
      }
    ).jupyterapp;
    for (const cell of app.shell.currentWidget.content.model.cells) {
      cell.trusted = true;
    }
  });
}
