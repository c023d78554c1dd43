// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from './tokenCounter';

/**
 * An image of a cell's outputs, for a model that reads images.
 */
export interface IFeedbackImage {
  /**
   * `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
   */
  mimeType: string;

  /**
   * The image, base64-encoded (no data: prefix, no line breaks).
   */
  data: string;
}

/**
 * What the model reads about one execution.
 */
export interface IRenderedFeedback {
  /**
   * The outputs as text, with notes on faults (timeout, dead kernel, refused input, output dropped
   * by the server, cuts made to fit the budget) and the nudge to print something when there was
   * no output.
   */
  text: string;

  /**
   * Images to send along, when the model reads images.
   */
  images: IFeedbackImage[];

  /**
   * Tokens of `text` (images not counted).
   */
  tokens: number;

  /**
   * Whether anything was cut to fit the budget.
   */
  truncated: boolean;
}

/**
 * How to render feedback.
 */
export interface IFeedbackOptions {
  /**
   * At most this many tokens of text.
   */
  budgetTokens: number;

  /**
   * Whether the model reads images; otherwise an image becomes a short placeholder.
   */
  vision: boolean;

  /**
   * The tokenizer that counts the budget.
   */
  counter: ITokenCounter;

  /**
   * The cell's time limit in milliseconds, to name it in the timeout note.
   */
  timeoutMs?: number;

  /**
   * At most this many images. Default 2.
   */
  maxImages?: number;
}
