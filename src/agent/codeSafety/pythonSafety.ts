// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { HARMLESS_DUNDERS, lookUp } from './allowlist';
import {
  ALWAYS_WRITERS,
  DESTINATION_KEYWORDS,
  DESTINATION_WRITERS,
  DISPLAY_HOOKS,
  FOREIGN_MEMBER_KINDS,
  KNOWN_MODULE_KINDS,
  SYSTEM_NAMES
} from './systemNames';
import { classifyReadPath, scanString } from './literals';
import { moduleRef, resolveFreeName, type Ref, VALUE, memberRisk, REACHABLE_MODULES, isFreeReader } from './references';
import type { RiskKind, RiskList } from './risk';
import { namesAnInstall, pathArgument, stringText } from './argumentChecks';
import { boundMeaning, collectBindings, type IBinding, importBindings } from './bindings';
import {
  childrenOf,
  isBinding,
  isKeywordName,
  literalString,
  parsePython,
  type IArguments,
  type PythonNode,
  readArguments
} from './syntaxTree';

/**
 * Find what in a cell's Python (IPython's syntax already taken out) is not plainly data work.
 *
 * The code is parsed and walked: modules come from the allowlist (`allowlist.ts`) or ask; calls
 * that read files must name a relative path inside the notebook's folder; writes, the
 * environment, dynamic code, dunder attributes and URLs ask. Names the cell does not define are
 * variables from earlier cells: their data methods are allowed, names that reach the system
 * (`os`, `.system`, `.environ`) are not. A part that does not parse asks.
 *
 * @param python - the cell's Python.
 * @param risks - where the risks found are recorded.
 * @param folder - the kernel's working folder, when known (absolute paths inside it are reads there).
 */
export function findPythonRisks(python: string, risks: RiskList, folder?: string): void {
  new Private.Walker(python, risks, folder).run();
}

namespace Private {
  /**
   * One walk over one cell.
   */
  export class Walker {
    constructor(
      private readonly _source: string,
      private readonly _risks: RiskList,
      private readonly _folder: string | undefined
    ) {}

    run(): void {
      const top = parsePython(this._source);
      this._bindings = collectBindings(top, this._text, this._report);
      this._visit(top);
    }

    private _text = (node: PythonNode): string => this._source.slice(node.from, node.to);

    /**
     * The string an expression is known to be: spelled out, or a name the cell binds once, at
     * its top, to a string spelled out, read after that assignment (`path = 'sales.csv'`).
     */
    private _literal = (node: PythonNode | undefined): string | undefined =>
      literalString(node, this._text, this._constant);

    private _constant = (name: PythonNode): string | undefined => {
      const binding = this._bindings.get(this._text(name));
      if (!binding?.constant || binding.sites !== 1 || name.from < binding.constant.end) {
        return undefined;
      }
      return literalString(binding.constant.value, this._text, this._constant);
    };

    private _report = (kind: RiskKind, node: PythonNode, match?: string): void => {
      const line = this._source.slice(0, node.from).split('\n').length;
      this._risks.add(kind, line, match ?? this._text(node).split('\n')[0]);
    };

    /**
     * What a name read by the code means here, reporting what it reaches.
     */
    private _visitName(node: PythonNode, called: boolean): Ref {
      const name = this._text(node);
      const binding = this._bindings.get(name);
      const bound = binding ? boundMeaning(name, binding) : undefined;
      if (bound) {
        return bound;
      }
      const { ref, kind } = resolveFreeName(name);
      if (kind) {
        this._report(kind, node);
      }
      if (!called && ref.tag === 'builtin' && ['open', 'getattr', 'setattr', 'delattr'].includes(ref.name)) {
        // Passed around rather than called, its arguments cannot be checked.
        this._report(ref.name === 'open' ? 'files' : 'dynamic', node);
      }
      return ref;
    }

    /**
     * What `base.attribute` reaches.
     */
    private _member(base: Ref, attribute: string, node: PythonNode, called: boolean): Ref {
      if (/^__\w+__$/.test(attribute) && !HARMLESS_DUNDERS.has(attribute)) {
        this._report('dynamic', node);
      }
      const systemKind = lookUp(SYSTEM_NAMES, attribute);
      if (base.tag === 'module') {
        const kind = memberRisk(base, attribute);
        if (kind) {
          this._report(kind, node);
        } else if (/^_(?!_)/.test(attribute)) {
          // Private members are the modules' internals, which hold `os` and `sys` (`random._os`).
          this._report('unknown-import', node);
        }
        if (systemKind && !base.policy.harmless?.includes(attribute) && !base.policy.readers?.includes(attribute)) {
          this._report(systemKind, node);
        }
      } else if (systemKind) {
        this._report(systemKind, node);
      }
      const foreignKind = lookUp(FOREIGN_MEMBER_KINDS, attribute);
      if (base.tag === 'foreign' && foreignKind) {
        this._report(foreignKind, node);
      }
      if (REACHABLE_MODULES.has(attribute)) {
        this._report(lookUp(KNOWN_MODULE_KINDS, attribute) ?? 'unknown-import', node);
        return { tag: 'foreign', path: [attribute] };
      }
      if (ALWAYS_WRITERS.has(attribute)) {
        this._report('files', node);
      }
      if (!called && (DESTINATION_WRITERS.has(attribute) || this._isReader(base, attribute, false))) {
        // Passed around rather than called, where it reads or writes cannot be checked.
        this._report(DESTINATION_WRITERS.has(attribute) ? 'files' : 'outside-read', node);
      }
      if (base.tag === 'module') {
        return moduleRef([...base.path, attribute]);
      }
      return base.tag === 'foreign' ? { tag: 'foreign', path: [...base.path, attribute] } : VALUE;
    }

