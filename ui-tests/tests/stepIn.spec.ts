/**
 * Stepping in during a turn: a message typed in the sidebar while the agent's cell runs is read by
 * the model at the next step (docs/jupyterlab.md, "Stepping in during a turn"). The model is the
 * scripted server (../modelReplies.ts, the "second thoughts" scenario); the cell runs until the
 * test writes second-thoughts.txt.
 */
import { expect, test } from '@jupyterlab/galata';

import { chatRequests } from '../chatRequests';
import { ask, newNotebook, SIDEBAR } from '../notebookHelpers';

test.describe('stepping in during a turn', () => {
  test.use({ autoGoto: true });

  test('a message typed during a running cell reaches the next request and shows where it was read', async ({
    page,
    tmpPath
  }) => {
    await newNotebook(page, 'step-in.ipynb');
    const requests = chatRequests(page);
    const turn = ask(page, 'Wait for my second thoughts');
    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-CodeInterpreter-step[data-state="running"]')).toBeVisible();
    await expect(page.locator('.jp-Notebook .jp-Cell .jp-OutputArea-output').last()).toContainText(
      'waiting for second thoughts'
    );

    // While the turn runs the box stays editable, Send goes to the running turn and Stop is there.
    const input = sidebar.locator('textarea.jp-CodeInterpreter-input');
    const send = sidebar.locator('.jp-CodeInterpreter-send');
    await expect(send).toBeVisible();
    await expect(send).toHaveText('Send to the running turn');
    await expect(sidebar.locator('.jp-CodeInterpreter-stop')).toBeVisible();
    await input.click();
    await input.pressSequentially('Second thoughts: report the median');
    await input.press('Enter');
    await expect(input).toHaveValue('');
    const pending = sidebar.locator('.jp-CodeInterpreter-feedback[data-state="pending"]');
    await expect(pending).toContainText('Second thoughts: report the median');
    await expect(pending).toContainText('will be read at the next step');
    await expect(sidebar.locator('.jp-CodeInterpreter-status')).toHaveText('running');

    // The cell ends: the model reads the message in its next request, and answers.
    await page.contents.uploadContent('go', 'text', `${tmpPath}/second-thoughts.txt`);
    const result = await turn;
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);
    await expect(sidebar.locator('.jp-CodeInterpreter-turn-end')).toHaveCount(1);
    const delivered = sidebar.locator('.jp-CodeInterpreter-feedback[data-state="delivered"]');
    await expect(delivered).toHaveCount(1);
    await expect(delivered).toContainText('Second thoughts: report the median');
    await expect(delivered.locator('[role="status"]')).toHaveText('Read by the model at this step');
    await expect(pending).toHaveCount(0);
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant').last()).toContainText('median');

    // Where it shows: after the cell's step, before the answer it led to.
    const entries = await sidebar
      .locator('.jp-CodeInterpreter-entry')
      .evaluateAll(nodes =>
        nodes.map(node =>
          node.classList.contains('jp-CodeInterpreter-feedback')
            ? 'feedback'
            : node.classList.contains('jp-CodeInterpreter-assistant')
              ? 'assistant'
              : node.classList.contains('jp-CodeInterpreter-step')
                ? `step:${(node as HTMLElement).dataset.state}`
                : node.classList.contains('jp-CodeInterpreter-turn-end')
                  ? 'turn-end'
                  : 'other'
        )
      );
    expect(entries).toContain('step:ok');
    const at = entries.indexOf('feedback');
    expect(at).toBeGreaterThan(entries.indexOf('step:ok'));
    expect(entries.slice(at + 1)).toEqual(['assistant', 'turn-end']);

    // The requests: the first without the message, the next with it after the cell's tool result.
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[0].messages)).not.toContain('Second thoughts');
    const sent = requests[1].messages;
    expect(sent.at(-2)?.role).toBe('tool');
    expect(String(sent.at(-2)?.content)).toContain('released');
    expect(sent.at(-1)?.role).toBe('user');
    expect(String(sent.at(-1)?.content)).toContain('Second thoughts: report the median');
  });
});
