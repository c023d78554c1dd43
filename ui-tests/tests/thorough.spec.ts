/**
 * The thorough effort in the sidebar (docs/effort.md, "In the sidebar"), in real JupyterLab: the
 * one approval of the set, answered by the person's click, the candidates' progress, and the
 * agreed answer's cell written and run in the notebook. The model is the scripted server
 * (../modelReplies.ts), whose candidates answer by the request's seed.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import { chatRequests } from '../chatRequests';
import { CODE } from '../modelReplies';
import { ask, newNotebook, notebookJSON, outputText, SIDEBAR, text } from '../notebookHelpers';

test.describe('the thorough effort', () => {
  test.use({
    autoGoto: true,
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-code-interpreter:plugin': { effort: 'thorough', candidates: 3 }
    }
  });

  test('asks once, shows each candidate, and writes the answer most agree on into the notebook', async ({ page }) => {
    await newNotebook(page, 'thorough.ipynb');
    const requests = chatRequests(page);
    const sidebar = page.locator(SIDEBAR);
    const turn = ask(page, 'What is the thorough sum of 2 and 2?');

    const card = sidebar.locator('.jp-CodeInterpreter-candidates[data-state="pending"]');
    await expect(card).toContainText('run 3 candidate answers?');
    expect(requests).toHaveLength(0);
    await card.locator('.jp-CodeInterpreter-approve').click();
    const result = await turn;

    expect(result.outcome).toBe('completed');
    expect(requests.map(request => (request as { seed?: number }).seed).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    const steps = sidebar.locator('.jp-CodeInterpreter-step .jp-CodeInterpreter-stepLabel');
    await expect(steps.filter({ hasText: /^Candidate \d: completed/ })).toHaveCount(3);
    await expect(steps.filter({ hasText: /^Candidate 1 chosen \(3 candidates voted\)/ })).toHaveCount(1);
    await expect(sidebar.locator('.jp-CodeInterpreter-candidates[data-state="run"]')).toHaveCount(1);
    await expect(sidebar.locator('.jp-CodeInterpreter-assistant').last()).toContainText('The sum is 4.');

    const code = (await notebookJSON(page)).cells.filter(cell => cell.cell_type === 'code' && text(cell.source));
    expect(code.map(cell => text(cell.source))).toEqual([CODE.thoroughRight]);
    expect(outputText(code[0])).toContain('sum: 4');
  });
});
