// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { parseLenientJson } from './lenientJson';
import type { IToolCall } from './modelClient';

/**
 * The id prefix of calls found in the content (`content_call_0`, ...): they have no tool call of
 * the API to answer.
 */
export const CONTENT_CALL_PREFIX = 'content_call_';

/**
 * Tool calls that a model wrote into its text instead of the API's `tool_calls`.
 *
 * Endpoints that do not parse calls out of the model's output (llama.cpp without a matching
 * template, many Ollama and vLLM set-ups) hand them back as content, in the forms small models
 * were trained on: Qwen's `<tool_call>{...}</tool_call>`, a fenced json block or a bare JSON object
 * `{"name": ..., "arguments": {...}}`, or `<function name="..." arguments='{...}'>` markup.
 */
export interface IContentCalls {
  /**
   * The calls found, in order, with ids of their own (`content_call_<n>`). Their `arguments` are
   * JSON text, as a tool call's are.
   */
  calls: IToolCall[];

  /**
   * The content without the calls' markup: what the user should read as the model's text.
   */
  text: string;

  /**
   * Markup that names one of the tools but could not be read (broken JSON, missing arguments),
   * each with the exact reason, so the model can be told how to correct it.
   */
  malformed: string[];
}

/**
 * Find calls to the given tools written in the content of an answer.
 *
 * Only calls to tools that were offered count: a JSON object that happens to have a `name` key,
 * or a code example in an explanation, is left as text.
 *
 * @param content - the model's answer text.
 * @param toolNames - the names of the tools that were offered.
 * @returns the calls, the remaining text and the malformed attempts.
 */
