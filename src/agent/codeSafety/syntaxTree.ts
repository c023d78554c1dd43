// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { parser } from '@lezer/python';

import { stringLiteralValue } from './literals';

/**
 * A node of @lezer/python's syntax tree.
 */
export type PythonNode = ReturnType<typeof parser.parse>['topNode'];

/**
 * Parse Python source (IPython's syntax already taken out).
 *
 * @param python - the source.
 * @returns the tree's top node; a part that does not parse holds error nodes.
 */
export function parsePython(python: string): PythonNode {
  return parser.parse(python).topNode;
}

/**
 * The direct children of a node, comments left out.
 *
 * @param node - the node.
 * @returns its children, in order.
 */
export function childrenOf(node: PythonNode): PythonNode[] {
  const children: PythonNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'Comment') {
      children.push(child);
    }
  }
  return children;
}

/**
 * Whether a `VariableName` is bound here rather than read: an assignment's target, a loop or
 * comprehension variable, a parameter, the name after `as`, a function's or class's name, a
 * pattern's capture, a `global` or `del` name.
 *
 * @param node - a `VariableName` (or a tuple or list of targets).
 * @returns `true` for a binding.
 */
export function isBinding(node: PythonNode): boolean {
  const parent = node.parent;
  if (!parent) {
    return false;
  }
  const siblings = childrenOf(parent);
  const index = siblings.findIndex(sibling => sibling.from === node.from && sibling.to === node.to);
  const previous = index > 0 ? siblings[index - 1] : null;
  switch (parent.name) {
    case 'TupleExpression':
    case 'ParenthesizedExpression':
    case 'ArrayExpression':
      return isBinding(parent);
    case 'AssignStatement': {
      const assignAfter = siblings.slice(index + 1).some(sibling => sibling.name === 'AssignOp');
      const annotated =
        !siblings.some(sibling => sibling.name === 'AssignOp') && siblings[index + 1]?.name === 'TypeDef';
      return assignAfter || annotated;
    }
    case 'NamedExpression':
      return index === 0;
    case 'ScopeStatement':
    case 'DeleteStatement':
    case 'CapturePattern':
    case 'KeywordPattern':
      return true;
    case 'ParamList':
      return previous?.name !== 'AssignOp';
    case 'FunctionDefinition':
    case 'ClassDefinition':
      return previous?.name === 'def' || previous?.name === 'class';
  }
  if (previous?.name === 'as') {
    return true;
  }
  // In a `for` statement, a comprehension or a generator argument, the names between `for` and
  // `in` are the loop's variables.
  for (let i = index - 1; i >= 0; i--) {
    const name = siblings[i].name;
    if (name === 'for') {
      return true;
    }
    if (name === 'in' || name === 'if' || name === 'else' || name === 'AssignOp') {
      return false;
    }
  }
  return false;
}

/**
 * Whether a `VariableName` is the name of a keyword argument (`sep` in `print(x, sep='')`).
 *
 * @param node - a `VariableName`.
 * @returns `true` for a keyword's name.
 */
export function isKeywordName(node: PythonNode): boolean {
  return node.parent?.name === 'ArgList' && node.nextSibling?.name === 'AssignOp';
}

/**
 * The arguments of a call, as written.
 */
export interface IArguments {
  /**
   * The positional arguments, in order.
   */
  positional: PythonNode[];

  /**
   * The keyword arguments' values, by name.
   */
  keywords: Map<string, PythonNode>;

  /**
   * Whether `*args` or `**kwargs` pass arguments the code does not show.
   */
  spread: boolean;
}

/**
 * Read the arguments of a call from its `ArgList`.
 *
 * @param argList - the call's `ArgList` (`null` for a decorator without one).
 * @param text - the text of a node.
 * @returns the arguments.
 */
export function readArguments(argList: PythonNode | null, text: (node: PythonNode) => string): IArguments {
  const args: IArguments = { positional: [], keywords: new Map(), spread: false };
  if (!argList) {
    return args;
  }
  const children = childrenOf(argList).filter(child => !['(', ')', ','].includes(child.name));
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (child.name === '*' || child.name === '**') {
      args.spread = true;
      i += 1;
    } else if (child.name === 'VariableName' && children[i + 1]?.name === 'AssignOp') {
      if (children[i + 2]) {
        args.keywords.set(text(child), children[i + 2]);
      }
      i += 2;
    } else if (child.name === 'for') {
      // A generator argument: its first expression was taken as the argument.
      break;
    } else {
      args.positional.push(child);
    }
  }
  return args;
}

/**
 * The value of a string the code spells out in full: a literal, literals side by side, an
 * f-string without replacements, literals joined with `+`, or a name bound to one of these.
 *
 * @param node - an expression.
 * @param text - the text of a node.
 * @param constant - the value of a name the cell binds to a string once and for all, if any.
 * @returns the string, or `undefined` when it is not known before the code runs.
 */
export function literalString(
  node: PythonNode | undefined,
  text: (node: PythonNode) => string,
  constant?: (name: PythonNode) => string | undefined
): string | undefined {
  if (!node) {
    return undefined;
  }
  switch (node.name) {
    case 'VariableName':
      return constant?.(node);
    case 'String':
      return stringLiteralValue(text(node));
    case 'FormatString':
      return node.getChild('FormatReplacement')
        ? undefined
        : stringLiteralValue(
            text(node)
              .replace(/^([rRbBuU]?)[fF]/, '$1')
              .replace(/\{\{/g, '{')
              .replace(/\}\}/g, '}')
          );
    case 'ContinuedString':
    case 'BinaryExpression': {
      const operator = node.getChild('ArithOp');
      if (node.name === 'BinaryExpression' && (!operator || text(operator) !== '+')) {
        return undefined;
      }
      const parts = childrenOf(node).filter(child => child.name !== 'ArithOp');
      const values = parts.map(part => literalString(part, text, constant));
      return values.every(value => value !== undefined) ? values.join('') : undefined;
    }
    case 'ParenthesizedExpression': {
      const inner = childrenOf(node).filter(child => child.name !== '(' && child.name !== ')');
      return inner.length === 1 ? literalString(inner[0], text, constant) : undefined;
    }
  }
  return undefined;
}
