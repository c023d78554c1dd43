// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { CONVENTIONAL_ALIASES, DATA_MODULES, HARMLESS_DUNDERS, type IModulePolicy, lookUp } from './allowlist';
import {
  DYNAMIC_BUILTINS,
  KNOWN_IMPORTED_NAMES,
  KNOWN_MODULE_KINDS,
  SYSTEM_MODULE_NAMES,
  SYSTEM_NAMES
} from './systemNames';
import type { RiskKind } from './risk';

/**
 * What an expression is known to be, as far as the check needs.
 *
 * - `module`: an allowlisted module or something in it (`numpy.random.default_rng`); `depth` is
 *   how many segments of `path` name the allowlisted module itself.
 * - `foreign`: a module outside the allowlist, or something reached through one.
 * - `builtin`: one of the built-in functions whose calls are checked (`open`, `getattr`...).
 * - `value`: anything else: data, a variable from an earlier cell, a call's result.
 */
export type Ref =
  | { tag: 'module'; path: string[]; depth: number; policy: IModulePolicy }
  | { tag: 'foreign'; path: string[] }
  | { tag: 'builtin'; name: string }
  | { tag: 'value' };

/**
 * An ordinary value.
 */
export const VALUE: Ref = { tag: 'value' };

/**
 * Modules that a data module's attributes can lead to (`matplotlib.os`), or an object's
 * (`obj.sys`): reaching one asks, whatever it was reached through.
 */
export const REACHABLE_MODULES = new Set([
  'os',
  'sys',
  'subprocess',
  'shutil',
  'builtins',
  '__builtins__',
  'importlib',
  'ctypes',
  'pickle',
  'socket',
  'pathlib'
]);

/**
 * The meaning of a dotted module path: the allowlisted module it falls in (the longest listed
 * prefix: `IPython.display`), or a foreign module.
 *
 * @param path - the path's segments (`['numpy', 'random']`).
 * @returns its reference.
 */
export function moduleRef(path: string[]): Ref {
  for (let depth = path.length; depth > 0; depth--) {
    const policy = lookUp(DATA_MODULES, path.slice(0, depth).join('.'));
    if (policy) {
      return { tag: 'module', path, depth, policy };
    }
  }
  return { tag: 'foreign', path };
}

/**
 * Why an attribute of an allowlisted module leaves plain data work, if it does.
 *
 * @param module - the module (or a member of it).
 * @param attribute - the attribute's name.
 * @returns the kind of risk, or `undefined` for data work.
 */
export function memberRisk(module: Ref & { tag: 'module' }, attribute: string): RiskKind | undefined {
  const { policy } = module;
  const risky = policy.risky ? lookUp(policy.risky, attribute) : undefined;
  if (risky) {
    return risky;
  }
  for (const [prefix, kind] of Object.entries(policy.riskyPrefixes ?? {})) {
    if (attribute.startsWith(prefix)) {
      return kind;
    }
  }
  if (policy.onlyMembers && module.path.length === module.depth && !policy.onlyMembers.includes(attribute)) {
    return policy.otherMembers ?? 'unknown-import';
  }
  return undefined;
}

/**
 * Functions that read the file their first argument names, whatever module they came from
 * (`loadtxt` imported by name in an earlier cell): every module's readers but the generic `load`
 * and `read`.
 */
const FREE_READERS = new Set(
  Object.values(DATA_MODULES)
    .flatMap(policy => policy.readers ?? [])
    .filter(name => name !== 'load' && name !== 'read')
);

/**
 * Whether a name the cell does not define is a function that reads a file.
 *
 * @param name - the name.
 * @returns `true` for `loadtxt`, `imread`...
 */
export function isFreeReader(name: string): boolean {
  return FREE_READERS.has(name);
}

/**
 * Built-in functions whose calls are checked.
 */
const CHECKED_BUILTINS = new Set([
  'open',
  'getattr',
  'setattr',
  'delattr',
  'hasattr',
  'print',
  'display',
  'get_ipython'
]);

/**
 * What a name the cell does not define means: a variable of an earlier cell (a value), a
 * built-in, a conventional alias of an allowlisted module (`pd`), or something that reaches the
 * system (`os`, `eval`, `get_ipython`).
 *
 * @param name - the name.
 * @returns its reference, and the risk of naming it, if any.
 */
export function resolveFreeName(name: string): { ref: Ref; kind?: RiskKind } {
  if (DYNAMIC_BUILTINS.has(name)) {
    return { ref: { tag: 'builtin', name }, kind: 'dynamic' };
  }
  if (CHECKED_BUILTINS.has(name)) {
    return { ref: { tag: 'builtin', name }, kind: name === 'get_ipython' ? 'magic' : undefined };
  }
  if (/^__\w+__$/.test(name) && !HARMLESS_DUNDERS.has(name)) {
    return { ref: VALUE, kind: 'dynamic' };
  }
  if (SYSTEM_MODULE_NAMES.has(name)) {
    return { ref: { tag: 'foreign', path: [name] }, kind: lookUp(KNOWN_MODULE_KINDS, name) ?? 'unknown-import' };
  }
  const importedFrom = lookUp(KNOWN_IMPORTED_NAMES, name);
  if (importedFrom) {
    return {
      ref: { tag: 'foreign', path: [importedFrom, name] },
      kind: lookUp(KNOWN_MODULE_KINDS, importedFrom) ?? 'unknown-import'
    };
  }
  const module = lookUp(CONVENTIONAL_ALIASES, name) ?? (lookUp(DATA_MODULES, name) ? name : undefined);
  if (module) {
    return { ref: moduleRef(module.split('.')) };
  }
  return { ref: VALUE, kind: lookUp(SYSTEM_NAMES, name) };
}
