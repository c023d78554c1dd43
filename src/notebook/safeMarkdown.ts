// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { Parser } from 'htmlparser2';

/**
 * Whether a class name may stay on an element of the model's markdown or answer: only the classes
 * that the markdown renderer and its code highlighting put there themselves (`language-python` on
 * a code block, CodeMirror's generated `ͼ1a`, `cm-…` and `tok-…` token classes). Any other class
 * could borrow JupyterLab's styles, such as `jp-HoverBox`'s `position: fixed`, and lay the
 * model's HTML over the rest of the page.
 *
 * @param name - one class name.
 * @returns whether it is allowed.
 */
export function isAllowedClass(name: string): boolean {
  return /^(language-[\w+#.-]+|ͼ[0-9a-z]+|cm-[\w-]+|tok-[\w-]+)$/.test(name);
}

/**
 * Rewrite markdown the model wrote for a notebook cell so that rendering it loads nothing and can
 * run nothing, whatever the notebook's trust: JupyterLab renders markdown cells with its stock
 * sanitizer, which keeps remote images (`<img src="https://host/?d=…">` makes the browser call
 * that host, with whatever the model put in the URL, without a click) and, in a trusted notebook,
 * command-linker buttons (`data-commandlinker-command`) that run application commands on a click.
 *
 * The source is rewritten, not the rendering, because the cell outlives the turn: it is saved and
 * rendered again by any JupyterLab that opens the notebook. What changes:
 *
 * - HTML tags keep only an allowlist of attributes (no `style`, no `id`, no event handlers, no
 *   `data-*`, no URL-bearing attribute but a link's `href` and an inline image's `data:` source)
 *   and of classes (see `isAllowedClass`); a tag that needs no change stays as written;
 * - elements that fetch, embed or bring style or script (`iframe`, `video`, `style`, `link`, …)
 *   are removed with their content; one that names an http(s) source becomes a link to it, as
 *   does a remote `<img>`;
 * - comments, declarations and processing instructions are removed with their content, so that
 *   nothing hides a tag from this pass that the markdown renderer would still see;
 * - markdown images (`![alt](url)`, `![alt][ref]`) become links, except those with a `data:image`
 *   source written inline.
 *
 * The HTML is read by htmlparser2's tokenizer (the parser JupyterLab's sanitizer uses), in one
 * pass, without a DOM, so this runs in the browser and in Node alike.
 *
 * @param source - the markdown.
 * @returns markdown that renders to no remote resource and no command link.
 */
export function safeMarkdown(source: string): string {
  return Private.unlinkImages(Private.rewriteHtml(source));
}

namespace Private {
  /**
   * Attributes kept on any element; everything else goes (`href` and `src` are decided apart).
   */
  const ALLOWED_ATTRIBUTES = new Set([
    'alt',
    'title',
    'colspan',
    'rowspan',
    'align',
    'valign',
    'start',
    'reversed',
    'open',
    'lang',
    'dir',
    'abbr',
    'scope',
    'datetime',
    'class'
  ]);

  /**
   * Elements removed with their content: they fetch, embed another document, bring style or
   * script, or hold raw text in which a tag would be hidden from this pass.
   */
  const DROPPED = new Set([
    'iframe',
    'frame',
    'frameset',
    'object',
    'applet',
    'video',
    'audio',
    'picture',
    'portal',
    'style',
    'script',
    'template',
    'textarea',
    'title',
    'xmp',
    'noscript',
    'noembed',
    'noframes',
    'plaintext',
    'head'
  ]);

  /**
   * Elements without content that fetch or bring settings: the tag alone is removed.
   */
  const DROPPED_VOID = new Set(['link', 'meta', 'base', 'embed', 'source', 'track', 'input', 'param']);

  /**
   * Elements whose `href` is only followed when the person clicks.
   */
  const CLICK_ONLY_HREF = new Set(['a', 'area']);

  /**
   * Rewrite the HTML in markdown, copying everything else as it is.
   */
  export function rewriteHtml(source: string): string {
    const out: string[] = [];
    // Where the source has been copied to: the text between `pos` and the next event is kept.
    let pos = 0;
    // The open elements, and the depth of the dropped element being skipped (-1: none).
    const open: string[] = [];
    let dropDepth = -1;
    // The end of the last token read, and whether the parser is closing what is left open at the
    // end of the source: an element dropped then ends there, whatever the parser's indices say.
    let lastEnd = -1;
    let ending = false;
    const seen = () => (lastEnd = Math.max(lastEnd, parser.endIndex));
    const replace = (start: number, end: number, text: string) => {
      if (dropDepth < 0) {
        out.push(source.slice(pos, start), text);
      }
      pos = end + 1;
    };
    const parser: Parser = new Parser(
      {
        ontext() {
          seen();
        },
        onopentag(name, attributes, isImplied) {
          open.push(name);
          if (!isImplied) {
            seen();
          }
          if (isImplied || dropDepth >= 0) {
            return;
          }
          const start = parser.startIndex;
          const end = parser.endIndex;
          if (DROPPED.has(name) || DROPPED_VOID.has(name)) {
            replace(start, end, link(attributes.src ?? attributes.data ?? '', ''));
            if (DROPPED.has(name)) {
              dropDepth = open.length;
            }
            return;
          }
          if (name === 'img' && !isInlineImage(attributes.src ?? '')) {
            replace(start, end, link(attributes.src ?? '', attributes.alt || attributes.title || ''));
            return;
          }
          const kept = keptAttributes(name, attributes);
          if (kept !== null) {
            const raw = source.slice(start, end + 1);
            replace(start, end, `<${name}${kept}${/\/\s*>$/.test(raw) ? ' /' : ''}>`);
          }
        },
        onclosetag(name, isImplied) {
          open.pop();
          if (dropDepth >= 0 && open.length < dropDepth) {
            dropDepth = -1;
            // An implied end comes with the token that implies it (`</div>` around an open
            // `<video>`), which is copied as usual; nothing read before it is.
            pos = ending ? source.length : isImplied ? Math.max(parser.startIndex, lastEnd + 1) : parser.endIndex + 1;
          }
          if (!isImplied) {
            seen();
          }
        },
        oncomment() {
          seen();
          replace(parser.startIndex, parser.endIndex, '');
        },
        onprocessinginstruction() {
          seen();
          replace(parser.startIndex, parser.endIndex, '');
        }
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
    );
    parser.write(source);
    ending = true;
    parser.end();
    if (dropDepth < 0 && pos < source.length) {
      out.push(source.slice(pos));
    }
    return out.join('');
  }

  /**
   * The attributes to write for an element when some must go, or `null` when all may stay.
   */
  function keptAttributes(name: string, attributes: Record<string, string>): string | null {
    let changed = false;
    let kept = '';
    for (const [attribute, value] of Object.entries(attributes)) {
      let keep = ALLOWED_ATTRIBUTES.has(attribute);
      let written = value;
      if (attribute === 'href') {
        keep = CLICK_ONLY_HREF.has(name);
      } else if (attribute === 'src') {
        keep = name === 'img' && isInlineImage(value);
      } else if (attribute === 'class') {
        written = value.split(/\s+/).filter(isAllowedClass).join(' ');
        keep = written !== '';
      }
      if (keep && written === value) {
        kept += ` ${attribute}="${escapeAttribute(written)}"`;
      } else if (keep) {
        kept += ` ${attribute}="${escapeAttribute(written)}"`;
        changed = true;
      } else {
        changed = true;
      }
    }
    return changed ? kept : null;
  }

  /**
   * A link to an http(s) source, or nothing for any other.
   */
  function link(url: string, label: string): string {
    const href = url.trim();
    if (!/^https?:\/\//i.test(href)) {
      return '';
    }
    return `<a href="${escapeAttribute(href)}" title="${escapeAttribute(href)}">${escapeText(label || href)}</a>`;
  }

  /**
   * Whether an image's source is inside the markdown (a `data:` image) rather than somewhere to
   * fetch.
   */
  function isInlineImage(src: string): boolean {
    return /^data:image\//i.test(src.trim());
  }

  function escapeAttribute(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function escapeText(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  /**
   * Turn markdown images into links by taking away the `!`s before their `[` (a whole run, so
   * that no new `![` is left behind); an image whose source is an inline `data:image`, written
   * plainly (no brackets or escapes in its text), keeps one. This also changes `![` in code,
   * which is shown a character shorter: a pass that skipped code would have to find code spans
   * exactly as the renderer does, or an image it took for code would still load.
   */
  export function unlinkImages(markdown: string): string {
    const inline = /\[[^[\]\\]*\]\(\s*<?data:image\//iy;
    return markdown.replace(/!+(?=\[)/g, (run: string, offset: number) => {
      inline.lastIndex = offset + run.length;
      return inline.test(markdown) ? '!' : '';
    });
  }
}
