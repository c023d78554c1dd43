import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../../src/kernel/executionResult';
import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { EMPTY_OUTPUT_NOTE } from '../../src/feedback/feedbackNotes';
import { renderFeedback } from '../../src/feedback/renderFeedback';
import { createTiktokenCounter, type TiktokenCounter } from '../../src/feedback/tiktokenCounter';
import type { IFeedbackOptions } from '../../src/feedback/renderedFeedback';

function result(outputs: nbformat.IOutput[], extra: Partial<IExecutionResult> = {}): IExecutionResult {
  return {
    status: 'ok',
    executionCount: 1,
    outputs,
    durationMs: 12,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false,
    ...extra
  };
}

const stdout = (text: string): nbformat.IStream => ({ output_type: 'stream', name: 'stdout', text });
const stderr = (text: string): nbformat.IStream => ({ output_type: 'stream', name: 'stderr', text });
const executeResult = (data: nbformat.IMimeBundle): nbformat.IExecuteResult => ({
  output_type: 'execute_result',
  execution_count: 1,
  data,
  metadata: {}
});
const display = (data: nbformat.IMimeBundle): nbformat.IDisplayData => ({
  output_type: 'display_data',
  data,
  metadata: {}
});

/** A PNG of the given size: a real signature and IHDR, then filler up to `bytes`. */
function png(width: number, height: number, bytes: number): string {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return Buffer.concat([header, Buffer.alloc(bytes - header.length, 1)]).toString('base64');
}

const MARKER = /\.\.\. \[(?:~?([\d,]+) lines \/ )?(~?)([\d,]+) characters \/ ~?([\d,]+) tokens cut\] \.\.\./;

