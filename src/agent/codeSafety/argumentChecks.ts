// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { PATH_KEYWORDS } from './allowlist';
import { childrenOf, type IArguments, literalString, type PythonNode } from './syntaxTree';

/**
 * The argument through which a reader gets the path it reads: the first positional argument, or
 * a keyword such as `filepath_or_buffer`.
 *
 * @param args - the call's arguments.
 * @returns the argument, or `undefined` when the code does not show it (`**options`).
 */
export function pathArgument(args: IArguments): PythonNode | undefined {
  if (args.positional.length) {
    return args.positional[0];
  }
  const key = [...args.keywords.keys()].find(keyword => PATH_KEYWORDS.has(keyword));
  return key ? args.keywords.get(key) : undefined;
}

/**
 * Whether the literal words of a call's arguments install packages:
 * `check_call([sys.executable, '-m', 'pip', 'install', 'x'])`, `run_line_magic('pip', 'install x')`.
 *
 * @param args - the call's arguments.
 * @param text - the text of a node.
 * @returns `true` when they name an installer and an install.
 */
export function namesAnInstall(args: IArguments, text: (node: PythonNode) => string): boolean {
  const words: string[] = [];
  const collect = (arg: PythonNode) => {
    const value = literalString(arg, text);
    if (value !== undefined) {
      words.push(value);
    } else if (arg.name === 'ArrayExpression' || arg.name === 'TupleExpression') {
      childrenOf(arg).forEach(collect);
    }
  };
  args.positional.forEach(collect);
  return /\b(pip3?|conda|mamba|micromamba|uv)\b.*\b(install|uninstall|remove|add)\b/.test(words.join(' '));
}

/**
 * The text of a string expression to scan for URLs and private places: its value when the code
 * spells it out (escapes decoded, `+` joined), else the literal text of an f-string with its
 * replacements left out (`f'https://{host}'` is still a URL), else the string as written.
 *
 * @param node - a `String`, `ContinuedString`, `FormatString` or `BinaryExpression`.
 * @param text - the text of a node.
 * @returns the text, or `undefined` for an expression that is not a string.
 */
export function stringText(node: PythonNode, text: (node: PythonNode) => string): string | undefined {
  const value = literalString(node, text);
  if (value !== undefined) {
    return value;
  }
  if (node.name === 'FormatString' || node.name === 'ContinuedString') {
    let written = text(node);
    for (const replacement of node.getChildren('FormatReplacement')) {
      written = written.replace(text(replacement), ' ');
    }
    return written;
  }
  return node.name === 'String' ? text(node) : undefined;
}
