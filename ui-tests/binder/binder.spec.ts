/**
 * The Binder path as a visitor meets it (scripts/binder-test builds the image's environment from
 * a clean clone and starts JupyterLab from it with nothing configured): the demo notebook opens,
 * the sidebar and the status bar say the embedded model can answer, the setup cell runs, and one
 * of the notebook's suggested prompts is answered through the sidebar with a cell whose output
 * holds the right figure. It measures the time from opening the notebook to the first token and
 * the memory of the whole session (Jupyter server, kernel, model server) against Binder's 2 GB.
 * How often the 0.5B model answers the suggested prompts right is the real-model suite's business;
 * this is the plumbing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect, test } from '@jupyterlab/galata';

import { notebookJSON, openSidebar, SIDEBAR, text, type INotebookJSON } from '../notebookHelpers';

const env = process.env.BINDER_ENV ?? '';
const repo = process.env.BINDER_REPO ?? '';
const results = process.env.BINDER_RESULTS ?? '';
const DEMO = 'binder/demo.ipynb';
/** Binder's memory limit. */
const BINDER_MEMORY = 2048 * 1024 * 1024;

/**
 * The suggested prompts this test can check, each with a Python expression (over the demo's
 * `sales` table) of the figures its answer must show.
 */
const CHECKS: Record<string, string> = {
  "Write a code cell that prints sales['revenue'].sum().": "[sales['revenue'].sum()]",
  "Print the sum of sales['revenue'].": "[sales['revenue'].sum()]",
  "Print sales.groupby('region')['revenue'].sum().": "list(sales.groupby('region')['revenue'].sum())",
  'Compute the total revenue of the sales table with pandas and print it.': "[sales['revenue'].sum()]",
  'Compute the total revenue of each region of the sales table with pandas and print it.':
    "list(sales.groupby('region')['revenue'].sum())",
  'Compute the mean revenue of the sales table with pandas and print it.': "[sales['revenue'].mean()]",
  'Compute the largest revenue in the sales table with pandas and print it.': "[sales['revenue'].max()]",
  'Compute the number of rows of the sales table with pandas and print it.': '[len(sales)]'
};

/** The prompts a markdown cell suggests: its list items in italics, `- *...*`. */
function suggestedPrompts(notebook: INotebookJSON): string[] {
  return notebook.cells
    .filter(cell => cell.cell_type === 'markdown')
    .flatMap(cell => [...text(cell.source).matchAll(/^\s*[-*] \*([^*\n]+)\*\s*$/gm)].map(match => match[1].trim()));
}

/** The figures `expression` gives after the setup cell ran, computed by the image's own Python. */
function expectedFigures(setup: string, expression: string): number[] {
  const script = `${setup}\nimport json\nprint(json.dumps([float(x) for x in (${expression})]))`;
  const out = execFileSync(path.join(env, 'bin', 'python'), ['-c', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as number[];
}

/** The text a code cell's outputs show: streams, plain-text results, error names. */
function shownText(cell: INotebookJSON['cells'][number]): string {
  const outputs = (cell.outputs ?? []) as {
    text?: string | string[];
    data?: Record<string, unknown>;
    ename?: string;
  }[];
  return outputs
    .map(
      output =>
        text(output.text) + text(output.data?.['text/plain'] as string | string[] | undefined) + (output.ename ?? '')
    )
    .join('\n');
}

/** Whether `shown` holds `figure`, as printed in full or rounded to two decimals or less. */
function holdsFigure(shown: string, figure: number): boolean {
  const numbers = [...shown.replace(/(\d),(\d{3})/g, '$1$2').matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)].map(match =>
    Number(match[0])
  );
  return numbers.some(value => Math.abs(value - figure) <= 0.0051 + 1e-9 * Math.abs(figure));
}

interface IProcessMemory {
  pid: number;
  command: string;
  rssBytes: number;
  pssBytes: number;
  peakRssBytes: number;
}

/** The Jupyter server listening on `port` and every process under it, with their memory. */
function sessionMemory(port: string): IProcessMemory[] {
  const pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
  const read = (pid: string, file: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  const parents = new Map(pids.map(pid => [pid, read(pid, 'stat').replace(/^.*\) \S+ (\d+).*$/s, '$1')]));
  const server = pids.find(pid => {
    const args = read(pid, 'cmdline').split('\0');
    return args.some(arg => arg.endsWith('/jupyter') || arg.endsWith('jupyter-lab')) && args.includes(`--port=${port}`);
  });
  if (!server) {
    throw new Error(`No Jupyter server with --port=${port} among the processes`);
  }
  const tree = [server];
  for (let i = 0; i < tree.length; i++) {
    tree.push(...pids.filter(pid => parents.get(pid) === tree[i]));
  }
  const kib = (textBlock: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(textBlock)?.[1] ?? 0) * 1024;
  return tree.map(pid => {
    const status = read(pid, 'status');
    return {
      pid: Number(pid),
      command: read(pid, 'cmdline').split('\0').join(' ').trim().slice(0, 160),
      rssBytes: kib(status, 'VmRSS'),
      pssBytes: kib(read(pid, 'smaps_rollup'), 'Pss'),
      peakRssBytes: kib(status, 'VmHWM')
    };
  });
}

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));

test.use({ autoGoto: false });

