// Outputs that froze the tab (issue 18, item 9): converting HTML output to text and collecting a
// long stream must take time linear in their size. Each case below took seconds to minutes with
// the regular expressions and copies they replaced; the limits leave room for a slow shared machine.
import type { KernelMessage } from '@jupyterlab/services';

import { HTML_PARSE_LIMIT, htmlToText } from '../../src/feedback/htmlText';
import { parseDataFrameHtml } from '../../src/feedback/dataFrameHtml';
import { OutputCollector } from '../../src/kernel/outputCollector';

function seconds(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

function dataFrame(rows: number): string {
  const body = Array.from({ length: rows }, (_, i) => `<tr><th>${i}</th><td>${i * 2}</td><td>x&amp;${i}</td></tr>`);
  return (
    '<div><style scoped>th { vertical-align: top; }</style><table border="1" class="dataframe">' +
    `<thead><tr><th></th><th>a</th><th>b</th></tr></thead><tbody>${body.join('')}</tbody></table>` +
    `<p>${rows} rows × 2 columns</p></div>`
  );
}

function stream(text: string): KernelMessage.IIOPubMessage {
  return {
    header: { msg_type: 'stream' },
    content: { name: 'stdout', text }
  } as unknown as KernelMessage.IIOPubMessage;
}

describe('linear time', () => {
  it('reads 1 MB of dataframe HTML as a table, and HTML tags that never close, in well under a second each', () => {
    const html = dataFrame(20_000);
    expect(html.length).toBeGreaterThan(1_000_000);
    let table: ReturnType<typeof parseDataFrameHtml> = null;
    expect(seconds(() => (table = parseDataFrameHtml(html)))).toBeLessThan(2);
    expect(table!.shape).toEqual([20_000, 2]);
    expect(table!.rows[19_999]).toEqual(['19999', '39998', 'x&19999']);
    // Unclosed scripts, cells and comments made the old patterns scan to the end from each one.
    for (const piece of ['<script>x', '<td>1', '<!-- c', '<style a="b">', '<table class="dataframe"><tr>']) {
      const unclosed = piece.repeat(Math.ceil(400_000 / piece.length));
      expect(seconds(() => htmlToText(unclosed))).toBeLessThan(2);
      expect(seconds(() => parseDataFrameHtml(unclosed))).toBeLessThan(2);
    }
  });

  it('converts HTML past the parse limit only up to it, and says so', () => {
    const html = '<p>row</p>'.repeat(HTML_PARSE_LIMIT / 10 + 1000);
    let text = '';
    expect(seconds(() => (text = htmlToText(html)))).toBeLessThan(3);
    expect(text.endsWith('[10000 more characters of HTML not read]')).toBe(true);
  });

  it('collects a stream of many small writes, with and without carriage returns, in linear time', () => {
    const writes = (count: number) =>
      Array.from({ length: count }, (_, i) => [i % 10 === 9 ? `${i}\n` : `${i} `, `\rprogress ${i}`, '\r']).flat();
    const collect = (texts: string[]) => {
      const collector = new OutputCollector();
      texts.forEach(text => collector.add(stream(text)));
      return String(collector.outputs[0].text);
    };
    // The same text as re-applying carriage returns to the whole stream at every write, as before.
    const few = writes(300);
    let whole = '';
    for (const text of few) {
      whole = Private.applyCarriageReturns(whole + text);
    }
    expect(collect(few)).toBe(whole);
    const many = writes(50_000);
    let text = '';
    expect(seconds(() => (text = collect(many)))).toBeLessThan(3);
    expect(text.split('\n')).toHaveLength(50_000 / 10 + 1);
    expect(text.endsWith('progress 49999')).toBe(true);
    // Written without any line break, the open line grows without being scanned again.
    const line = Array.from({ length: 100_000 }, (_, i) => `${i},`);
    expect(seconds(() => (text = collect(line)))).toBeLessThan(3);
    expect(text.length).toBe(line.join('').length);
  });
});

namespace Private {
  /**
   * Carriage returns as a terminal applies them (the collector's rule).
   */
  export function applyCarriageReturns(text: string): string {
    return text
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map(line => {
        const parts = line.split('\r').filter(part => part.length > 0);
        return line.includes('\r') ? (parts.at(-1) ?? '') : line;
      })
      .join('\n');
  }
}