    private _isReader(ref: Ref, name: string, free: boolean): boolean {
      if (ref.tag === 'module') {
        return /^read_/.test(name) || !!ref.policy.readers?.includes(name);
      }
      return ref.tag !== 'foreign' && (/^read_/.test(name) || (free && isFreeReader(name)));
    }

    private _visit(node: PythonNode): Ref {
      switch (node.name) {
        case 'VariableName':
          return isBinding(node) || isKeywordName(node) ? VALUE : this._visitName(node, false);
        case 'MemberExpression':
          return this._visitMember(node, false);
        case 'CallExpression': {
          const { ref, name, free } = this._visitCallee(node.firstChild!);
          return this._call(ref, name, free, node.getChild('ArgList'), node);
        }
        case 'ImportStatement':
          this._visitImport(node);
          return VALUE;
        case 'PrintStatement':
          // The grammar accepts Python 2's print statement; Python 3 does not.
          this._report('unparsed', node);
          break;
        case 'Decorator':
          return this._visitDecorator(node);
        case 'FunctionDefinition': {
          const name = node.getChild('VariableName');
          if (name && DISPLAY_HOOKS.has(this._text(name))) {
            this._report('browser', name);
          }
          break;
        }
        case 'String':
        case 'ContinuedString':
        case 'FormatString':
        case 'BinaryExpression':
          scanString(stringText(node, this._text) ?? '').forEach(kind => this._report(kind, node));
          break;
        case 'ParenthesizedExpression': {
          const inner = childrenOf(node).filter(child => child.name !== '(' && child.name !== ')');
          if (inner.length === 1) {
            return this._visit(inner[0]);
          }
          break;
        }
      }
      childrenOf(node).forEach(child => this._visit(child));
      return VALUE;
    }

    private _visitMember(node: PythonNode, called: boolean): Ref {
      const [object, ...rest] = childrenOf(node);
      const base = this._visit(object);
      const property = node.getChild('PropertyName');
      if (property) {
        return this._member(base, this._text(property), node, called);
      }
      rest.forEach(child => this._visit(child));
      // `os.environ['HOME']` is still the system; `plt.rcParams['x']` is data.
      return base.tag === 'foreign' ? base : VALUE;
    }

    private _visitCallee(callee: PythonNode): { ref: Ref; name: string; free: boolean } {
      if (callee.name === 'VariableName') {
        return { ref: this._visitName(callee, true), name: this._text(callee), free: true };
      }
      if (callee.name === 'MemberExpression' && callee.getChild('PropertyName')) {
        return {
          ref: this._visitMember(callee, true),
          name: this._text(callee.getChild('PropertyName')!),
          free: false
        };
      }
      return { ref: this._visit(callee), name: '', free: false };
    }

    /**
     * `@a.b(args)` is written flat (names and dots), not as an expression.
     */
    private _visitDecorator(node: PythonNode): Ref {
      const names = childrenOf(node).filter(child => child.name === 'VariableName');
      if (!names.length) {
        childrenOf(node).forEach(child => this._visit(child));
        return VALUE;
      }
      const argList = node.getChild('ArgList');
      let ref = this._visitName(names[0], names.length === 1 && !!argList);
      names.slice(1).forEach((name, index) => {
        ref = this._member(ref, this._text(name), node, index === names.length - 2 && !!argList);
      });
      return argList ? this._call(ref, this._text(names[names.length - 1]), names.length === 1, argList, node) : ref;
    }

