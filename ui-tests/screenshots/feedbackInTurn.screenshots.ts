/**
 * Screenshots of reviewing a revision of the person's cell and of stepping in during a turn, for
 * docs/jupyterlab.md, written to docs/images/. Run with scripts/screenshots (not in CI, not with
 * the UI tests); the scenarios are the scripted model's of ui-tests/tests/revisionReview.spec.ts
 * and stepIn.spec.ts.
 */
import * as path from 'node:path';

import { expect, test } from '@jupyterlab/galata';

import { CODE } from '../modelReplies';
import { ask, newNotebook, notebookJSON, SIDEBAR } from '../notebookHelpers';

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

test.describe('feedback during a turn screenshots', () => {
  test.use({ autoGoto: true });

  test('a revision of the person’s cell waiting for review', async ({ page }) => {
    await newNotebook(page, 'screenshot-review.ipynb');
    await page.notebook.setCell(0, 'code', CODE.mine);
    const cellId = (await notebookJSON(page)).cells[0].id;
    const turn = ask(page, `Please revise my cell ${cellId}`);
    const pending = page.locator(SIDEBAR).locator('.jp-CodeInterpreter-revision-review[data-state="pending"]');
    await expect(pending.locator('.jp-CodeInterpreter-diff')).toContainText('"hello".upper()');
    await page.screenshot({ path: path.join(IMAGES, 'revision-review.png') });
    await pending.locator('.jp-CodeInterpreter-reject').click();
    await turn;
  });

  test('a message sent to the running turn', async ({ page, tmpPath }) => {
    await newNotebook(page, 'screenshot-step-in.ipynb');
    const turn = ask(page, 'Wait for my second thoughts');
    const sidebar = page.locator(SIDEBAR);
    await expect(page.locator('.jp-Notebook .jp-Cell .jp-OutputArea-output').last()).toContainText(
      'waiting for second thoughts'
    );
    const input = sidebar.locator('textarea.jp-CodeInterpreter-input');
    await input.click();
    await input.pressSequentially('Second thoughts: report the median');
    await input.press('Enter');
    await expect(sidebar.locator('.jp-CodeInterpreter-feedback[data-state="pending"]')).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'step-in-pending.png') });
    await page.contents.uploadContent('go', 'text', `${tmpPath}/second-thoughts.txt`);
    await turn;
    await expect(sidebar.locator('.jp-CodeInterpreter-feedback[data-state="delivered"]')).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'step-in-delivered.png') });
  });
});
