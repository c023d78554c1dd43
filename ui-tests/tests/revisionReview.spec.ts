/**
 * A revision of the person's own cell waits for their review in the sidebar (docs/jupyterlab.md,
 * "Reviewing revisions of your cells"); the model is the scripted server (../modelReplies.ts).
 */
import { expect, test } from '@jupyterlab/galata';

import { chatRequests } from '../chatRequests';
import { CODE } from '../modelReplies';
import { ask, newNotebook, notebookJSON, outputText, SIDEBAR, text } from '../notebookHelpers';

test.describe('reviewing revisions of the person’s cells', () => {
  test.use({ autoGoto: true });

  test('shows the diff; Reject keeps their code byte for byte and tells the model, Accept runs the revision', async ({
    page
  }) => {
    await newNotebook(page, 'review.ipynb');
    await page.notebook.setCell(0, 'code', CODE.mine);
    const before = (await notebookJSON(page)).cells[0];
    expect(text(before.source)).toBe(CODE.mine);
    const requests = chatRequests(page);
    const sidebar = page.locator(SIDEBAR);
    const pending = sidebar.locator('.jp-CodeInterpreter-revision-review[data-state="pending"]');

    // Reject: the cell keeps the person's code, nothing runs, and the model reads the rejection.
    let turn = ask(page, `Please revise my cell ${before.id}`);
    await expect(pending).toBeVisible();
    const diff = pending.locator('.jp-CodeInterpreter-diff');
    await expect(diff).toContainText('greeting = "hello"');
    await expect(diff).toContainText('"hello".upper()');
    await expect(page.locator('.jp-Notebook .jp-Cell.jp-CodeInterpreter-reviewPending')).toHaveCount(1);
    // While the review waits, the cell is unchanged.
    expect(text((await notebookJSON(page)).cells[0].source)).toBe(CODE.mine);
    await pending.locator('.jp-CodeInterpreter-reject').click();
    expect((await turn).outcome).toBe('completed');
    const rejected = sidebar.locator('.jp-CodeInterpreter-revision-review[data-state="rejected"]');
    await expect(rejected).toContainText('Rejected: your code stays.');
    await expect(rejected.locator('.jp-CodeInterpreter-accept')).toBeDisabled();
    await expect(page.locator('.jp-Notebook .jp-Cell.jp-CodeInterpreter-reviewPending')).toHaveCount(0);
    let cell = (await notebookJSON(page)).cells.find(candidate => candidate.id === before.id);
    expect(cell && text(cell.source)).toBe(text(before.source));
    expect(cell?.outputs).toEqual([]);
    const told = requests
      .at(-1)
      ?.messages.filter(message => message.role === 'tool')
      .map(message => String(message.content))
      .at(-1);
    expect(told).toContain('The person rejected this revision of their cell; their code stays');
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant').last()).toContainText('I left your cell as it is.');

    // Accept: the cell holds the revision and its output, with no second approval.
    turn = ask(page, `Please revise my cell ${before.id} again`);
    await expect(pending).toBeVisible();
    await pending.locator('.jp-CodeInterpreter-accept').click();
    const result = await turn;
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);
    await expect(sidebar.locator('.jp-CodeInterpreter-approval')).toHaveCount(0);
    await expect(sidebar.locator('.jp-CodeInterpreter-revision-review[data-state="accepted"]')).toHaveCount(1);
    cell = (await notebookJSON(page)).cells.find(candidate => candidate.id === before.id);
    expect(cell && text(cell.source)).toBe(CODE.revisedMine);
    expect(cell && outputText(cell)).toContain('HELLO from the revision');
  });
});
