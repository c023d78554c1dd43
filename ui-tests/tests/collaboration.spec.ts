/**
 * Real-time collaboration (jupyter-collaboration, installed in the test environment): two people,
 * each in a browser of their own, on one notebook. A asks the code interpreter; B watches and edits
 * the same notebook while A's turn runs. Everything travels through the shared document.
 */
import { expect, galata, test, type IJupyterLabPage, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';

import { CODE } from '../modelReplies';
import {
  ask,
  newNotebook,
  notebookJSON,
  openSidebar,
  outputText,
  SIDEBAR,
  text,
  type INotebookJSON
} from '../notebookHelpers';

/** The sources of a notebook's cells, in order. */
function sources(notebook: INotebookJSON): string[] {
  return notebook.cells.map(cell => text(cell.source));
}

/** The conversation's turns in a notebook's metadata. */
function turns(notebook: INotebookJSON): { prompt: string; undoneAt?: string }[] {
  return (
    (notebook.metadata.code_interpreter as { turns?: { prompt: string; undoneAt?: string }[] } | undefined)?.turns ?? []
  );
}

/** The notebook as the file on the server's disk holds it. */
async function fileOnDisk(request: APIRequestContext, path: string): Promise<INotebookJSON> {
  const response = await request.get(`/api/contents/${path}?type=notebook&content=1`);
  expect(response.ok()).toBe(true);
  return (await response.json()).content as INotebookJSON;
}

/**
 * Requests of a page that would write the notebook itself through the contents API (a PUT of
 * the file): with collaboration, only the server writes it, from the shared document.
 */
function contentWrites(page: Page, path: string): string[] {
  const writes: string[] = [];
  page.on('request', request => {
    if (request.method() === 'PUT' && decodeURIComponent(request.url()).includes(`/api/contents/${path}`)) {
      writes.push(request.url());
    }
  });
  return writes;
}

test.describe('real-time collaboration', () => {
  test.use({ autoGoto: true });

  let contextB: BrowserContext | undefined;

  test.afterEach(async () => {
    await contextB?.close();
    contextB = undefined;
  });

  /**
   * Person B: a browser context of its own (with the same token, the server's only user), on the
   * notebook A has open.
   */
  async function openAsB(
    browser: Browser,
    baseURL: string,
    waitForApplication: (page: Page, helpers: IJupyterLabPage) => Promise<void>,
    folder: string,
    name: string
  ): Promise<IJupyterLabPageFixture> {
    contextB = await browser.newContext({
      extraHTTPHeaders: { Authorization: `token ${process.env.JUPYTER_TOKEN ?? 'ui-tests-token'}` },
      viewport: { width: 1400, height: 850 }
    });
    const pageB = await galata.initTestPage(
      '/lab',
      true,
      baseURL,
      true,
      galata.DEFAULT_SETTINGS,
      true,
      true,
      await contextB.newPage(),
      null,
      null,
      folder,
      waitForApplication
    );
    expect(await pageB.notebook.openByPath(`${folder}/${name}`)).toBe(true);
    await pageB.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 });
    await openSidebar(pageB);
    return pageB;
  }

  test("B sees the agent's cell and output as they come, B's edits are kept, undo on A removes only the agent's cell for both", async ({
    page,
    browser,
    baseURL,
    request,
    tmpPath,
    waitForApplication
  }) => {
    const path = `${tmpPath}/shared.ipynb`;
    await newNotebook(page, 'shared.ipynb');
    // The notebook is a shared document of the collaboration server.
    const collaborative = await page.evaluate(
      () =>
        (
          window as unknown as {
            jupyterapp: { shell: { currentWidget: { context: { model: { collaborative: boolean } } } } };
          }
        ).jupyterapp.shell.currentWidget.context.model.collaborative
    );
    expect(collaborative).toBe(true);
    await page.notebook.setCell(0, 'code', 'note = "by A"');
    const pageB = await openAsB(browser, baseURL!, waitForApplication, tmpPath, 'shared.ipynb');
    await expect.poll(async () => sources(await notebookJSON(pageB))).toEqual(['note = "by A"']);
    const writesA = contentWrites(page, path);
    const writesB = contentWrites(pageB, path);

    // A asks; the agent's cell runs until the test releases it.
    const turn = ask(page, 'Wait for the collaborator');
    const sidebarA = page.locator(SIDEBAR);
    await expect(sidebarA.locator('.jp-CodeInterpreter-status')).toHaveText('running');

    // B sees the agent's cell appear below A's cell, running, with its first output.
    const agentCellB = pageB.locator('.jp-Notebook .jp-Cell').nth(1);
    await expect(agentCellB.locator('.jp-OutputArea-output')).toContainText('waiting for the collaborator');
    await expect(agentCellB.locator('.jp-InputPrompt')).toHaveText('[*]:');
    let notebookB = await notebookJSON(pageB);
    expect(sources(notebookB)).toEqual(['note = "by A"', CODE.collaborator]);
    // The output is in B's model: it came through the shared document.
    expect(outputText(notebookB.cells[1])).toBe('waiting for the collaborator\n');
    await expect(sidebarA.locator('.jp-CodeInterpreter-status')).toHaveText('running');

    // B, while the turn runs: edits A's cell and adds one at the end, in the notebook's UI.
    expect(await pageB.notebook.setCell(0, 'code', 'note = "by B"')).toBe(true);
    expect(await pageB.notebook.addCell('code', 'b_cell = 2')).toBe(true);
    // A sees B's edits while its turn still runs.
    await expect
      .poll(async () => sources(await notebookJSON(page)))
      .toEqual(['note = "by B"', CODE.collaborator, 'b_cell = 2']);
    await expect(sidebarA.locator('.jp-CodeInterpreter-status')).toHaveText('running');

    // Release the cell: the turn ends.
    await page.contents.uploadContent('go', 'text', `${tmpPath}/release.txt`);
    const result = await turn;
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);

    // Both see the same notebook: B's edits kept, the agent's cell with all its output.
    const expected = ['note = "by B"', CODE.collaborator, 'b_cell = 2'];
    for (const person of [page, pageB]) {
      await expect.poll(async () => sources(await notebookJSON(person))).toEqual(expected);
      await expect
        .poll(async () => outputText((await notebookJSON(person)).cells[1]))
        .toBe('waiting for the collaborator\nreleased\n');
    }
    await expect(agentCellB.locator('.jp-InputPrompt')).toHaveText(/\[\d+\]:/);

    // The conversation reached B, in the notebook's metadata and in B's sidebar.
    await expect
      .poll(async () => turns(await notebookJSON(pageB)).map(saved => saved.prompt))
      .toEqual(['Wait for the collaborator']);
    const sidebarB = pageB.locator(SIDEBAR);
    // Written by another browser: B's sidebar shows all of it first, and B chooses to continue it.
    await expect(sidebarB.locator('.jp-CodeInterpreter-review')).toContainText('Wait for the collaborator');
    await sidebarB.locator('.jp-CodeInterpreter-review-continue').click();
    await expect(sidebarB.locator('.jp-CodeInterpreter-user')).toHaveText('Wait for the collaborator');
    await expect(sidebarB.locator('.jp-CodeInterpreter-assistant').last()).toContainText(
      'The collaborator released the cell.'
    );
    await expect(sidebarB.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');

    // The file on disk is the shared document, saved by the collaboration server.
    await expect.poll(async () => sources(await fileOnDisk(request, path))).toEqual(expected);
    await expect.poll(async () => turns(await fileOnDisk(request, path)).length).toBe(1);

    // Undo on A: only the agent's cell goes, on both pages; B's cells stay as B left them.
    await sidebarA.locator('.jp-CodeInterpreter-turn-end .jp-CodeInterpreter-undo').click();
    await expect(sidebarA.locator('.jp-CodeInterpreter-undone')).toBeVisible();
    for (const person of [page, pageB]) {
      await expect.poll(async () => sources(await notebookJSON(person))).toEqual(['note = "by B"', 'b_cell = 2']);
    }
    await expect(pageB.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);
    // B's sidebar shows the turn undone, and offers no undo of it.
    await expect(sidebarB.locator('.jp-CodeInterpreter-undone')).toBeVisible();
    await expect(sidebarB.locator('.jp-CodeInterpreter-undo')).toHaveCount(0);
    notebookB = await notebookJSON(pageB);
    expect(turns(notebookB).map(saved => !!saved.undoneAt)).toEqual([true]);
    await expect.poll(async () => sources(await fileOnDisk(request, path))).toEqual(['note = "by B"', 'b_cell = 2']);

    // Neither browser wrote the file itself, and neither was asked to resolve a conflict.
    expect(writesA).toEqual([]);
    expect(writesB).toEqual([]);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(pageB.locator('.jp-Dialog')).toHaveCount(0);
  });
});
