import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { renderKernelState } from '../../src/feedback/kernelStateText';
import type { IExecutionResult } from '../../src/kernel/executionResult';
import type { HeadlessNotebook } from '../../src/notebook/headlessNotebook';
import { AgentHarness, contentText, text, toolCall } from '../support/agentHarness';

jest.setTimeout(120_000);

/**
 * The kernel's state shown to the model: a real Jupyter server and ipykernel, the scripted model
 * over real HTTP, the headless notebook.
 */
describe("The kernel's state for the model", () => {
  const harness = AgentHarness.forSuite();
  const counter = new ApproximateTokenCounter();

  /**
   * Run code in a new cell of the notebook, as the user does.
   */
  async function run(notebook: HeadlessNotebook, code: string): Promise<IExecutionResult> {
    const cellId = await notebook.insertCode(code);
    const result = await notebook.execute(cellId);
    expect(result.status).toBe('ok');
    return result;
  }

  function stdout(result: IExecutionResult): string {
    return result.outputs.map(output => (output.output_type === 'stream' ? String(output.text) : '')).join('');
  }

  it("describes the user's dataframe, with its columns and dtypes, in the turn's prompt", async () => {
    const { agent, notebook, model } = await harness.setUp([
      toolCall('execute_code', { code: 'print(df.groupby("region")["total"].sum().to_dict())' }),
      text('N has 10, S has 5.'),
      text('Nothing changed.'),
      text('Now 4 rows.')
    ]);
    await run(notebook, 'import pandas as pd; df = pd.DataFrame({"region": ["N","S","N"], "total": [3, 5, 7]})');
    await agent.run('What is the total per region?');

    const prompt = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(prompt).toMatch(/What is the total per region\?$/);
    expect(prompt).toContain("The kernel's state now");
    expect(prompt).toContain('df: DataFrame, 3 rows x 2 columns');
    expect(prompt).toContain('columns: region str, total int64');
    expect(prompt).toContain('nulls: none');
    expect(prompt).toContain('first rows: N | 3 ; S | 5 ; N | 7');
    expect(prompt).toContain('modules: pd (pandas)');
    // Never in the system prompt, which stays the same for every request.
    expect(contentText(model.requests[0].body.messages[0].content)).not.toContain('DataFrame');
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain("{'N': 10, 'S': 5}");

    // Nothing changed in the kernel: the next turn's prompt does not repeat it.
    await agent.run('Anything new?');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).not.toContain("The kernel's state");

    // The user changes df: the next turn tells the model.
    await run(notebook, 'df = pd.concat([df, df.head(1)])');
    await agent.run('And now?');
    const changed = contentText(model.requests[3].body.messages.at(-1)?.content);
    expect(changed).toContain('df: DataFrame, 4 rows x 2 columns');
  });

  it('leaves no trace the user can see: no history, no execution count, no names, no outputs', async () => {
    const { agent, notebook, model } = await harness.setUp([text('Hello.')]);
    const before = await run(notebook, 'answer = 41 + 1\nhistory_before = len(In)\nanswer');
    const documentBefore = JSON.stringify(notebook.document.cells);

    const direct = await notebook.inspectKernel();
    expect(direct.kind).toBe('namespace');
    // A mention makes the kernel describe more (describe(), a file's lines): no trace either.
    await agent.run('Hi, what is @answer? See @history_before and @missing.csv');
    const prompt = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(prompt).toContain('answer: int = 42');
    expect(prompt).toContain('@answer (variable):\nint: 42');
    // A name of nothing (here a file that is not there) is not taken for a mention.
    expect(prompt).not.toContain('@missing.csv (');
    // The turn added no cell and changed no output.
    expect(JSON.stringify(notebook.document.cells)).toBe(documentBefore);

    const after = await run(
      notebook,
      [
        'import json, re',
        'print(json.dumps({',
        '    "history": len(In) - history_before,',
        '    "last": _,',
        '    "who": sorted(get_ipython().run_line_magic("who_ls", "")),',
        // IPython's own: _, _i, _ii, _iii, _ih, _oh, _dh, _<n> and _i<n>.
        '    "hidden": sorted(k for k in globals()',
        '                     if re.fullmatch(r"_[A-Za-z]\\w*", k) and not re.fullmatch(r"_(i+|i?\\d+|ih|oh|dh)", k)),',
        '}))'
      ].join('\n')
    );
    expect(after.executionCount).toBe((before.executionCount ?? 0) + 1);
    const seen = JSON.parse(stdout(after)) as { history: number; last: number; who: string[]; hidden: string[] };
    // Only this cell entered the history, and `_` is still the user's last result.
    expect(seen.history).toBe(1);
    expect(seen.last).toBe(42);
    expect(seen.who).toEqual(['answer', 'history_before', 'json', 're']);
    expect(seen.hidden).toEqual([]);
  });

  it('describes what the prompt mentions more fully: a frame, a CSV file and a cell', async () => {
    const { agent, notebook, model } = await harness.setUp([text('Noted.')]);
    const rows = Array.from({ length: 40 }, (_, i) => `${['N', 'S', 'E'][i % 3]},${i * 10},${i % 7}`);
    await run(
      notebook,
      [
        'import pandas as pd',
        `open("sales.csv", "w").write("region,amount,units\\n" + ${JSON.stringify(rows.join('\n'))} + "\\n")`,
        'sales = pd.read_csv("sales.csv")'
      ].join('\n')
    );
    await agent.run('Summarise @sales, using @sales.csv and @cell1.');
    const prompt = contentText(model.requests[0].body.messages.at(-1)?.content);
    const note = prompt.slice(prompt.indexOf('What the user mentioned:'));
    // The frame: its shape, all dtypes, first rows and describe().
    expect(note).toContain('@sales (variable):\nshape: (40, 3)');
    expect(note).toContain('dtypes: region str, amount int64, units int64');
    expect(note).toMatch(/first rows:\n\s+region\s+amount\s+units\n0\s+N\s+0\s+0/);
    expect(note).toMatch(/describe\(\):\n[^]*mean[^]*195\.0/);
    // The file: its size, line count and first lines as they are on disk.
    expect(note).toMatch(
      /@sales\.csv \(file\):\n\d+ bytes, 41 lines; first lines:\nregion,amount,units\nN,0,0\nS,10,1/
    );
    // The first cell, by its id and source.
    const firstCell = notebook.cells()[0];
    expect(note).toContain(`@cell1 (cell ${firstCell.id}, code, In [1]):\nimport pandas as pd`);
    // The question itself comes last, unchanged.
    expect(prompt.endsWith('Summarise @sales, using @sales.csv and @cell1.')).toBe(true);
  });

  it('does not wait behind a running cell: a busy kernel is skipped at once', async () => {
    const { notebook } = await harness.setUp([]);
    const cellId = await notebook.insertCode('import time; time.sleep(3)');
    const running = notebook.execute(cellId);
    const started = Date.now();
    const inspection = await notebook.inspectKernel();
    const waited = Date.now() - started;
    expect(inspection).toMatchObject({ kind: 'skipped', reason: 'busy' });
    expect(waited).toBeLessThan(500);
    expect(renderKernelState(inspection, { budgetTokens: 600, counter })).toMatch(/busy/);
    expect((await running).status).toBe('ok');
    // Idle again, it is inspected.
    expect((await notebook.inspectKernel()).kind).toBe('namespace');
  });

  it('keeps 1,000 variables within the budget and says how many were left out', async () => {
    const { notebook } = await harness.setUp([]);
    await run(
      notebook,
      'import numpy as np\nfor i in range(1000):\n    globals()[f"v{i}"] = i\nmatrix = np.zeros((20, 3))\ndel i'
    );
    const inspection = await notebook.inspectKernel();
    expect(inspection.kind).toBe('namespace');
    const state = renderKernelState(inspection, { budgetTokens: 600, counter });
    expect(counter.count(state)).toBeLessThanOrEqual(600);
    // The array comes first; the newest integers follow.
    expect(state.split('\n')[0]).toBe('matrix: ndarray, shape (20, 3), float64, 480 bytes');
    const shown = state.split('\n').filter(line => /^v\d+: int = \d+$/.test(line)).length;
    expect(shown).toBeGreaterThan(10);
    const omitted = Number(/^\.\.\. and (\d+) more variables$/m.exec(state)?.[1]);
    expect(omitted + shown + 1).toBe(1001);
    expect(state).toContain('modules: np (numpy)');
  });

  it('can be turned off', async () => {
    const { agent, notebook, model } = await harness.setUp([text('Hello.')], { kernelStateTokens: 0 });
    await run(notebook, 'secret_number = 7');
    await agent.run('Hi');
    const prompt = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(prompt).toContain('secret_number = 7');
    expect(prompt).not.toContain("The kernel's state");
  });
});
