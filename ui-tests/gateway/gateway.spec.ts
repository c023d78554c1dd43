/**
 * The sidebar with the notebook's kernel on Enterprise Gateway: a failing cell is revised until it
 * works, and Stop interrupts a running cell through the gateway.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';

import { newNotebook } from '../notebookHelpers';

test.use({ autoGoto: true, kernels: null });

const SIDEBAR = '#jp-code-interpreter';

async function askInNewNotebook(page: IJupyterLabPageFixture, name: string, prompt: string): Promise<void> {
  await newNotebook(page, name);
  const input = page.locator(`${SIDEBAR} textarea.jp-CodeInterpreter-input`);
  await input.fill(prompt);
  await input.press('Enter');
}

test('the kernel runs on the gateway: it holds no process of the server, and a failing cell is revised', async ({
  page,
  request
}) => {
  await askInNewNotebook(page, 'gateway.ipynb', 'What is the square root of 16?');
  const sidebar = page.locator(SIDEBAR);
  await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toContainText('Done');
  await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="error"]')).toContainText('AttributeError');
  const outputs = page.locator('.jp-Notebook .jp-OutputArea-output');
  await expect(outputs.filter({ hasText: 'root: 4.0' })).toHaveCount(1);
  await expect(
    page.locator('.jp-Notebook .jp-Cell .jp-InputArea-editor').filter({ hasText: 'math.sqrt(16)' })
  ).toHaveCount(1);
  // The server's kernel is the gateway's: its kernel list comes from there (the gateway's own ids).
  const kernels = (await (await request.get('/api/kernels')).json()) as { id: string; execution_state: string }[];
  expect(kernels).toHaveLength(1);
  const gateway = await request.get(`http://127.0.0.1:${process.env.GATEWAY_PORT}/api/kernels`, {
    headers: { Authorization: `token ${process.env.GATEWAY_TOKEN}` }
  });
  expect(((await gateway.json()) as { id: string }[]).map(kernel => kernel.id)).toEqual([kernels[0].id]);
});

test('Stop interrupts a cell running on the gateway', async ({ page }) => {
  await askInNewNotebook(page, 'gateway-stop.ipynb', 'Run a long computation');
  const sidebar = page.locator(SIDEBAR);
  await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="running"]')).toBeVisible();
  await expect(page.locator('.jp-Notebook-ExecutionIndicator[data-status="busy"]')).toBeVisible();
  await sidebar.locator('.jp-CodeInterpreter-stop').click();
  await expect(sidebar.locator('.jp-CodeInterpreter-step').filter({ hasText: 'Interrupted' })).toHaveCount(1);
  await expect(page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).toBeVisible();
  await expect(page.locator('.jp-Notebook .jp-OutputArea-output').filter({ hasText: 'KeyboardInterrupt' })).toHaveCount(
    1
  );
  // The code prints "finished" at its end, which it never reached (the traceback quotes the line).
  await expect(page.locator('.jp-Notebook .jp-OutputArea-output').filter({ hasText: /^finished\s*$/ })).toHaveCount(0);
});
