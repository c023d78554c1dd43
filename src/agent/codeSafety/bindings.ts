// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { DISPLAY_HOOKS, DYNAMIC_BUILTINS, SYSTEM_MODULE_NAMES } from './systemNames';
import { moduleRef, type Ref, VALUE } from './references';
import type { RiskKind } from './risk';
import { childrenOf, isBinding, type PythonNode } from './syntaxTree';

/**
 * What a cell binds one name to: the imports of it, and whether anything else assigns it.
 */
export interface IBinding {
  imports: Ref[];
  assigned: boolean;

  /**
   * How many places bind it (assignments, imports, parameters, loops, `global`, `del`...).
   */
  sites: number;

  /**
   * When its only binding is `name = <value>` at the top of the cell: the value, and where the
   * assignment ends (a read after it sees the value; a read before it, an earlier cell's).
   */
  constant?: { value: PythonNode; end: number };
}

/**
 * Reports one risk at a node (`match` defaults to the node's first line).
 */
export type Report = (kind: RiskKind, node: PythonNode, match?: string) => void;

/**
 * What each name of a cell is bound to, wherever in the cell: one flat scope, so a name bound in
 * a function and at the top counts as both, which can only make the check stricter. Parse errors
 * and display hooks (`def _repr_html_`) are reported on the way.
 *
 * @param top - the cell's tree.
 * @param text - the text of a node.
 * @param report - reports a risk.
 * @returns the bindings, by name.
 */
export function collectBindings(
  top: PythonNode,
  text: (node: PythonNode) => string,
  report: Report
): Map<string, IBinding> {
  const bindings = new Map<string, IBinding>();
  const binding = (name: string): IBinding => {
    let found = bindings.get(name);
    if (!found) {
      found = { imports: [], assigned: false, sites: 0 };
      bindings.set(name, found);
    }
    return found;
  };
  const cursor = top.cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) {
      report('unparsed', node, Private.lineOf(node, text(top)));
    } else if (node.name === 'VariableName') {
      const parent = node.parent?.name;
      // `global os` and `del os` name a binding without giving it a value.
      const assigns =
        parent !== 'ImportStatement' &&
        parent !== 'ScopeStatement' &&
        parent !== 'DeleteStatement' &&
        (isBinding(node) || parent === 'UpdateStatement');
      if (assigns) {
        const bound = binding(text(node));
        bound.assigned = true;
        bound.sites += 1;
        const statement = node.parent;
        const parts = statement ? childrenOf(statement) : [];
        if (
          statement?.name === 'AssignStatement' &&
          statement.parent?.name === 'Script' &&
          parts.length === 3 &&
          parts[1].name === 'AssignOp'
        ) {
          bound.constant = { value: parts[2], end: statement.to };
        }
        if (DISPLAY_HOOKS.has(text(node))) {
          report('browser', node);
        }
      } else if (parent === 'ScopeStatement' || parent === 'DeleteStatement') {
        binding(text(node)).sites += 1;
      }
    } else if (node.name === 'ImportStatement') {
      for (const [name, ref] of importBindings(node, text)) {
        binding(name).imports.push(ref);
        binding(name).sites += 1;
      }
    }
  } while (cursor.next());
  return bindings;
}

/**
 * What a name the cell binds means where it is read, or `undefined` when the name must be
 * looked up as if the cell did not bind it.
 *
 * Names that reach the system keep that meaning even when the cell assigns them: rebinding
 * `open` or `os` somewhere in a cell must not hide a use of the real one elsewhere in it.
 *
 * @param name - the name.
 * @param binding - what the cell binds it to.
 * @returns its reference, or `undefined`.
 */
export function boundMeaning(name: string, binding: IBinding): Ref | undefined {
  const reachesSystem =
    SYSTEM_MODULE_NAMES.has(name) ||
    DYNAMIC_BUILTINS.has(name) ||
    ['open', 'getattr', 'setattr', 'delattr', 'get_ipython'].includes(name);
  if (binding.assigned && reachesSystem) {
    return undefined;
  }
  const foreign = binding.imports.find(ref => ref.tag === 'foreign');
  if (foreign) {
    return foreign;
  }
  const [first] = binding.imports;
  const sameModule = binding.imports.every(
    ref => ref.tag === 'module' && first.tag === 'module' && ref.path.join('.') === first.path.join('.')
  );
  return !binding.assigned && first && sameModule ? first : VALUE;
}

/**
 * The names an import statement binds, what to, and the whole module path each clause imports
 * (`import numpy.ctypeslib` binds `numpy` but imports `numpy.ctypeslib`).
 *
 * @param node - an `ImportStatement`.
 * @param text - the text of a node.
 * @returns `[name, reference, path]` triples.
 */
export function importBindings(node: PythonNode, text: (node: PythonNode) => string): [string, Ref, string[]][] {
  const parts = childrenOf(node);
  const bound: [string, Ref, string[]][] = [];
  if (parts[0]?.name === 'from') {
    const importAt = parts.findIndex(part => part.name === 'import');
    const modulePath = dottedPath(parts.slice(1, importAt), text);
    importedNames(parts.slice(importAt + 1), text).forEach(({ name, alias }) => {
      const path = [...modulePath, name];
      bound.push([alias ?? name, moduleRef(path), path]);
    });
    return bound;
  }
  // `import a.b as c, d`: each clause is a dotted path, maybe followed by `as` and a name.
  let clause: PythonNode[] = [];
  const flush = () => {
    const asAt = clause.findIndex(part => part.name === 'as');
    const path = dottedPath(asAt < 0 ? clause : clause.slice(0, asAt), text);
    if (path.length) {
      bound.push(asAt < 0 ? [path[0], moduleRef([path[0]]), path] : [text(clause[asAt + 1]), moduleRef(path), path]);
    }
    clause = [];
  };
  for (const part of parts.slice(1)) {
    if (part.name === ',') {
      flush();
    } else {
      clause.push(part);
    }
  }
  flush();
  return bound;
}

/**
 * The segments of a dotted module name written as tokens (`a . b`).
 *
 * @param parts - the tokens.
 * @param text - the text of a node.
 * @returns the segments; a relative import (`from . import x`) starts with `.`, which no
 *   allowlisted module does.
 */
export function dottedPath(parts: PythonNode[], text: (node: PythonNode) => string): string[] {
  return parts
    .map(part => (part.name === 'VariableName' ? text(part) : '.'))
    .filter((segment, index) => segment !== '.' || index === 0);
}

/**
 * The names after `import` in `from m import a as b, c` (`*` for a star import).
 *
 * @param parts - the tokens after `import`.
 * @param text - the text of a node.
 * @returns each name with its alias.
 */
export function importedNames(
  parts: PythonNode[],
  text: (node: PythonNode) => string
): { name: string; alias?: string }[] {
  const names: { name: string; alias?: string }[] = [];
  parts.forEach((part, index) => {
    if ((part.name === 'VariableName' || part.name === '*') && parts[index - 1]?.name !== 'as') {
      const alias = parts[index + 1]?.name === 'as' ? text(parts[index + 2]) : undefined;
      names.push({ name: text(part), alias });
    }
  });
  return names;
}

namespace Private {
  /**
   * The line of source a node starts on, to show for a parse error.
   */
  export function lineOf(node: PythonNode, source: string): string {
    const start = source.lastIndexOf('\n', node.from - 1) + 1;
    const end = source.indexOf('\n', node.from);
    const line = source.slice(start, end < 0 ? undefined : end);
    return line.trim() ? line : 'incomplete code at the end of the cell';
  }
}
