import { stripAnsi } from '../../src/feedback/ansi';
import { htmlToText } from '../../src/feedback/htmlText';
import { formatByteSize, readImageInfo } from '../../src/feedback/imageInfo';

describe('stripAnsi', () => {
  it('removes the colour codes of an ipykernel traceback', () => {
    const line = "\x1b[32m----> \x1b[39m\x1b[32m4\x1b[39m load(\x1b[33m'{bad'\x1b[39m)";
    expect(stripAnsi(line)).toBe("----> 4 load('{bad')");
    expect(stripAnsi('\x1b[38;5;28;01mimport\x1b[39;00m json')).toBe('import json');
  });

  it('removes cursor moves, hyperlinks and two-character escapes', () => {
    expect(stripAnsi('a\x1b[2Kb\x1b[1Ac')).toBe('abc');
    expect(stripAnsi('\x1b]8;;https://example.org\x07link\x1b]8;;\x07')).toBe('link');
    expect(stripAnsi('\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(stripAnsi('x\x1bMy')).toBe('xy');
  });

  it('returns text without escapes unchanged', () => {
    const text = 'plain [31m text';
    expect(stripAnsi(text)).toBe(text);
  });
});

describe('htmlToText', () => {
  it('reads a pandas table as rows of cells', () => {
    const html =
      '<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style>' +
      '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>a</th><th>b</th></tr></thead>' +
      '<tbody><tr><th>0</th><td>1</td><td>x &amp; y</td></tr><tr><th>1</th><td>2</td><td>&lt;z&gt;</td></tr></tbody></table></div>';
    expect(htmlToText(html)).toBe('| a | b\n0 | 1 | x & y\n1 | 2 | <z>');
  });

  it('drops scripts, styles and comments and keeps paragraphs apart', () => {
    expect(htmlToText('<p>One&nbsp;two</p><script>alert(1)</script><!-- hidden --><p>&#x41;&#66;</p>')).toBe(
      'One two\nAB'
    );
    expect(htmlToText('<b>bold</b><br/>next')).toBe('bold\nnext');
  });

  it('turns a page of scripts into nothing', () => {
    expect(htmlToText('<div id="p"></div><script type="text/javascript">Plotly.newPlot("p", [])</script>')).toBe('');
  });
});

/** Base64 of bytes. */
function base64(bytes: number[]): string {
  return Buffer.from(Uint8Array.from(bytes)).toString('base64');
}

function uint32be(value: number): number[] {
  return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

describe('readImageInfo', () => {
  it('reads width and height from a PNG IHDR', () => {
    const png = [
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...uint32be(13),
      0x49,
      0x48,
      0x44,
      0x52,
      ...uint32be(640),
      ...uint32be(480),
      8,
      6,
      0,
      0,
      0
    ];
    const data = base64([...png, ...new Array(28 * 1024 - png.length).fill(7)]);
    expect(readImageInfo('image/png', data)).toEqual({ width: 640, height: 480, bytes: 28 * 1024 });
  });

  it('reads GIF, JPEG and WebP headers', () => {
    const gif = base64([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x20, 0x03, 0x58, 0x02, 0, 0]);
    expect(readImageInfo('image/gif', gif)).toMatchObject({ width: 800, height: 600 });
    const app0 = [0xff, 0xe0, 0x00, 0x10, ...new Array(14).fill(0)];
    const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, ...new Array(9).fill(0)];
    expect(readImageInfo('image/jpeg', base64([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]))).toMatchObject({
      width: 640,
      height: 480
    });
    const vp8x = [
      ...Array.from('RIFF', c => c.charCodeAt(0)),
      0,
      0,
      0,
      0,
      ...Array.from('WEBPVP8X', c => c.charCodeAt(0)),
      10,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0x7f,
      0x02,
      0x00,
      0xdf,
      0x01,
      0x00
    ];
    expect(readImageInfo('image/webp', base64(vp8x))).toMatchObject({ width: 640, height: 480 });
  });

  it('gives the size alone when the header is unreadable', () => {
    expect(readImageInfo('image/png', base64([1, 2, 3, 4, 5, 6]))).toEqual({ bytes: 6 });
    expect(readImageInfo('image/bmp', 'QUJD')).toEqual({ bytes: 3 });
    expect(readImageInfo('image/png', '@@@@not base64')).toEqual({ bytes: 10 });
  });
});

describe('formatByteSize', () => {
  it('says bytes, KB or MB', () => {
    expect(formatByteSize(640)).toBe('640 bytes');
    expect(formatByteSize(28 * 1024 + 100)).toBe('28 KB');
    expect(formatByteSize(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});
