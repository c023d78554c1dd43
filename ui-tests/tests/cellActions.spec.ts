/**
 * The cell actions in a real JupyterLab with a real kernel: fix a failed cell from its error, ask
 * about a cell with a chip, explain a cell's output. The model is the scripted server
 * (../modelReplies.ts); where a revision lands and that an explanation runs nothing is the agent's
 * behaviour for attached cells (docs/jupyterlab.md, "Pointing at cells").
 */
import { expect, test } from '@jupyterlab/galata';

import { chatRequests, lastUserMessage } from '../chatRequests';
import { CODE } from '../modelReplies';
import { newNotebook, notebookJSON, outputText, SIDEBAR, text, type INotebookJSON } from '../notebookHelpers';

/** A cell as the tests compare it: what the person sees of it. */
function visible(cell: INotebookJSON['cells'][number]): object {
  return {
    id: cell.id,
    source: text(cell.source),
    count: (cell as { execution_count?: number | null }).execution_count ?? null,
    outputs: outputText(cell)
  };
}

/** Whether a cell's outputs hold an image. */
function hasImage(cell: INotebookJSON['cells'][number]): boolean {
  return (cell.outputs ?? []).some(output => !!(output as { data?: Record<string, unknown> }).data?.['image/png']);
}

test.describe('cell actions', () => {
  test.use({ autoGoto: true });

  test("one click on a failed cell's Fix button revises that cell in place", async ({ page }) => {
    await newNotebook(page, 'fix-error.ipynb');
    await page.notebook.setCell(0, 'code', CODE.meanFailing);
    await page.notebook.runCell(0);
    const before = await notebookJSON(page);
    expect(before.cells[0].outputs?.some(output => output.ename === 'NameError')).toBe(true);
    const requests = chatRequests(page);

    // One button, under the failed cell's error, and none elsewhere.
    const firstCell = page.locator('.jp-Notebook .jp-Cell').first();
    const fix = firstCell.locator('.jp-CodeInterpreter-fixErrorButton');
    await expect(fix).toBeVisible();
    await expect(fix).toHaveText('Fix with Code Interpreter');
    await expect(page.locator('.jp-CodeInterpreter-fixErrorButton:visible')).toHaveCount(1);
    await fix.click();

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar).toBeVisible();
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    // The model was shown the cell's code and its traceback.
    const prompt = lastUserMessage(requests[0]);
    expect(prompt).toContain('Fix this error.');
    expect(prompt).toContain('sum(values) / len(value))');
    expect(prompt).toContain('NameError');
    expect(prompt).toContain("name 'value' is not defined");
    // The same cell holds the revision and its output; no cell was added.
    const after = await notebookJSON(page);
    expect(after.cells.map(cell => cell.id)).toEqual(before.cells.map(cell => cell.id));
    expect(text(after.cells[0].source)).toBe(CODE.meanFixed);
    expect(outputText(after.cells[0])).toBe('mean: 2.0\n');
    // The error is gone, and its button with it.
    await expect(fix).toBeHidden();
  });

  test('"ask about this cell" attaches it as a chip, and the prompt revises that cell', async ({ page }) => {
    await newNotebook(page, 'ask-about-cell.ipynb');
    await page.notebook.setCell(0, 'code', CODE.linearPlot);
    await page.notebook.runCell(0);
    const before = await notebookJSON(page);
    expect(hasImage(before.cells[0])).toBe(true);

    const firstCell = page.locator('.jp-Notebook .jp-Cell').first();
    await firstCell.locator('.jp-InputArea-editor').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Ask Code Interpreter about This Cell' }).click();

    const sidebar = page.locator(SIDEBAR);
    const chip = sidebar.locator('.jp-CodeInterpreter-chip');
    await expect(chip).toHaveCount(1);
    await expect(chip).toContainText('Cell 1: import matplotlib.pyplot as plt');
    await expect(chip.locator('.jp-CodeInterpreter-chipRemove')).toHaveAttribute(
      'aria-label',
      'Remove Cell 1: import matplotlib.pyplot as plt from the prompt'
    );
    const input = sidebar.locator('.jp-CodeInterpreter-input');
    await expect(input).toBeFocused();
    await input.fill('use a log scale');
    await input.press('Enter');

    // Sent with the prompt: the chips are cleared.
    await expect(chip).toHaveCount(0);
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    const after = await notebookJSON(page);
    expect(after.cells.map(cell => cell.id)).toEqual(before.cells.map(cell => cell.id));
    expect(text(after.cells[0].source)).toBe(CODE.logPlot);
    expect(hasImage(after.cells[0])).toBe(true);
  });

  test("Explain from an output's context menu answers without making or running a cell", async ({ page }) => {
    await newNotebook(page, 'explain-output.ipynb');
    await page.notebook.setCell(0, 'code', CODE.explained);
    await page.notebook.runCell(0);
    const before = await notebookJSON(page);
    expect(outputText(before.cells[0])).toBe('45\n');

    const output = page.locator('.jp-Notebook .jp-Cell').first().locator('.jp-OutputArea-child').first();
    await output.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Explain with Code Interpreter' }).click();

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant').last()).toContainText('45');
    // No cell made, none changed, nothing run (the counts are as they were).
    const after = await notebookJSON(page);
    expect(after.cells.map(visible)).toEqual(before.cells.map(visible));
    // The kernel ran nothing either: the next cell the person runs gets the next count.
    await page.notebook.setCell(1, 'code', 'print("next")');
    await page.notebook.runCell(1);
    const counts = (await notebookJSON(page)).cells.map(
      cell => (cell as { execution_count?: number | null }).execution_count ?? null
    );
    expect(counts.slice(0, 2)).toEqual([1, 2]);
    expect(outputText((await notebookJSON(page)).cells[0])).not.toContain('ran while explaining');
  });
});
