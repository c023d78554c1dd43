/**
 * Two people on one JupyterHub, each in their own JupyterLab, ask the sidebar at the same time: each
 * turn runs on that person's own kernel through their own server's proxy and the Hub's model
 * service (which holds the key), and each notebook gets that person's answer.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

/**
 * Log in through the Hub's form and open JupyterLab in the user's server, as a person does.
 */
async function openLab(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill(process.env.HUB_PASSWORD ?? '');
  await page.locator('#login_submit').click();
  await page.waitForURL(/\/hub\/(home|spawn|user)|\/user\//);
  await page.goto(`/user/${user}/lab`);
  await expect(page.locator('.jp-LauncherCard').first()).toBeVisible();
  return page;
}

/**
 * Open a new notebook from the launcher and the sidebar next to it, send a prompt and run the cell
 * it asks approval for.
 */
async function askInNewNotebook(page: Page, prompt: string): Promise<void> {
  await page.locator('.jp-LauncherCard[data-category="Notebook"]').first().click();
  await expect(page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).toBeVisible();
  await page.locator('.jp-SideBar.jp-mod-right li[data-id="jp-code-interpreter"]').click();
  const input = page.locator('#jp-code-interpreter textarea.jp-CodeInterpreter-input');
  await expect(input).toBeVisible();
  await input.fill(prompt);
  await input.press('Enter');
  // The scripted cell reads the environment (JUPYTERHUB_USER), which the default approval mode asks
  // about: the user runs it.
  const pending = page.locator('#jp-code-interpreter .jp-CodeInterpreter-approval[data-state="pending"]');
  await pending.locator('.jp-CodeInterpreter-approve').click();
}

test('two users ask at the same time; each turn runs on their own kernel and completes', async ({ browser }) => {
  const pages = await Promise.all(['alice', 'bob'].map(user => openLab(browser, user)));
  const started = Date.now();
  await Promise.all(pages.map(page => askInNewNotebook(page, 'Who runs this notebook?')));
  const finished = await Promise.all(
    ['alice', 'bob'].map(async (user, index) => {
      const page = pages[index];
      // The cell ran on this user's kernel (JUPYTERHUB_USER is its server's user).
      await expect(
        page.locator('.jp-Notebook .jp-OutputArea-output').filter({ hasText: `ran for ${user}` })
      ).toBeVisible();
      await expect(page.locator('#jp-code-interpreter .jp-CodeInterpreter-turn-end')).toContainText('Done');
      // Nothing of the other user's turn reached this one.
      const other = user === 'alice' ? 'bob' : 'alice';
      await expect(page.locator('.jp-Notebook')).not.toContainText(`ran for ${other}`);
      return (Date.now() - started) / 1000;
    })
  );
  test.info().annotations.push({ type: 'turn times (s)', description: finished.map(s => s.toFixed(1)).join(', ') });
  process.stdout.write(
    `two users' turns at the same time on the Hub: ${finished.map(s => `${s.toFixed(1)} s`).join(', ')}\n`
  );
});