test('a visitor opens the demo, runs its setup cell and gets a suggested prompt answered by the embedded model', async ({
  page
}) => {
  const demo = JSON.parse(fs.readFileSync(path.join(repo, DEMO), 'utf8')) as INotebookJSON;
  const suggested = suggestedPrompts(demo);
  const prompt = suggested.find(candidate => candidate in CHECKS);
  expect(
    prompt,
    `none of the demo's suggested prompts (${JSON.stringify(suggested)}) is one this test checks`
  ).toBeTruthy();
  const setupIndex = demo.cells.findIndex(cell => cell.cell_type === 'code');
  expect(setupIndex, 'the demo has a setup cell').toBeGreaterThanOrEqual(0);
  const figures = expectedFigures(text(demo.cells[setupIndex].source), CHECKS[prompt!]);

  // JupyterLab, then the notebook, as a visitor opens it (Binder's urlpath=lab/tree/binder/demo.ipynb
  // does both at once; Galata's page.goto waits for the launcher of a plain start).
  await page.goto();
  const opened = Date.now();
  await page.evaluate(
    filePath =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string, args: object): Promise<unknown> } } }
      ).jupyterapp.commands.execute('docmanager:open', { path: filePath }),
    DEMO
  );
  await expect(page.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible();
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 120_000 });

  // Before anything is asked, the sidebar says the embedded model loads on first use (or is
  // ready), never that it is missing; the status bar says the same.
  await openSidebar(page);
  const sidebar = page.locator(SIDEBAR);
  const modelLine = sidebar.locator('.jp-CodeInterpreter-localModel');
  await expect(modelLine).toBeVisible();
  const before = (await modelLine.getAttribute('data-state')) ?? '';
  expect(before, `the sidebar says: ${await modelLine.textContent()}`).toMatch(/^(idle|ready)$/);
  await expect(modelLine).toContainText('qwen2.5-coder-0.5b-instruct');
  const statusItem = page.locator('.jp-CodeInterpreter-statusItem');
  await expect(statusItem).toHaveAttribute('data-model-state', before);
  await expect(statusItem).toHaveText('Code Interpreter: ready');

  // The setup cell, as the notebook asks.
  await page.notebook.runCell(setupIndex);
  await expect(page.locator('.jp-Notebook .jp-OutputArea-output').filter({ hasText: 'North' }).first()).toBeVisible();

  const input = sidebar.locator('textarea.jp-CodeInterpreter-input');
  await input.fill(prompt!);
  const sent = Date.now();
  await input.press('Enter');
  await sidebar
    .locator('.jp-CodeInterpreter-assistant, .jp-CodeInterpreter-step')
    .first()
    .waitFor({ state: 'attached' });
  const firstToken = Date.now();
  await sidebar.locator('.jp-CodeInterpreter-turn-end').first().waitFor({ state: 'attached' });
  const answered = Date.now();

  const notebook = await notebookJSON(page);
  const cells = notebook.cells.filter((cell, index) => index !== setupIndex && cell.cell_type === 'code');
  const shown = cells.map(shownText).join('\n');
  const transcript = (await sidebar.locator('.jp-CodeInterpreter-transcript').textContent()) ?? '';
  const processes = sessionMemory(process.env.BINDER_JUPYTER_PORT ?? '');
  expect(processes.some(entry => entry.command.includes('jupyterlab_code_interpreter.local_model serve'))).toBe(true);
  expect(processes.some(entry => entry.command.includes('ipykernel'))).toBe(true);
  const total = (field: keyof IProcessMemory) => processes.reduce((sum, entry) => sum + (entry[field] as number), 0);
  const measurements = {
    prompt,
    figures,
    environmentSeconds: Number(process.env.BINDER_ENV_SECONDS),
    postBuildSeconds: Number(process.env.BINDER_BUILD_SECONDS),
    openToFirstTokenSeconds: (firstToken - opened) / 1000,
    sendToFirstTokenSeconds: (firstToken - sent) / 1000,
    openToAnswerSeconds: (answered - opened) / 1000,
    memoryMiB: { pss: mib(total('pssBytes')), rss: mib(total('rssBytes')), peakRssSum: mib(total('peakRssBytes')) },
    binderLimitMiB: mib(BINDER_MEMORY),
    processes: processes.map(entry => ({
      command: entry.command,
      pssMiB: mib(entry.pssBytes),
      rssMiB: mib(entry.rssBytes),
      peakRssMiB: mib(entry.peakRssBytes)
    }))
  };
  fs.writeFileSync(path.join(results, 'measurements.json'), JSON.stringify(measurements, null, 2) + '\n');
  console.log(`Binder path: ${JSON.stringify({ ...measurements, processes: undefined })}`);
  for (const figure of figures) {
    expect(
      holdsFigure(shown, figure),
      `a cell's output shows ${figure}; outputs: ${shown}; sidebar: ${transcript}`
    ).toBe(true);
  }

  // The model answered, so it is ready, and the status bar says so too.
  await expect(modelLine).toHaveAttribute('data-state', 'ready');
  await expect(statusItem).toHaveAttribute('data-model-state', 'ready');
  await expect(statusItem).toHaveText('Code Interpreter: ready');

  // The session fits in Binder's memory, shared pages counted once (PSS).
  expect(total('pssBytes')).toBeLessThan(BINDER_MEMORY);

  // The server said which model it serves and why: the configuration the Binder build wrote.
  const log = fs.readFileSync(path.join(results, 'jupyter.log'), 'utf8');
  expect(log).toContain('serving the local model qwen2.5-coder-0.5b-instruct (CodeInterpreter.local_model names it)');
});
