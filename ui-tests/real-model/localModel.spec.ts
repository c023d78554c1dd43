/**
 * The sidebar on the embedded local model (Qwen2.5-Coder-1.5B on llama.cpp) through the Jupyter
 * server's proxy, with nothing configured: a user types a data task and the notebook gets a cell
 * whose output holds the right value. Asserts on the value, never on the model's wording.
 */
import { expect, test } from '@jupyterlab/galata';

import { chatRequests, lastUserMessage, SALES_CSV } from '../chatRequests';
import { newNotebook } from '../notebookHelpers';

test.use({ autoGoto: true });

test('computes the mean of 3, 5, 10, 12 into a notebook cell, with no endpoint configured', async ({ page }) => {
  await newNotebook(page, 'mean.ipynb');
  const sidebar = page.locator('#jp-code-interpreter');
  await expect(sidebar).toBeVisible();
  const prompt = sidebar.locator('textarea.jp-CodeInterpreter-input');
  await prompt.fill('Compute the mean of 3, 5, 10, 12.');
  await prompt.press('Enter');
  // The answer is written into a cell of the notebook and run on its kernel.
  await expect(page.locator('.jp-Notebook .jp-OutputArea-output').filter({ hasText: '7.5' }).first()).toBeVisible();
  // The turn ends (Send comes back in place of Stop), and the sidebar says the model is ready.
  await expect(sidebar.getByRole('button', { name: /send/i })).toBeVisible();
  await expect(sidebar.locator('.jp-CodeInterpreter-localModel[data-state="ready"]')).toBeVisible();
});

test("the request describes the user's dataframe, from the kernel, with its real columns", async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(SALES_CSV, 'text', `${tmpPath}/sales.csv`);
  await newNotebook(page, 'sales.ipynb');
  await page.notebook.setCell(0, 'code', 'import pandas as pd\ndf = pd.read_csv("sales.csv")');
  await page.notebook.runCell(0);
  const sidebar = page.locator('#jp-code-interpreter');
  const requests = chatRequests(page);
  const prompt = sidebar.locator('textarea.jp-CodeInterpreter-input');
  await prompt.fill('Which region has the highest total?');
  await prompt.press('Enter');
  // The turn's end is shown once it has ended; Send alone is also there before the turn starts.
  await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toBeVisible({ timeout: 300_000 });
  expect(requests.length).toBeGreaterThan(0);
  // What the model chose to write is its own; what it was told is the product's.
  const first = lastUserMessage(requests[0]);
  expect(first).toContain('df: DataFrame, 6 rows x 3 columns');
  expect(first).toContain('columns: region str, month str, total int64');
  expect(first.endsWith('Which region has the highest total?')).toBe(true);
});
