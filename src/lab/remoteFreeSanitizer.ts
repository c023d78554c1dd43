// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IRenderMime } from '@jupyterlab/rendermime';

import { isAllowedClass } from '../notebook/safeMarkdown';

/**
 * A sanitizer for the model's answers that loads nothing: it runs JupyterLab's sanitizer, then
 * takes out of the HTML everything the browser would fetch by itself once the HTML is in the page
 * (image and media sources, frames, objects, style sheets, preloads, CSS `url()`), so that an
 * answer cannot send what it read from the notebook to another host (`![x](https://host/?q=…)`).
 *
 * A remote image becomes a link to it, which the person may follow; images in `data:` URIs stay.
 * Nor can an answer place itself over the rest of the sidebar (a fake approval card, a transparent
 * link over the Run button): `style` attributes go and classes are kept only from the allowlist
 * of the markdown renderer and code highlighting (`isAllowedClass`), so no answer borrows a
 * JupyterLab class such as `jp-HoverBox` (`position: fixed`).
 * The HTML is rewritten in an inert document (DOMParser's: no scripts, no fetches) and only the
 * result is handed to the renderer, so the page never holds an element with a remote source.
 */
export class RemoteFreeSanitizer implements IRenderMime.ISanitizer {
  /**
   * Construct the sanitizer.
   *
   * @param base - JupyterLab's sanitizer, run first.
   */
  constructor(base: IRenderMime.ISanitizer) {
    this._base = base;
  }

  /**
   * Whether URLs in text become links (as the base sanitizer says).
   */
  getAutolink(): boolean {
    return this._base.getAutolink?.() ?? true;
  }

  /**
   * Whether name and id attributes are kept (as the base sanitizer says).
   */
  get allowNamedProperties(): boolean | undefined {
    return this._base.allowNamedProperties;
  }

  /**
   * Command linker attributes are dropped (by `removeRemoteResources`): a model's answer must not
   * run application commands.
   */
  get allowCommandLinker(): boolean {
    return false;
  }

  /**
   * Sanitize HTML and take out what would be fetched.
   *
   * @param dirty - the HTML.
   * @param options - options for the base sanitizer.
   * @returns HTML that loads no resource.
   */
  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    return removeRemoteResources(this._base.sanitize(dirty, options));
  }

  private _base: IRenderMime.ISanitizer;
}

/**
 * Rewrite HTML so that putting it in a page fetches nothing: remote images become links, other
 * elements that load something are removed, and URL-bearing attributes and styles are dropped
 * (and command-linker attributes, which would run application commands on a click).
 *
 * @param html - the HTML (already sanitized against scripts).
 * @returns the rewritten HTML.
 */
export function removeRemoteResources(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const body = doc.body;
  for (const element of Array.from(body.querySelectorAll(Private.DROPPED_ELEMENTS))) {
    Private.replaceWithLink(element);
  }
  for (const element of Array.from(body.querySelectorAll('*'))) {
    if (!element.isConnected) {
      continue;
    }
    if (element.localName === 'img') {
      Private.fixImage(element as HTMLImageElement);
      continue;
    }
    for (const attribute of Array.from(element.attributes)) {
      // JupyterLab's sanitizer keeps command-linker attributes, with which a click would run an
      // application command named by the model.
      if (Private.isFetchingAttribute(element, attribute) || attribute.name.startsWith('data-commandlinker-')) {
        element.removeAttribute(attribute.name);
      }
    }
    Private.keepAllowedClasses(element);
  }
  return body.innerHTML;
}

namespace Private {
  /**
   * Elements that fetch, embed another document or bring style rules; none has a place in an
   * answer. A source they name becomes a link.
   */
  export const DROPPED_ELEMENTS = [
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'link',
    'style',
    'meta',
    'base',
    'script',
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'input[type="image" i]',
    'portal'
  ].join(',');

  /**
   * Attributes whose value the browser fetches, or that send requests (`ping`), or that hold
   * CSS (which can fetch with `url()`, `image-set()` or `@import`, and place the element anywhere
   * on the page with `position`, offsets and `z-index`: all of `style` goes).
   */
  const FETCHING_ATTRIBUTES = new Set([
    'src',
    'srcset',
    'poster',
    'background',
    'lowsrc',
    'dynsrc',
    'data',
    'codebase',
    'archive',
    'ping',
    'style',
    'imagesrcset',
    'xlink:href',
    'manifest',
    'action',
    'formaction'
  ]);

  /**
   * Elements whose `href` is only followed when the person clicks.
   */
  const CLICK_ONLY_HREF = new Set(['a', 'area']);

  /**
   * Whether an attribute would make the browser fetch something.
   */
  export function isFetchingAttribute(element: Element, attribute: Attr): boolean {
    const name = attribute.name.toLowerCase();
    if (name === 'href') {
      // SVG's <image href> and <use href> fetch; only in-document references are harmless there.
      return !CLICK_ONLY_HREF.has(element.localName) && !attribute.value.trim().startsWith('#');
    }
    return FETCHING_ATTRIBUTES.has(name) || name.endsWith(':href');
  }

  /**
   * Take away the classes an answer may not have; the attribute goes when none is left.
   */
  export function keepAllowedClasses(element: Element): void {
    if (!element.hasAttribute('class')) {
      return;
    }
    const kept = Array.from(element.classList).filter(name => isAllowedClass(name) || name === REMOTE_RESOURCE);
    if (kept.length) {
      element.setAttribute('class', kept.join(' '));
    } else {
      element.removeAttribute('class');
    }
  }

  /**
   * The class of the links that stand for a remote resource.
   */
  const REMOTE_RESOURCE = 'jp-CodeInterpreter-remoteResource';

  /**
   * Keep an image whose source is in the HTML itself; turn any other into a link to it.
   */
  export function fixImage(image: HTMLImageElement): void {
    const src = image.getAttribute('src') ?? '';
    if (isInline(src)) {
      for (const attribute of Array.from(image.attributes)) {
        if (attribute.name !== 'src' && isFetchingAttribute(image, attribute)) {
          image.removeAttribute(attribute.name);
        }
      }
      return;
    }
    replaceWithLink(image);
  }

  /**
   * Replace an element by a link to the web resource it names (its source), or remove it when it
   * names none (or something other than an http(s) URL, which a link must not lead to).
   */
  export function replaceWithLink(element: Element): void {
    const url = (element.getAttribute('src') ?? element.getAttribute('data') ?? '').trim();
    if (!/^https?:\/\//i.test(url) || NO_LINK.has(element.localName)) {
      element.remove();
      return;
    }
    const link = element.ownerDocument.createElement('a');
    link.setAttribute('href', url);
    link.setAttribute('title', url);
    link.className = REMOTE_RESOURCE;
    link.textContent = element.getAttribute('alt') || element.getAttribute('title') || url;
    element.replaceWith(link);
  }

  /**
   * Elements that are removed without a trace: their content is style or page settings.
   */
  const NO_LINK = new Set(['link', 'style', 'meta', 'base', 'script']);

  /**
   * Whether a source is inside the HTML (a `data:` URI) rather than somewhere to fetch.
   */
  function isInline(src: string): boolean {
    return /^data:image\//i.test(src.trim());
  }
}