export function findContentCalls(content: string, toolNames: readonly string[]): IContentCalls {
  const known = new Set(toolNames);
  const found: { start: number; call: Private.IParsedCall }[] = [];
  const malformed: string[] = [];
  const spans: [number, number][] = [];
  const overlaps = (start: number, end: number) => spans.some(([s, e]) => start < e && end > s);
  const take = (start: number, end: number, parsed: Private.IParsedCall | string | undefined) => {
    if (parsed === undefined || overlaps(start, end)) {
      return;
    }
    spans.push([start, end]);
    if (typeof parsed === 'string') {
      malformed.push(parsed);
    } else {
      found.push({ start, call: parsed });
    }
  };

  for (const match of content.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)) {
    take(match.index, match.index + match[0].length, Private.parseJsonCall(match[1], known, true));
  }
  for (const match of content.matchAll(/```[ \t]*(?:json|tool_call|tool|javascript)?[ \t]*\n([\s\S]*?)\n?```/g)) {
    take(match.index, match.index + match[0].length, Private.parseJsonCall(match[1], known, false));
  }
  // The arguments may hold `>` and quotes of their own: the tag ends where a quote and `>` are
  // followed by the end of the markup.
  const functionTag =
    /<function\s+name\s*=\s*["']?([\w-]+)["']?\s+arguments\s*=\s*(['"])([\s\S]*?)\2\s*\/?>(?=\s*(?:<\/function>|<\/tools>|<function|$))(?:\s*<\/function>)?/g;
  for (const match of content.matchAll(functionTag)) {
    take(match.index, match.index + match[0].length, Private.parseFunctionTag(match[1], match[3], known));
  }
  for (const match of content.matchAll(/<function=([\w-]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
    take(match.index, match.index + match[0].length, Private.parseFunctionTag(match[1], match[2], known));
  }
  // A call written as Python on a line of its own, `execute_code({"code": ...})` or
  // `execute_code(code="...")`, as the 1.5B model wrote it in the real-model suite's runs.
  for (const match of content.matchAll(/^\s*([a-z_]+)\(\s*(\{[\s\S]*?\}|code\s*=\s*["'][\s\S]*?)\s*\)\s*$/gm)) {
    take(match.index, match.index + match[0].length, Private.parsePythonCall(match[1], match[2], known));
  }
  for (const match of Private.bareJsonObjects(content)) {
    take(match.start, match.end, Private.parseJsonCall(match.text, known, false));
  }

  found.sort((a, b) => a.start - b.start);
  let text = content;
  if (spans.length) {
    text = '';
    let from = 0;
    for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
      text += content.slice(from, start);
      from = end;
    }
    text += content.slice(from);
    // A wrapper such as <tools>...</tools> around the calls is markup too.
    text = text
      .replace(/<\/?(tools|tool_calls|function_calls)>/g, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
  return {
    calls: found.map(({ call }, index) => ({
      id: `${CONTENT_CALL_PREFIX}${index}`,
      name: call.name,
      arguments: call.arguments
    })),
    text,
    malformed
  };
}

namespace Private {
  /**
   * A call read from markup.
   */
  export interface IParsedCall {
    name: string;
    arguments: string;
  }

  /**
   * Read `{"name": ..., "arguments": {...}}` (or `parameters`), arguments given as an object or as
   * JSON text, repairing what small models get wrong (see `parseLenientJson`).
   *
   * @param text - the JSON text.
   * @param known - the tools offered.
   * @param tagged - whether the text was inside `<tool_call>`, where broken JSON is a malformed
   *   call rather than unrelated text.
   * @returns the call; a reason string when it names a tool but cannot be read; `undefined` when
   *   it is not a call to one of the tools.
   */
  export function parseJsonCall(text: string, known: Set<string>, tagged: boolean): IParsedCall | string | undefined {
    let value: unknown;
    try {
      value = parseLenientJson(text).value;
    } catch (error) {
      const named = /"name"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      if (tagged || (named && known.has(named))) {
        return `the call ${named ? `to ${named} ` : ''}is not valid JSON (${(error as Error).message})`;
      }
      return undefined;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return tagged ? 'a tool call must be a JSON object {"name": ..., "arguments": {...}}' : undefined;
    }
    const record = value as Record<string, unknown>;
    const nested = record.function as Record<string, unknown> | undefined;
    const name = typeof record.name === 'string' ? record.name : typeof nested?.name === 'string' ? nested.name : '';
    if (!known.has(name)) {
      return tagged && name ? `there is no tool named "${name}"; the tools are ${[...known].join(', ')}` : undefined;
    }
    const args = record.arguments ?? record.parameters ?? nested?.arguments;
    if (typeof args === 'string') {
      return { name, arguments: args };
    }
    if (args && typeof args === 'object' && !Array.isArray(args)) {
      return { name, arguments: JSON.stringify(args) };
    }
    return `the call to ${name} has no "arguments" object`;
  }

  /**
   * Read the arguments of `<function name="execute_code" arguments='{...}'>` or
   * `<function=execute_code>{...}</function>`.
   *
   * @param name - the function's name.
   * @param args - the arguments' JSON text.
   * @param known - the tools offered.
   * @returns the call, a reason when malformed, or `undefined` when not one of the tools.
   */
  export function parseFunctionTag(name: string, args: string, known: Set<string>): IParsedCall | string | undefined {
    if (!known.has(name)) {
      return undefined;
    }
    try {
      const parsed: unknown = parseLenientJson(args).value;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return { name, arguments: JSON.stringify(parsed) };
      }
    } catch (error) {
      return `the arguments of ${name} are not valid JSON (${(error as Error).message})`;
    }
    return `the arguments of ${name} must be a JSON object`;
  }

  /**
   * Read the arguments of a call written as Python: a dict, or `code=` with a string literal.
   *
   * @param name - the function's name.
   * @param args - what is between the parentheses.
   * @param known - the tools offered.
   * @returns the call, a reason when malformed, or `undefined` when not one of the tools.
   */
  export function parsePythonCall(name: string, args: string, known: Set<string>): IParsedCall | string | undefined {
    if (!known.has(name)) {
      return undefined;
    }
    const keyword = /^code\s*=\s*([\s\S]*)$/.exec(args.trim());
    return parseFunctionTag(name, keyword ? `{"code": ${keyword[1]}}` : args, known);
  }

  /**
   * Top-level `{...}` spans of the text that mention `"name"`, found by balancing braces outside
   * strings, so that a call written as bare JSON is found whatever text surrounds it.
   *
   * @param text - the content.
   * @returns the spans.
   */
  export function bareJsonObjects(text: string): { start: number; end: number; text: string }[] {
    const found: { start: number; end: number; text: string }[] = [];
    let depth = 0;
    let start = -1;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (char === '\\') {
          escaped = true;
        } else if (char === '"') {
          inString = false;
        }
        continue;
      }
      if (char === '"' && depth > 0) {
        inString = true;
      } else if (char === '{') {
        if (depth === 0) {
          start = i;
        }
        depth++;
      } else if (char === '}' && depth > 0) {
        depth--;
        if (depth === 0) {
          const candidate = text.slice(start, i + 1);
          if (candidate.includes('"name"')) {
            found.push({ start, end: i + 1, text: candidate });
          }
        }
      }
    }
    // An object still open at the end: a call whose code string lost its closing quote, which
    // the lenient parser may close.
    if (depth > 0 && text.slice(start).includes('"name"')) {
      found.push({ start, end: text.length, text: text.slice(start) });
    }
    return found;
  }
}
