// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * End-of-turn and unknown-token markers that some servers let through as text (DeepSeek-based
 * models such as OpenCodeInterpreter-DS print `<|EOT|>`; llama.cpp may print `<unk>`).
 */
export const SPECIAL_TOKENS: readonly string[] = [
  '<|EOT|>',
  '<|endoftext|>',
  '<|im_end|>',
  '<|im_start|>',
  '<|eot_id|>',
  '<|end|>',
  '<｜end▁of▁sentence｜>',
  '<｜begin▁of▁sentence｜>',
  '<unk>',
  '<s>',
  '</s>'
];

/**
 * Removes special tokens from text that arrives in pieces. A token split across two pieces is
 * held back until it is complete or proven not to be a token.
 */
export class SpecialTokenFilter {
  /**
   * Filter the next piece of text.
   *
   * @param piece - the text that arrived.
   * @returns the text that can be shown now.
   */
  push(piece: string): string {
    const text = removeSpecialTokens(this._pending + piece);
    const keep = Private.heldBackLength(text);
    this._pending = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /**
   * End of the stream: the text held back, if any.
   *
   * @returns the rest.
   */
  flush(): string {
    const rest = this._pending;
    this._pending = '';
    return rest;
  }

  private _pending = '';
}

/**
 * Remove every special token from a complete text.
 *
 * @param text - the text.
 * @returns the text without special tokens.
 */
export function removeSpecialTokens(text: string): string {
  let result = text;
  for (const token of SPECIAL_TOKENS) {
    if (result.includes(token)) {
      result = result.split(token).join('');
    }
  }
  return result;
}

namespace Private {
  /**
   * The first character of each special token (matched with the rest of the token ahead): the
   * break goes right after it. A `<|name|>` or `<｜name｜>` shape, or a named token.
   */
  export const TOKEN_SHAPES =
    /<(?=[|\uff5c][^\s|\uff5c<>]{0,64}[|\uff5c]>)|<(?=\/?s>|unk>|start_of_turn>|end_of_turn>)|\[(?=\/?(INST|TOOL_CALLS|TOOL_RESULTS|SYSTEM_PROMPT|AVAILABLE_TOOLS)\])/g;

  /**
   * A part of a message's content.
   */
  export interface IContentPart {
    type?: unknown;
    text?: unknown;
  }

  /**
   * The fields of a chat message that carry text.
   */
  export interface IMessageFields {
    content?: unknown;
    tool_calls?: { function?: { arguments?: unknown } }[];
  }

  /**
   * How many characters at the end of `text` could be the start of a special token.
   */
  export function heldBackLength(text: string): number {
    const lastOpen = text.lastIndexOf('<');
    if (lastOpen < 0) {
      return 0;
    }
    const tail = text.slice(lastOpen);
    return SPECIAL_TOKENS.some(token => token.startsWith(tail) && token !== tail) ? tail.length : 0;
  }
}

/**
 * The character put into a special token's text so that a tokenizer no longer reads it as the
 * token: U+200D ZERO WIDTH JOINER, invisible to a person reading the text.
 */
export const TOKEN_BREAK = '\u200d';

/**
 * Make text that is not the product's own safe to put in a chat message: every special token of
 * the model families in use is broken by `TOKEN_BREAK` after its first character, so that a
 * server which parses special tokens in the rendered prompt (llama.cpp does) reads plain
 * characters, and `<|im_end|><|im_start|>system` inside a CSV cannot start a forged turn.
 *
 * Covered: every `<|...|>` shape (Qwen's `<|im_start|>`, `<|im_end|>`, `<|endoftext|>`,
 * `<|fim_*|>`; Llama 3's `<|eot_id|>`, `<|start_header_id|>`; Phi's `<|end|>`), DeepSeek's
 * `<｜...｜>` shape (full-width bars, `<｜begin▁of▁sentence｜>`), and `<s>`, `</s>`, `<unk>`,
 * Gemma's `<start_of_turn>`/`<end_of_turn>` and Mistral's `[INST]`/`[/INST]` and control tokens
 * (`[TOOL_CALLS]`, `[TOOL_RESULTS]`, `[SYSTEM_PROMPT]`, `[AVAILABLE_TOOLS]`). Qwen2.5's
 * `<tool_call>` is an added token that llama.cpp matches in any text, but it starts no turn, and
 * the product's own prompts use it; it is left as it is (docs/security.md).
 *
 * Applying it twice changes nothing more.
 *
 * @param text - the text.
 * @returns the text with its special tokens broken.
 */
export function neutralizeSpecialTokens(text: string): string {
  return text.includes('<') || text.includes('[') ? text.replace(Private.TOKEN_SHAPES, `$&${TOKEN_BREAK}`) : text;
}

/**
 * Messages with `neutralizeSpecialTokens` applied to all their text: string content, text parts
 * and tool-call arguments. Messages without a special token are returned as they are.
 *
 * @param messages - the messages of a request.
 * @returns the messages to send.
 */
export function neutralizeMessages<T extends { role: string }>(messages: readonly T[]): T[] {
  return messages.map(message => {
    const fields = message as unknown as Private.IMessageFields;
    let changed = false;
    const safe = (text: string) => {
      const result = neutralizeSpecialTokens(text);
      changed ||= result !== text;
      return result;
    };
    const copy: Private.IMessageFields = { ...fields };
    if (typeof fields.content === 'string') {
      copy.content = safe(fields.content);
    } else if (Array.isArray(fields.content)) {
      copy.content = (fields.content as Private.IContentPart[]).map(part =>
        part?.type === 'text' && typeof part.text === 'string' ? { ...part, text: safe(part.text) } : part
      );
    }
    if (Array.isArray(fields.tool_calls)) {
      copy.tool_calls = fields.tool_calls.map(call =>
        call?.function && typeof call.function.arguments === 'string'
          ? { ...call, function: { ...call.function, arguments: safe(call.function.arguments) } }
          : call
      );
    }
    return changed ? (copy as unknown as T) : message;
  });
}
