/**
 * Screenshots of the cell actions for docs/jupyterlab.md, written to docs/images/: the fix button
 * under an error, the cell's context menu, a chip in the prompt box, a fix turn and an explanation
 * in the sidebar. Run with scripts/screenshots (not in CI, not with the UI tests).
 */
import * as path from 'node:path';

import { expect, test } from '@jupyterlab/galata';

import { CODE } from '../modelReplies';
import { newNotebook, SIDEBAR } from '../notebookHelpers';

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

/** Where a screenshot goes. */
function image(name: string): string {
  return path.join(IMAGES, `cell-actions-${name}.png`);
}

test.describe('cell actions screenshots', () => {
  test.use({ autoGoto: true });

  test('fix this error', async ({ page }) => {
    await newNotebook(page, 'screenshot-fix.ipynb');
    await page.notebook.setCell(0, 'code', CODE.meanFailing);
    await page.notebook.runCell(0);
    const firstCell = page.locator('.jp-Notebook .jp-Cell').first();
    const fix = firstCell.locator('.jp-CodeInterpreter-fixErrorButton');
    await expect(fix).toBeVisible();
    await firstCell.screenshot({ path: image('fix-button') });

    await fix.click();
    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    await page.screenshot({ path: image('fix-turn') });
  });

  test('the context menu, and ask about this cell', async ({ page }) => {
    await newNotebook(page, 'screenshot-ask.ipynb');
    await page.notebook.setCell(0, 'code', CODE.linearPlot);
    await page.notebook.runCell(0);
    const firstCell = page.locator('.jp-Notebook .jp-Cell').first();
    await firstCell.locator('.jp-InputArea-editor').click({ button: 'right' });
    const menu = page.locator('.lm-Menu').last();
    const ask = page.getByRole('menuitem', { name: 'Ask Code Interpreter about This Cell' });
    await expect(ask).toBeVisible();
    await menu.screenshot({ path: image('context-menu') });
    await ask.click();

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-chip')).toHaveCount(1);
    await sidebar.locator('.jp-CodeInterpreter-input').fill('use a log scale');
    await sidebar.locator('.jp-CodeInterpreter-composer').screenshot({ path: image('chip') });

    await sidebar.locator('.jp-CodeInterpreter-input').press('Enter');
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    await page.screenshot({ path: image('ask-turn') });
  });

  test('explain an output', async ({ page }) => {
    await newNotebook(page, 'screenshot-explain.ipynb');
    await page.notebook.setCell(0, 'code', CODE.explained);
    await page.notebook.runCell(0);
    const output = page.locator('.jp-Notebook .jp-Cell').first().locator('.jp-OutputArea-child').first();
    await output.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Explain with Code Interpreter' }).click();

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
    await page.screenshot({ path: image('explain') });
  });
});