    /**
     * Check a call: what it reads, writes or runs, and what its arguments hold.
     */
    private _call(ref: Ref, name: string, free: boolean, argList: PythonNode | null, node: PythonNode): Ref {
      const args = readArguments(argList, child => this._text(child));
      let result: Ref = ref.tag === 'foreign' ? ref : VALUE;
      if (ref.tag === 'builtin') {
        result = this._builtinCall(ref.name, args, node);
      } else {
        if (this._isReader(ref, name, free)) {
          this._checkReadPath(pathArgument(args), node);
          if (args.keywords.has('allow_pickle')) {
            this._report('dynamic', node);
          }
        }
        const destination =
          args.positional.length > 0 || [...args.keywords.keys()].some(key => DESTINATION_KEYWORDS.has(key));
        if (DESTINATION_WRITERS.has(name) && (destination || args.spread)) {
          this._report('files', node);
        }
        if (ref.tag !== 'module' && (name === 'query' || name === 'eval') && (args.positional.length || args.spread)) {
          // pandas evaluates the expression string: a literal without dunders or `@` stays data.
          const expression = this._literal(args.positional[0]);
          if (expression === undefined || /__|@|\bimport\b|\blambda\b/.test(expression)) {
            this._report('dynamic', node);
          }
        }
        if (name === 'display' && args.keywords.has('raw')) {
          // Raw display data is shown as given: HTML or JavaScript would run in the browser.
          this._report('browser', node);
        }
        if (ref.tag !== 'module' && name === 'open') {
          this._checkOpenMethod(args, node);
        }
      }
      if (namesAnInstall(args, this._text)) {
        this._report('install', node);
      }
      if (argList) {
        this._visit(argList);
      }
      return result;
    }

    private _builtinCall(name: string, args: IArguments, node: PythonNode): Ref {
      switch (name) {
        case 'open': {
          const mode = args.positional[1] ?? args.keywords.get('mode');
          const modeText = mode ? this._literal(mode) : 'r';
          if (modeText === undefined || /[wax+]/.test(modeText) || args.spread) {
            this._report('files', node);
          }
          this._checkReadPath(args.positional[0] ?? args.keywords.get('file'), node);
          break;
        }
        case 'getattr':
        case 'setattr':
        case 'delattr':
        case 'hasattr': {
          const base = args.positional[0] ? this._visit(args.positional[0]) : VALUE;
          const attribute = this._literal(args.positional[1]);
          if (attribute === undefined) {
            this._report('dynamic', node);
            return VALUE;
          }
          if ((base.tag === 'module' || base.tag === 'foreign') && name !== 'hasattr') {
            this._report('dynamic', node);
          }
          return this._member(base, attribute, node, false);
        }
        case '__import__': {
          const module = this._literal(args.positional[0]);
          return module === undefined ? VALUE : this._importedModule(module.split('.'), node);
        }
        case 'print':
          if (args.keywords.has('file')) {
            this._report('files', node);
          }
          break;
        case 'display':
          if (args.keywords.has('raw')) {
            this._report('browser', node);
          }
          break;
        case 'get_ipython':
          return { tag: 'foreign', path: ['IPython'] };
      }
      return VALUE;
    }

    private _checkReadPath(path: PythonNode | undefined, node: PythonNode): void {
      const value = this._literal(path);
      if (value !== undefined) {
        const kind = classifyReadPath(value, this._folder);
        if (kind) {
          this._report(kind, node);
        }
        return;
      }
      if (path?.name === 'CallExpression') {
        // Reading from text in memory (`io.StringIO(text)`) reads no file.
        const callee = this._visitCallee(path.firstChild!).ref;
        if (callee.tag === 'module' && /^io\.(StringIO|BytesIO)$/.test(callee.path.join('.'))) {
          return;
        }
      }
      this._report('outside-read', node);
    }

    private _checkOpenMethod(args: IArguments, node: PythonNode): void {
      // `Path(p).open('w')` takes the mode first; an unknown object's `open` reads or writes
      // something the check cannot name.
      const modes = [args.positional[0], args.keywords.get('mode')].map(arg => this._literal(arg));
      const writes = modes.some(mode => mode !== undefined && /^[rwxabtU+]+$/.test(mode) && /[wax+]/.test(mode));
      this._report(writes ? 'files' : 'outside-read', node);
    }

    private _visitImport(node: PythonNode): void {
      for (const [name, , path] of importBindings(node, this._text)) {
        if (name === '*') {
          // The names a star import brings in are not in the code: nothing about them can be shown.
          this._report('unknown-import', node);
        } else {
          this._importedModule(path, node);
        }
      }
    }

    /**
     * Report what importing (or `__import__`ing) a module path reaches, and return its meaning.
     */
    private _importedModule(path: string[], node: PythonNode): Ref {
      const ref = moduleRef(path);
      if (ref.tag === 'module') {
        // Walk the path from the allowlisted module down: `numpy.ctypeslib` asks.
        let walked = moduleRef(ref.path.slice(0, ref.depth));
        for (const segment of ref.path.slice(ref.depth)) {
          walked = this._member(walked, segment, node, true);
        }
        return walked;
      }
      const member = path[path.length - 1];
      const top = path[0];
      this._report(
        (path.length > 1 ? lookUp(SYSTEM_NAMES, member) : undefined) ??
          lookUp(KNOWN_MODULE_KINDS, top) ??
          'unknown-import',
        node
      );
      return ref;
    }

    private _bindings = new Map<string, IBinding>();
  }
}
