// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import { stripAnsi } from './ansi';
import { htmlToText } from './htmlText';
import { readImageInfo, type IImageInfo } from './imageInfo';
import { parseDataFrameHtml, type IDataTable } from './dataFrameHtml';
import { condenseTraceback, type ICondensedTraceback } from './traceback';

/**
 * Text from an output, still raw: `clean` turns it (or windows of it) into what the model reads.
 * Cleaning is left to the caller so that a 10 MB output can be clipped before it is cleaned.
 */
export interface IOutputText {
  kind: 'text';

  /**
   * The raw text (with escape codes, or HTML).
   */
  raw: string;

  /**
   * Makes raw text readable; safe to apply to any slice of `raw`.
   */
  clean: (text: string) => string;

  /**
   * The stream's name for stream outputs.
   */
  stream?: 'stdout' | 'stderr';
}

/**
 * An image from an output.
 */
export interface IOutputImage {
  kind: 'image';

  /**
   * Its MIME type.
   */
  mimeType: string;

  /**
   * The image, base64-encoded, without line breaks.
   */
  data: string;

  /**
   * Its size and dimensions.
   */
  info: IImageInfo;

  /**
   * Whether a model that reads images can be sent it (raster formats only: not SVG).
   */
  sendable: boolean;
}

/**
 * An error output, condensed.
 */
export interface IOutputError {
  kind: 'error';

  /**
   * The traceback, condensed.
   */
  traceback: ICondensedTraceback;
}

/**
 * A dataframe's table (pandas or polars), read from its HTML rendering.
 */
export interface IOutputTable {
  kind: 'table';

  /**
   * The table, its full shape and the cells the rendering showed.
   */
  table: IDataTable;
}

/**
 * What one output contributes to feedback.
 */
export type OutputPart = IOutputText | IOutputImage | IOutputError | IOutputTable;

/**
 * Turn one nbformat output into what feedback is made of.
 *
 * A DataFrame (pandas or polars) is read from its HTML table, which is neither wrapped nor
 * shortened to the console's width as its text/plain is, and states its shape. Other rich
 * outputs are read as text in this order: text/plain, unless it is only a placeholder such as `<IPython.core.display.Markdown object>`;
 * then text/markdown, text/latex, application/json, text/html (tags stripped), other text
 * types. An output with a raster image (PNG, JPEG, WebP, GIF) is that image; SVG counts as an
 * image that cannot be sent when there is no raster form.
 *
 * @param output - one output of a cell.
 * @returns its part, or `null` for outputs that carry nothing readable.
 */
export function describeOutput(output: nbformat.IOutput): OutputPart | null {
  switch (output.output_type) {
    case 'stream': {
      const stream = output as nbformat.IStream;
      return {
        kind: 'text',
        raw: joinMultiline(stream.text),
        clean: cleanTerminalText,
        stream: stream.name === 'stderr' ? 'stderr' : 'stdout'
      };
    }
    case 'execute_result':
    case 'display_data':
      return Private.describeData((output as nbformat.IExecuteResult | nbformat.IDisplayData).data ?? {});
    case 'error': {
      const error = output as nbformat.IError;
      return {
        kind: 'error',
        traceback: condenseTraceback(error.traceback ?? [], String(error.ename ?? ''), String(error.evalue ?? ''))
      };
    }
    default:
      return null;
  }
}

/**
 * Make terminal text readable: escape codes removed, Windows line ends made Unix ones.
 *
 * @param text - text as a kernel printed it.
 * @returns the text without escape codes.
 */
export function cleanTerminalText(text: string): string {
  const stripped = stripAnsi(text);
  return stripped.includes('\r\n') ? stripped.replace(/\r\n/g, '\n') : stripped;
}

/**
 * The text of an nbformat multiline string (a string, or a list of lines to join).
 *
 * @param value - the stored value.
 * @returns the text; '' when there is none.
 */
export function joinMultiline(value: nbformat.MultilineString | undefined): string {
  if (value === undefined || value === null) {
    return '';
  }
  return Array.isArray(value) ? value.join('') : String(value);
}

namespace Private {
  const RASTER_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

  /**
   * A text/plain that only names the object's type, as IPython's display objects have.
   */
  const PLACEHOLDER_REPR = /^<[\w.]+ object(?: at 0x[0-9a-fA-F]+)?>$/;

  const TEXT_TYPES = ['text/markdown', 'text/latex', 'application/json', 'text/html'];

  function asText(mimeType: string, value: unknown): string {
    if (mimeType === 'application/json' || (typeof value !== 'string' && !Array.isArray(value))) {
      return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
    }
    return joinMultiline(value as nbformat.MultilineString);
  }

  function image(mimeType: string, value: unknown, sendable: boolean): IOutputImage {
    if (mimeType === 'image/svg+xml') {
      // SVG is stored as XML text, not base64.
      const svg = asText(mimeType, value);
      return { kind: 'image', mimeType, data: svg, info: { bytes: svg.length }, sendable };
    }
    const data = asText(mimeType, value).replace(/\s+/g, '');
    return { kind: 'image', mimeType, data, info: readImageInfo(mimeType, data), sendable };
  }

  /**
   * HTML up to this size is converted at once, to tell an empty rendering (a plot made of
   * scripts) from a readable one; longer HTML is converted after clipping.
   */
  const HTML_CHECK_LIMIT = 1_000_000;

  export function describeData(data: nbformat.IMimeBundle): OutputPart | null {
    const types = Object.keys(data);
    if (types.length === 0) {
      return null;
    }
    const raster = RASTER_TYPES.find(type => type in data);
    if (raster) {
      return image(raster, data[raster], true);
    }
    if ('text/html' in data) {
      const html = asText('text/html', data['text/html']);
      const table = html.length <= HTML_CHECK_LIMIT ? parseDataFrameHtml(html) : null;
      if (table) {
        return { kind: 'table', table };
      }
    }
    const plain = 'text/plain' in data ? asText('text/plain', data['text/plain']) : null;
    if (plain !== null && !PLACEHOLDER_REPR.test(plain.trim())) {
      return { kind: 'text', raw: plain, clean: cleanTerminalText };
    }
    const rich =
      TEXT_TYPES.find(type => type in data) ?? types.find(type => type.startsWith('text/') && type !== 'text/plain');
    if (rich) {
      const raw = asText(rich, data[rich]);
      if (rich !== 'text/html') {
        return { kind: 'text', raw, clean: cleanTerminalText };
      }
      if (raw.length > HTML_CHECK_LIMIT || htmlToText(raw) !== '') {
        return { kind: 'text', raw, clean: htmlToText };
      }
    }
    if ('image/svg+xml' in data) {
      return image('image/svg+xml', data['image/svg+xml'], false);
    }
    if (plain !== null) {
      return { kind: 'text', raw: plain, clean: cleanTerminalText };
    }
    return { kind: 'text', raw: `[output of type ${types.join(', ')}: no text form, not shown]`, clean: text => text };
  }
}
