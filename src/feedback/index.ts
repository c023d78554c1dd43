// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

export * from './tokens';
export * from './ansi';
export * from './approximateTokenCounter';
export * from './feedbackNotes';
export * from './htmlText';
export * from './imageInfo';
export * from './lazyTokenCounter';
export * from './outputText';
export * from './renderFeedback';
export * from './textTruncation';
export * from './tiktokenCounter';
export * from './traceback';
