import { isAllowedClass, safeMarkdown } from '../../src/notebook/safeMarkdown';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('safeMarkdown', () => {
  it('leaves markdown without HTML or remote images as it is', () => {
    const source =
      '# Title\n\nSome *text*, x<y and a < b, a [link](https://example.org).\n\n```python\nprint(1)\n```\n';
    expect(safeMarkdown(source)).toBe(source);
    expect(safeMarkdown('<p align="center">kept <b>as written</b></p>')).toBe(
      '<p align="center">kept <b>as written</b></p>'
    );
  });

  it('turns remote markdown images into links and keeps inline ones', () => {
    expect(safeMarkdown('![secret](https://host/?d=1) and ![ref][r]\n\n[r]: https://host/r.png')).toBe(
      '[secret](https://host/?d=1) and [ref][r]\n\n[r]: https://host/r.png'
    );
    expect(safeMarkdown(`![dot](${PNG})`)).toBe(`![dot](${PNG})`);
    // A run of "!" goes whole, so that none is left before the bracket; escapes are not trusted.
    expect(safeMarkdown('!![x](https://host/a.png) ![a\\](https://host/b.png)')).toBe(
      '[x](https://host/a.png) [a\\](https://host/b.png)'
    );
  });

  it('turns remote HTML images into links and drops what fetches or styles', () => {
    expect(safeMarkdown('<img src="https://host/a.png?d=1" alt="pic">')).toBe(
      '<a href="https://host/a.png?d=1" title="https://host/a.png?d=1">pic</a>'
    );
    expect(safeMarkdown(`<img src="${PNG}" srcset="https://host/2x.png 2x" onerror="alert(1)">`)).toBe(
      `<img src="${PNG}">`
    );
    expect(safeMarkdown('<img/src="https://host/slash.png">')).toContain('<a href="https://host/slash.png"');
    expect(safeMarkdown('<style>@import url(https://host/s.css)</style>after')).toBe('after');
    expect(safeMarkdown('<link rel="stylesheet" href="https://host/s.css">after')).toBe('after');
    expect(
      safeMarkdown(
        '<video src="https://host/v.mp4" poster="https://host/p.png"><img src="https://host/in.png"></video> after'
      )
    ).toBe('<a href="https://host/v.mp4" title="https://host/v.mp4">https://host/v.mp4</a> after');
    expect(safeMarkdown('<svg><image href="https://host/s.png"/><use xlink:href="https://host/u.svg#a"/></svg>')).toBe(
      '<svg><image /><use /></svg>'
    );
    expect(safeMarkdown('<p style="background: url(https://host/bg.png)">x</p>')).toBe('<p>x</p>');
  });

  it('removes command-linker attributes, event handlers, ids and styles, and classes outside the allowlist', () => {
    expect(
      safeMarkdown(
        '<button data-commandlinker-command="code-interpreter:ask" data-commandlinker-args=\'{"prompt":"x"}\'>Go</button>'
      )
    ).toBe('<button>Go</button>');
    expect(
      safeMarkdown(
        '<div id="x" style="position:fixed;inset:0;z-index:99999" class="jp-HoverBox language-python">fake</div>'
      )
    ).toBe('<div class="language-python">fake</div>');
    expect(isAllowedClass('jp-HoverBox')).toBe(false);
    expect(isAllowedClass('cm-keyword')).toBe(true);
  });

  it('leaves no tag that a comment or a raw-text element hid from the pass', () => {
    // In markdown the comment's opening is in a code span, so the renderer sees the image.
    expect(safeMarkdown('`<!--` <img src="https://host/c.png"> `-->` tail')).toBe('`` tail');
    expect(safeMarkdown('`<textarea>` <img src="https://host/t.png"> `</textarea>` tail')).toBe('`` tail');
    expect(safeMarkdown('<div><video><img src="https://host/in.png"></div> after')).toBe('<div></div> after');
    expect(safeMarkdown('start <video>hidden <img src=https://host/end.png>')).toBe('start ');
    expect(safeMarkdown('<!doctype html><?php x ?>text')).toBe('text');
  });
});
