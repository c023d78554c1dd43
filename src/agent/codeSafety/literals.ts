// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { HARMLESS_DUNDERS } from './allowlist';
import type { RiskKind } from './risk';

/**
 * The value of one Python string literal token (`'a'`, `r"\d"`, `b'x'`, `"""..."""`), escapes
 * decoded, or `undefined` when it cannot be known from the text alone (an f-string, or a
 * `\N{NAME}` escape, whose character would need Unicode's name table).
 *
 * Escapes matter here: `'\x2e\x2e/etc'` is `'../etc'` and `'http\x3a//'` is `'http://'`.
 *
 * @param token - the literal as written, prefix and quotes included.
 * @returns its value, or `undefined`.
 */
export function stringLiteralValue(token: string): string | undefined {
  const shape = /^([rRbBuUfF]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(token);
  if (!shape || /[fF]/.test(shape[1])) {
    return undefined;
  }
  const body = shape[3];
  if (/[rR]/.test(shape[1])) {
    return body;
  }
  if (/\\N\{/.test(body)) {
    return undefined;
  }
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\n|.)/g,
    (_escape, code: string) => {
      if (/^[xuU]/.test(code)) {
        return String.fromCodePoint(parseInt(code.slice(1), 16));
      }
      if (/^[0-7]+$/.test(code)) {
        return String.fromCodePoint(parseInt(code, 8));
      }
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
        '\n': '',
        '\\': '\\',
        "'": "'",
        '"': '"'
      };
      // An unknown escape keeps its backslash, as in Python.
      return simple[code] ?? '\\' + code;
    }
  );
}

/**
 * Why a string seen anywhere in the code is worth asking about: a URL (or a piece of one, as
 * `'https:'` or `'://'`, since a URL can be built by concatenation), or a private place (the home
 * folder, keys, Jupyter's configuration and settings).
 *
 * @param text - the string's value (or the literal text of an f-string).
 * @returns the kinds found (empty for ordinary text).
 */
export function scanString(text: string): RiskKind[] {
  const kinds: RiskKind[] = [];
  if (Private.URL_PIECE.test(text)) {
    kinds.push('network');
  }
  if (Private.PRIVATE_PLACE.test(text)) {
    kinds.push('private');
  }
  // A format string's fields reach attributes: `"{0.__globals__[os].environ}".format(f)` prints
  // the environment, as `f.__globals__` written in code would (which asks).
  const dunders = text.match(/__\w+__/g) ?? [];
  if (dunders.some(name => !HARMLESS_DUNDERS.has(name))) {
    kinds.push('dynamic');
  }
  return kinds;
}

/**
 * What reading a file at a literal path involves, for the readers the allowlist lets through:
 * nothing for a relative path inside the notebook's folder; otherwise the kind to ask about.
 *
 * @param path - the path as written in the code.
 * @param folder - the kernel's working folder (absolute), when known: an absolute path inside it
 *   is read as the relative path it names there (the kernel's state gives the model that folder,
 *   and small models copy it into their paths).
 * @returns `undefined` when the path stays in the notebook's folder, else the kind of risk.
 */
export function classifyReadPath(path: string, folder?: string): RiskKind | undefined {
  const inside = folder ? Private.relativeInside(path, folder) : undefined;
  if (inside !== undefined) {
    return classifyReadPath(inside);
  }
  if (/^[a-zA-Z][\w+.-]*:\/\//.test(path)) {
    return /^file:/i.test(path) ? 'outside-read' : 'network';
  }
  if (/^~/.test(path) || Private.PRIVATE_PLACE.test(path)) {
    return 'private';
  }
  if (/^[/\\]/.test(path) || /^[a-zA-Z]:/.test(path)) {
    return 'outside-read';
  }
  const segments = path.split(/[/\\]+/);
  if (segments.some(segment => segment === '..')) {
    return 'outside-read';
  }
  // Hidden files and folders (.ssh, .env, .git, .jupyter) are where secrets and settings live.
  if (segments.some(segment => segment.startsWith('.') && segment !== '.')) {
    return 'private';
  }
  return undefined;
}

namespace Private {
  /**
   * `path` relative to `folder` when it is an absolute POSIX path strictly inside it, else
   * `undefined`.
   */
  export function relativeInside(path: string, folder: string): string | undefined {
    const base = folder.replace(/\/+$/, '');
    if (!base.startsWith('/') || !path.startsWith(`${base}/`)) {
      return undefined;
    }
    const rest = path.slice(base.length + 1).replace(/^\/+/, '');
    return rest || undefined;
  }

  /**
   * A URL, or a piece that only makes sense in one: `scheme://`, `://`, a bare scheme with its
   * colon (`'https:'`), a protocol-relative `//host.tld`.
   */
  export const URL_PIECE =
    /:\/\/|^\s*(https?|ftps?|wss?|s3|s3a|gs|gcs|az|abfs|hdfs|sftp|ssh|file)(:\/{0,2})?\s*$|^\/\/[\w-]+(\.[\w-]+)+/i;

  /**
   * The home folder (`~`, `$HOME`), keys and credentials, and the folders where Jupyter and
   * JupyterLab keep their configuration and the user's settings (where `approval` itself is).
   */
  export const PRIVATE_PLACE =
    /(^|[\s'"=:(,])~([/\\]|$)|~[/\\]|\$\{?HOME\b|%USERPROFILE%|(^|[/\\])\.(ssh|aws|azure|gnupg|netrc|pgpass|docker|kube|git-credentials|jupyter|ipython|config|local[/\\]share[/\\]jupyter)\b|user-settings|jupyterlab-settings|jupyter_\w*config|ipython_config|(^|[/\\])\.env$|id_(rsa|dsa|ecdsa|ed25519)|(^|[/\\])etc[/\\](passwd|shadow|ssh)/i;
}