describe('renderFeedback', () => {
  let counter: TiktokenCounter;
  let options: IFeedbackOptions;

  beforeAll(async () => {
    counter = await createTiktokenCounter();
    options = { budgetTokens: 1500, vision: false, counter };
  });

  describe('text outputs', () => {
    it('reads streams and results in order, joining them by lines', () => {
      const rendered = renderFeedback(
        result([stdout('a\nb\n'), stderr('warning: careful\n'), executeResult({ 'text/plain': '42' })]),
        options
      );
      expect(rendered).toEqual({
        text: 'a\nb\nwarning: careful\n42',
        images: [],
        tokens: counter.count('a\nb\nwarning: careful\n42'),
        truncated: false
      });
    });

    it('strips ANSI escape codes and Windows line ends', () => {
      const rendered = renderFeedback(
        result([stdout('\x1b[1;32mPASSED\x1b[0m 3 tests\r\n'), executeResult({ 'text/plain': '\x1b[31mred\x1b[39m' })]),
        options
      );
      expect(rendered.text).toBe('PASSED 3 tests\nred');
    });

    it('prefers text/plain over text/html, so a DataFrame stays a text table', () => {
      const table = '   a  b\n0  1  x\n1  2  y';
      const rendered = renderFeedback(
        result([executeResult({ 'text/plain': table, 'text/html': '<table><tr><td>1</td></tr></table>' })]),
        options
      );
      expect(rendered.text).toBe(table);
    });

    it('reads HTML as rough text when it is the only form', () => {
      const rendered = renderFeedback(
        result([display({ 'text/html': '<h1>Report</h1><p>Total: <b>3</b> &amp; more</p>' })]),
        options
      );
      expect(rendered.text).toBe('Report\nTotal: 3 & more');
    });

    it('prefers markdown, JSON or HTML over a placeholder repr', () => {
      const markdown = renderFeedback(
        result([
          display({ 'text/plain': '<IPython.core.display.Markdown object>', 'text/markdown': '# Title\n*done*' })
        ]),
        options
      );
      expect(markdown.text).toBe('# Title\n*done*');
      const json = renderFeedback(
        result([display({ 'text/plain': '<IPython.core.display.JSON object>', 'application/json': { a: [1, 2] } })]),
        options
      );
      expect(JSON.parse(json.text)).toEqual({ a: [1, 2] });
      const html = renderFeedback(
        result([display({ 'text/plain': '<IPython.core.display.HTML object>', 'text/html': '<i>hi</i>' })]),
        options
      );
      expect(html.text).toBe('hi');
    });

    it('joins multiline strings as nbformat stores them', () => {
      const rendered = renderFeedback(result([executeResult({ 'text/plain': ['line 1\n', 'line 2'] })]), options);
      expect(rendered.text).toBe('line 1\nline 2');
    });

    it('says so when an output has no text form', () => {
      const rendered = renderFeedback(
        result([
          display({ 'application/vnd.plotly.v1+json': { data: [] }, 'text/html': '<script>Plotly.newPlot()</script>' })
        ]),
        options
      );
      expect(rendered.text).toBe('[output of type application/vnd.plotly.v1+json, text/html: no text form, not shown]');
    });
  });

  describe('budget', () => {
    it('keeps head and tail of a long output within the budget, with a marker of what was cut', () => {
      const lines = Array.from({ length: 5000 }, (_, i) => `step ${i}: loss=${(1 / (i + 1)).toFixed(6)}`);
      const text = lines.join('\n') + '\n';
      const rendered = renderFeedback(result([stdout(text)]), { ...options, budgetTokens: 400 });
      expect(rendered.truncated).toBe(true);
      expect(rendered.tokens).toBe(counter.count(rendered.text));
      expect(rendered.tokens).toBeLessThanOrEqual(400);
      expect(rendered.text.startsWith('step 0: loss=1.000000\n')).toBe(true);
      expect(rendered.text.endsWith('step 4999: loss=0.000200')).toBe(true);
      const match = MARKER.exec(rendered.text);
      expect(match).not.toBeNull();
      const [head, tail] = rendered.text.split(/\n?\.\.\. \[.*\] \.\.\.\n/);
      const cut = text.length - head.length - 1 - (tail.length + 1);
      expect(Number(match![3].replace(/,/g, ''))).toBe(cut);
    });

    it('respects every budget, whatever the outputs', () => {
      const big = 'x'.repeat(200_000);
      const outputs: nbformat.IOutput[][] = [
        [stdout(big)],
        [stdout('short\n'), stdout(big), executeResult({ 'text/plain': 'y'.repeat(50_000) })],
        [
          stdout('a'.repeat(30_000)),
          {
            output_type: 'error',
            ename: 'ValueError',
            evalue: 'v'.repeat(20_000),
            traceback: ['ValueError: ' + 'v'.repeat(20_000)]
          }
        ],
        [display({ 'image/png': png(10, 10, 100) }), stdout('\n'.repeat(100_000))]
      ];
      for (const budget of [0, 10, 50, 200, 1500]) {
        for (const outs of outputs) {
          for (const extra of [{}, { status: 'timeout' as const, stdinRequested: true, outputDroppedByServer: true }]) {
            const rendered = renderFeedback(result(outs, extra), { ...options, budgetTokens: budget });
            expect(counter.count(rendered.text)).toBeLessThanOrEqual(budget);
            expect(rendered.tokens).toBe(counter.count(rendered.text));
          }
        }
      }
    });

    it('respects the budget as counted by whichever counter it is given', () => {
      const approximate = new ApproximateTokenCounter();
      const text = Array.from({ length: 3000 }, (_, i) => `row ${i} ${'ab'.repeat(i % 7)}`).join('\n');
      const rendered = renderFeedback(result([stdout(text)]), { ...options, counter: approximate, budgetTokens: 300 });
      expect(approximate.count(rendered.text)).toBeLessThanOrEqual(300);
      expect(rendered.tokens).toBe(approximate.count(rendered.text));
    });

    it('keeps short outputs whole and cuts only the long one', () => {
      const rendered = renderFeedback(
        result([stdout('loaded 3 files\n'), display({ 'text/plain': 'z'.repeat(100_000) }), stdout('done: 42\n')]),
        { ...options, budgetTokens: 300 }
      );
      expect(rendered.text.startsWith('loaded 3 files\n')).toBe(true);
      expect(rendered.text.endsWith('done: 42')).toBe(true);
      expect(rendered.text).toMatch(MARKER);
      expect(rendered.tokens).toBeLessThanOrEqual(300);
    });

    it('keeps the error line of a traceback that has to be cut', () => {
      const frames = Array.from(
        { length: 200 },
        (_, i) => `Cell In[1], line ${i + 1}, in f${i}\n----> ${i + 1} f${i + 1}()\n`
      );
      const rendered = renderFeedback(
        result(
          [
            stdout('p'.repeat(50_000)),
            {
              output_type: 'error',
              ename: 'ZeroDivisionError',
              evalue: 'division by zero',
              traceback: [...frames, 'ZeroDivisionError: division by zero']
            }
          ],
          { status: 'error' }
        ),
        { ...options, budgetTokens: 300 }
      );
      expect(rendered.tokens).toBeLessThanOrEqual(300);
      expect(rendered.text.endsWith('ZeroDivisionError: division by zero')).toBe(true);
      expect(rendered.text.match(/\.\.\. \[/g)?.length).toBe(2);
    });

    it('renders 10 MB of output, cutting by characters first, with exact character counts', () => {
      const line = 'iteration 123456: accuracy=0.987654 loss=0.012345\n';
      const text = line.repeat(Math.ceil(10_000_000 / line.length));
      const rendered = renderFeedback(result([stdout(text)]), options);
      expect(rendered.tokens).toBeLessThanOrEqual(1500);
      expect(rendered.tokens).toBeGreaterThan(1300);
      const match = MARKER.exec(rendered.text)!;
      const [head, tail] = rendered.text.split(/\n?\.\.\. \[.*\] \.\.\.\n/);
      expect(match[2]).toBe('');
      expect(Number(match[3].replace(/,/g, ''))).toBe(text.length - (head.length + 1) - (tail.length + 1));
    });
  });

  describe('tracebacks', () => {
    it('renders a condensed traceback without colours', () => {
      const error: nbformat.IError = {
        output_type: 'error',
        ename: 'KeyError',
        evalue: "'b'",
        traceback: [
          '\x1b[31m---------------------------------------------------------------------------\x1b[39m',
          '\x1b[31mKeyError\x1b[39m                                  Traceback (most recent call last)',
          "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 3\x1b[39m\n\x1b[32m----> \x1b[39m\x1b[32m3\x1b[39m df[\x1b[33m'b'\x1b[39m]\n",
          '\x1b[36mFile \x1b[39m\x1b[32m/x/site-packages/pandas/core/frame.py:4330\x1b[39m, in \x1b[36mDataFrame.__getitem__\x1b[39m\n\x1b[32m-> \x1b[39m\x1b[32m4330\x1b[39m indexer = self.columns.get_loc(key)\n',
          '\x1b[36mFile \x1b[39m\x1b[32m/x/site-packages/pandas/core/indexes/base.py:3812\x1b[39m, in \x1b[36mIndex.get_loc\x1b[39m\n\x1b[32m-> \x1b[39m\x1b[32m3812\x1b[39m raise KeyError(key) from err\n',
          "\x1b[31mKeyError\x1b[39m: 'b'"
        ]
      };
      const rendered = renderFeedback(
        result([stdout('before\n'), error], { status: 'error', error: { ename: 'KeyError', evalue: "'b'" } }),
        options
      );
      expect(rendered.text).toBe(
        [
          'before',
          'Traceback (most recent call last):',
          'Cell In[2], line 3',
          "----> 3 df['b']",
          '[... 1 library frame omitted ...]',
          'File /x/site-packages/pandas/core/indexes/base.py:3812, in Index.get_loc',
          '-> 3812 raise KeyError(key) from err',
          "KeyError: 'b'"
        ].join('\n')
      );
      expect(rendered.truncated).toBe(false);
    });

    it('names the error when the outputs hold no traceback', () => {
      const rendered = renderFeedback(
        result([], { status: 'error', error: { ename: 'NameError', evalue: "name 'x' is not defined" } }),
        options
      );
      expect(rendered.text).toBe("NameError: name 'x' is not defined");
    });
  });

  describe('images', () => {
    const plot = () =>
      display({ 'image/png': png(640, 480, 28 * 1024), 'text/plain': '<Figure size 640x480 with 1 Axes>' });

    it('sends images to a model that reads them, with a note in the text', () => {
      const image = plot();
      const rendered = renderFeedback(result([image]), { ...options, vision: true });
      expect(rendered.images).toEqual([{ mimeType: 'image/png', data: image.data['image/png'] }]);
      expect(rendered.text).toBe('[image/png 640x480, 28 KB: sent as an image]');
    });

    it('sends at most maxImages images (2 by default) and says which were not sent', () => {
      const outputs = [plot(), plot(), plot()];
      const rendered = renderFeedback(result(outputs), { ...options, vision: true });
      expect(rendered.images).toHaveLength(2);
      expect(rendered.text.split('\n')).toEqual([
        '[image/png 640x480, 28 KB: sent as an image]',
        '[image/png 640x480, 28 KB: sent as an image]',
        '[image/png 640x480, 28 KB: not sent, only the first 2 images are sent]'
      ]);
      expect(renderFeedback(result(outputs), { ...options, vision: true, maxImages: 1 }).images).toHaveLength(1);
    });

    it('gives a placeholder to a model that cannot see images', () => {
      const rendered = renderFeedback(result([stdout('plotted\n'), plot()]), options);
      expect(rendered.images).toEqual([]);
      expect(rendered.text).toBe(
        'plotted\n[image/png 640x480, 28 KB: the model cannot see images; describe the data with print() instead]'
      );
    });

    it('does not send SVG, which is not a raster image', () => {
      const rendered = renderFeedback(
        result([
          display({
            'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"/>',
            'text/plain': '<Figure size 640x480 with 1 Axes>'
          })
        ]),
        { ...options, vision: true }
      );
      expect(rendered.images).toEqual([]);
      expect(rendered.text).toBe('<Figure size 640x480 with 1 Axes>');
      const svgOnly = renderFeedback(
        result([display({ 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"/>' })]),
        { ...options, vision: true }
      );
      expect(svgOnly.text).toMatch(/^\[image\/svg\+xml, 41 bytes: this format cannot be sent as an image/);
    });
  });

  describe('notes', () => {
    it('asks for a print or a test when a successful cell shows nothing', () => {
      expect(renderFeedback(result([]), options).text).toBe(EMPTY_OUTPUT_NOTE);
      expect(renderFeedback(result([stdout('\n')]), options).text).toBe(EMPTY_OUTPUT_NOTE);
      expect(EMPTY_OUTPUT_NOTE).toMatch(/print/);
      expect(EMPTY_OUTPUT_NOTE).toMatch(/test/);
    });

    it('says a timed-out cell was interrupted after its limit and that earlier variables remain', () => {
      const rendered = renderFeedback(result([stdout('working\n')], { status: 'timeout', durationMs: 30_400 }), {
        ...options,
        timeoutMs: 30_000
      });
      expect(rendered.text).toMatch(
        /^working\n\nThe cell was interrupted after 30 s, its time limit\. Variables defined before the interruption still exist\. Use a faster approach or smaller data/
      );
      expect(renderFeedback(result([], { status: 'timeout', durationMs: 2500 }), options).text).toMatch(/after 2\.5 s/);
    });

    it('says the user stopped the cell', () => {
      expect(renderFeedback(result([], { status: 'interrupted' }), options).text).toMatch(/^The user stopped the cell/);
    });

    it('says a dead kernel lost all variables and imports', () => {
      const text = renderFeedback(result([], { status: 'dead-kernel' }), options).text;
      expect(text).toMatch(/kernel died/);
      expect(text).toMatch(/out of memory/);
      expect(text).toMatch(/ALL variables and imports are lost/);
      expect(text).not.toContain(EMPTY_OUTPUT_NOTE);
    });

    it('says input() is not available', () => {
      const text = renderFeedback(result([], { status: 'error', stdinRequested: true }), options).text;
      expect(text).toMatch(/input\(\).*not available.*Assign the values directly/);
    });

    it('says output was dropped by the server, and removes the server notice meant for admins', () => {
      const notice =
        'IOPub data rate exceeded.\nThe Jupyter server will temporarily stop sending output\nto the client in order to avoid crashing it.\n' +
        'To change this limit, set the config variable\n`--ServerApp.iopub_data_rate_limit`.\n\nCurrent values:\n' +
        'ServerApp.iopub_data_rate_limit=1000000.0 (bytes/sec)\nServerApp.rate_limit_window=3.0 (secs)\n';
      const rendered = renderFeedback(
        result([stdout('first\n'), stderr(notice)], { outputDroppedByServer: true }),
        options
      );
      expect(rendered.text).not.toContain('iopub_data_rate_limit');
      expect(rendered.text).toMatch(/^first\n\nThe server dropped part of the output.*incomplete\. Print less/);
      // All of the output dropped is not an empty output: no request to print something.
      const allDropped = renderFeedback(result([stderr(notice)], { outputDroppedByServer: true }), options);
      expect(allDropped.text).toMatch(/^The server dropped part of the output/);
      expect(allDropped.text).not.toContain(EMPTY_OUTPUT_NOTE);
    });

    it('says the kernel ignored the interrupt', () => {
      const text = renderFeedback(result([], { status: 'timeout', kernelUnresponsive: true }), options).text;
      expect(text).toMatch(/did not respond to the interrupt/);
    });

    it('keeps the notes when the outputs are cut', () => {
      const rendered = renderFeedback(result([stdout('q'.repeat(100_000))], { status: 'timeout' }), {
        ...options,
        budgetTokens: 200,
        timeoutMs: 10_000
      });
      expect(rendered.tokens).toBeLessThanOrEqual(200);
      expect(rendered.text).toMatch(/The cell was interrupted after 10 s/);
      expect(rendered.text).toMatch(MARKER);
    });
  });
});
