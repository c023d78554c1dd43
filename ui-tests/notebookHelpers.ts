/**
 * What the UI tests do in a JupyterLab page: send a prompt as another extension would, read the
 * notebook as its live model holds it, open a notebook with the sidebar.
 */
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

/** How a turn ended, as the `code-interpreter:ask` command resolves. */
export interface ITurnResult {
  outcome: string;
  reason?: string;
  executions: number;
}

/** A notebook as nbformat JSON, with the fields the tests read. */
export interface INotebookJSON {
  cells: {
    id: string;
    cell_type: string;
    source: string | string[];
    outputs?: { text?: string | string[]; ename?: string }[];
  }[];
  metadata: Record<string, unknown>;
}

/** The sidebar. */
export const SIDEBAR = '#jp-code-interpreter';

/**
 * Send a prompt through the `code-interpreter:ask` command, as a script or another extension would.
 */
export function ask(page: Page, prompt: string): Promise<ITurnResult> {
  return page.evaluate(
    text =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string, args: object): Promise<unknown> } } }
      ).jupyterapp.commands.execute('code-interpreter:ask', { prompt: text }) as Promise<ITurnResult>,
    prompt
  );
}

/**
 * Open the sidebar through its command.
 */
export async function openSidebar(page: Page): Promise<void> {
  await page.evaluate(() =>
    (
      window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }
    ).jupyterapp.commands.execute('code-interpreter:open')
  );
  await expect(page.locator(SIDEBAR)).toBeVisible();
}

/**
 * The current notebook as nbformat JSON (read from the live model, not the file).
 */
export function notebookJSON(page: Page): Promise<INotebookJSON> {
  return page.evaluate(() => {
    const app = (
      window as unknown as { jupyterapp: { shell: { currentWidget: { content: { model: { toJSON(): unknown } } } } } }
    ).jupyterapp;
    return app.shell.currentWidget.content.model.toJSON() as INotebookJSON;
  });
}

/**
 * A multiline nbformat string as one string.
 */
export function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join('') : (value ?? '');
}

/**
 * The text of a cell's outputs: streams and error names.
 */
export function outputText(cell: INotebookJSON['cells'][number]): string {
  return (cell.outputs ?? []).map(output => text(output.text) + (output.ename ?? '')).join('');
}

/**
 * Create a notebook in the test's folder, wait for its kernel and open the sidebar.
 *
 * The file is written under its name through the contents API and then opened. Galata's
 * `notebook.createNew(name)` creates "Untitled.ipynb" and renames it, and a file browser refresh
 * that lists the folder while the rename happens gets a 404 for the vanished file and puts up a
 * modal "Directory not found" dialog that blocks every later click (seen in CI).
 */
export async function newNotebook(page: IJupyterLabPageFixture, name: string): Promise<void> {
  const folder = await page.filebrowser.getCurrentDirectory();
  const path = folder ? `${folder}/${name}` : name;
  const emptyNotebook = {
    cells: [{ cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }],
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
  expect(await page.contents.uploadContent(JSON.stringify(emptyNotebook), 'text', path)).toBe(true);
  // Resolves once the notebook's session has its kernel (or failed to get one).
  await page.evaluate(async notebookPath => {
    const app = (
      window as unknown as {
        jupyterapp: {
          commands: { execute(id: string, args: object): Promise<{ sessionContext: { ready: Promise<void> } }> };
        };
      }
    ).jupyterapp;
    const panel = await app.commands.execute('docmanager:open', { path: notebookPath, factory: 'Notebook' });
    await panel.sessionContext.ready;
  }, path);
  await expect(
    page.getByRole('main').getByRole('tab', { name: new RegExp(`^${name.replace('.', '\\.')}`) })
  ).toBeVisible();
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 });
  await openSidebar(page);
}
