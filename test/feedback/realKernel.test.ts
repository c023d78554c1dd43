import type { Kernel, KernelManager } from '@jupyterlab/services';

import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { EMPTY_OUTPUT_NOTE } from '../../src/feedback/feedbackNotes';
import { renderFeedback } from '../../src/feedback/renderFeedback';
import { createTiktokenCounter, type TiktokenCounter } from '../../src/feedback/tiktokenCounter';
import type { IFeedbackOptions } from '../../src/feedback/renderedFeedback';
import { KernelExecutor } from '../../src/kernel/kernelExecutor';
import { startJupyter, startKernel } from '../support/jupyter';

jest.setTimeout(120_000);

describe('renderFeedback on outputs of a real ipykernel', () => {
  let server: JupyterServerProcess;
  let manager: KernelManager;
  let kernel: Kernel.IKernelConnection;
  let counter: TiktokenCounter;
  let options: IFeedbackOptions;
  const executor = new KernelExecutor();

  beforeAll(async () => {
    server = await startJupyter();
    ({ manager, kernel } = await startKernel(server));
    counter = await createTiktokenCounter();
    options = { budgetTokens: 1500, vision: false, counter };
  });

  afterAll(async () => {
    await kernel?.shutdown().catch(() => undefined);
    manager?.dispose();
    await server?.stop();
  });

  it('condenses a traceback from a nested call into the json module', async () => {
    const result = await executor.execute(
      kernel,
      "import json\n\ndef load(s):\n    return json.loads(s)\n\nload('{bad')"
    );
    expect(result.status).toBe('error');
    const rendered = renderFeedback(result, options);
    expect(rendered.text).not.toContain('\x1b');
    expect(rendered.text).toMatch(/^Traceback \(most recent call last\):\nCell In\[\d+\], line 6\n/);
    expect(rendered.text).toContain("load('{bad')");
    expect(rendered.text).toMatch(/Cell In\[\d+\], line 4, in load/);
    expect(rendered.text).toMatch(/\[\.\.\. \d+ library frames? omitted \.\.\.\]/);
    expect(rendered.text).toMatch(/json[\\/]decoder\.py:\d+, in JSONDecoder\.raw_decode/);
    expect(
      rendered.text.endsWith(
        'JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'
      )
    ).toBe(true);
    // The raw traceback is several times longer.
    const raw = result.outputs
      .flatMap(output => (output.output_type === 'error' ? (output.traceback as string[]) : []))
      .join('\n');
    expect(counter.count(raw)).toBeGreaterThan(2 * rendered.tokens);
  });

  it('condenses a chained pandas KeyError down to the user line and the raise', async () => {
    const result = await executor.execute(kernel, "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf['b']");
    expect(result.status).toBe('error');
    const rendered = renderFeedback(result, options);
    expect(rendered.text).toContain("df['b']");
    expect(rendered.text).toContain('The above exception was the direct cause of the following exception:');
    expect(rendered.text).toMatch(/raise KeyError\(key\) from err/);
    expect(rendered.text).not.toMatch(/index\.pyx/);
    expect(rendered.text.endsWith("KeyError: 'b'")).toBe(true);
  });

  it('keeps a DataFrame as its text table', async () => {
    // Its own import: the test does not rely on an earlier test having imported pandas.
    const result = await executor.execute(
      kernel,
      "import pandas as pd\npd.DataFrame({'name': ['a', 'b'], 'value': [1.5, 2.25]})"
    );
    expect(result.status).toBe('ok');
    const output = result.outputs[0];
    expect(output.output_type).toBe('execute_result');
    expect(Object.keys(output.data as object)).toEqual(expect.arrayContaining(['text/plain', 'text/html']));
    const rendered = renderFeedback(result, options);
    expect(rendered.text).toBe('[2 rows x 2 columns]\n   name  value\n0     a   1.50\n1     b   2.25');
  });

  it('shows a long DataFrame with its shape, its first and last rows and the middle left out', async () => {
    const result = await executor.execute(
      kernel,
      'import pandas as pd\npd.DataFrame({"id": range(1000), "value": [i * 0.5 for i in range(1000)], "label": [f"item{i}" for i in range(1000)]})'
    );
    expect(result.status).toBe('ok');
    const lines = renderFeedback(result, options).text.split('\n');
    expect(lines[0]).toBe('[1000 rows x 3 columns]');
    expect(lines[1].split(/\s+/).filter(Boolean)).toEqual(['id', 'value', 'label']);
    expect(lines[2].split(/\s+/)).toEqual(['0', '0', '0.0', 'item0']);
    expect(lines.at(-1)?.split(/\s+/)).toEqual(['999', '999', '499.5', 'item999']);
    expect(lines.some(line => /^\.\.\.(\s+\.\.\.){3}$/.test(line))).toBe(true);

    // A small budget takes more rows out of the middle; the shape, header and both ends stay.
    const small = renderFeedback(result, { ...options, budgetTokens: 60 });
    expect(small.tokens).toBeLessThanOrEqual(60);
    expect(small.truncated).toBe(true);
    const smallLines = small.text.split('\n');
    expect(smallLines[0]).toBe('[1000 rows x 3 columns]');
    expect(smallLines[2].startsWith('0 ')).toBe(true);
    expect(smallLines.at(-1)?.startsWith('999 ')).toBe(true);
    expect(smallLines.length).toBeLessThan(lines.length);
  });

  it('shows a wide DataFrame one line a row, its middle columns left out', async () => {
    const result = await executor.execute(
      kernel,
      'import pandas as pd\npd.DataFrame({f"col{j}": [i * 100 + j for i in range(5)] for j in range(40)})'
    );
    expect(result.status).toBe('ok');
    // Its text/plain is wrapped at 80 characters, in blocks of columns.
    const plain = String((result.outputs[0].data as Record<string, string>)['text/plain']);
    expect(plain).toContain('\\');
    const rendered = renderFeedback(result, options);
    const lines = rendered.text.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('[5 rows x 40 columns]');
    const header = lines[1].split(/\s+/).filter(Boolean);
    expect(header[0]).toBe('col0');
    expect(header.at(-1)).toBe('col39');
    expect(header).toContain('...');
    expect(lines[6].split(/\s+/)[0]).toBe('4');
    expect(lines[6].endsWith('439')).toBe(true);
  });

  it('turns an inline matplotlib plot into an image part, or a placeholder without vision', async () => {
    const result = await executor.execute(
      kernel,
      '%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()'
    );
    expect(result.status).toBe('ok');
    const withVision = renderFeedback(result, { ...options, vision: true });
    expect(withVision.images).toHaveLength(1);
    const [image] = withVision.images;
    expect(image.mimeType).toBe('image/png');
    const bytes = Buffer.from(image.data, 'base64');
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const kb = Math.round(bytes.length / 1024);
    expect(withVision.text).toBe(`[image/png ${width}x${height}, ${kb} KB: sent as an image]`);

    const blind = renderFeedback(result, options);
    expect(blind.images).toEqual([]);
    expect(blind.text).toBe(
      `[image/png ${width}x${height}, ${kb} KB: the model cannot see images; describe the data with print() instead]`
    );
  });

  it('cuts 20,000 printed lines to the budget with a marker', async () => {
    const result = await executor.execute(kernel, 'for i in range(20000):\n    print(i, i * i)');
    const rendered = renderFeedback(result, { ...options, budgetTokens: 500 });
    expect(rendered.truncated).toBe(true);
    expect(rendered.tokens).toBeLessThanOrEqual(500);
    expect(rendered.text.startsWith('0 0\n1 1\n2 4\n')).toBe(true);
    expect(rendered.text.endsWith('19999 399960001')).toBe(true);
    expect(rendered.text).toMatch(/\.\.\. \[[\d,]+ lines \/ [\d,]+ characters \/ ~?[\d,]+ tokens cut\] \.\.\./);
  });

  it('asks for output when a cell prints nothing', async () => {
    const rendered = renderFeedback(await executor.execute(kernel, 'x = 41 + 1'), options);
    expect(rendered.text).toBe(EMPTY_OUTPUT_NOTE);
  });

  it('says input() is not available', async () => {
    const result = await executor.execute(kernel, "name = input('name? ')");
    expect(result.stdinRequested).toBe(true);
    const rendered = renderFeedback(result, options);
    expect(rendered.text).toMatch(/StdinNotImplementedError/);
    expect(rendered.text).toMatch(/input\(\) or getpass\), which is not available here/);
  });

  it('names the time limit of a cell that timed out', async () => {
    const result = await executor.execute(kernel, 'import time\nprint("started")\ntime.sleep(60)', { timeoutMs: 1500 });
    expect(result.status).toBe('timeout');
    const rendered = renderFeedback(result, { ...options, timeoutMs: 1500 });
    expect(rendered.text).toMatch(/^started\n/);
    expect(rendered.text).toMatch(/KeyboardInterrupt/);
    expect(rendered.text).toMatch(/The cell was interrupted after 1\.5 s, its time limit\./);
  });

  it('says the server dropped output over its rate limit, without the server notice', async () => {
    const result = await executor.execute(kernel, 'print("x" * 10_000_000)\nprint("after")');
    expect(result.outputDroppedByServer).toBe(true);
    const rendered = renderFeedback(result, options);
    expect(rendered.text).not.toMatch(/IOPub data rate exceeded|iopub_data_rate_limit/);
    expect(rendered.text).toMatch(/The server dropped part of the output/);
    expect(rendered.text).not.toContain(EMPTY_OUTPUT_NOTE);
    expect(rendered.tokens).toBeLessThanOrEqual(1500);
  });
});
