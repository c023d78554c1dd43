/**
 * Tasks of the real-model suite (bench/real-model-suite/tasks.jsonl and its data) asked through
 * the sidebar, on the embedded local model behind the Jupyter server's proxy, in a notebook whose
 * folder holds the task's files. Scored as the command-line suite scores them
 * (bench/support/suiteScoring.ts): every expected fact must be shown by a code cell's outputs in
 * the saved notebook (an image/png output for a plot), never asserted on the model's wording.
 */
import { join } from 'node:path';

import { expect, test } from '@jupyterlab/galata';

import { codeCellsOf, describeFact, loadSuiteTasks, scoreTurn, SUITE_DATA_DIR } from '../../bench/support/suiteScoring';

test.use({ autoGoto: true });

/**
 * The suite's tasks asked here: a named column of a CSV, a semicolon file with decimal commas, a plot.
 */
const SIDEBAR_TASKS = ['agg-top-customer', 'delim-semicolon-mean', 'plot-histogram'];

const tasks = loadSuiteTasks().filter(task => SIDEBAR_TASKS.includes(task.id));

for (const task of tasks) {
  test(`suite task ${task.id} through the sidebar shows ${task.turns.flatMap(turn => turn.expect.map(describeFact)).join(', ')}`, async ({
    page,
    tmpPath
  }) => {
    for (const file of task.files) {
      expect(await page.contents.uploadFile(join(SUITE_DATA_DIR, file), `${tmpPath}/${file}`)).toBe(true);
    }
    const name = `${task.id}.ipynb`;
    await page.notebook.createNew(name);
    await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 });
    await page.evaluate(() =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }
      ).jupyterapp.commands.execute('code-interpreter:open')
    );
    const sidebar = page.locator('#jp-code-interpreter');
    await expect(sidebar).toBeVisible();
    const prompt = sidebar.locator('textarea.jp-CodeInterpreter-input');
    let before: ReturnType<typeof codeCellsOf> = [];
    for (const turn of task.turns) {
      await prompt.fill(turn.prompt);
      await prompt.press('Enter');
      // The turn ends when Send comes back in place of Stop.
      await expect(sidebar.getByRole('button', { name: /send/i })).toBeVisible();
      await page.notebook.save();
      const response = await page.request.get(`api/contents/${tmpPath}/${name}?content=1&type=notebook`);
      expect(response.ok()).toBe(true);
      const model = (await response.json()) as { content: unknown };
      const cells = codeCellsOf(JSON.stringify(model.content));
      const fresh = cells.filter(cell => !before.some(old => JSON.stringify(old) === JSON.stringify(cell)));
      const score = scoreTurn(turn, fresh, [], task.needsCode);
      expect(score.missing.map(describeFact)).toEqual([]);
      before = cells;
    }
  });
}
