// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { RiskKind } from './risk';

/**
 * A table's own entry for a name the code chose: `toString` or `constructor` in a cell must not
 * find what every JavaScript object inherits.
 *
 * @param table - the table.
 * @param key - the name.
 * @returns the entry, or `undefined`.
 */
export function lookUp<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/**
 * How one allowlisted module may be used without asking.
 *
 * Everything in the module is allowed except what is listed: the modules are chosen because what
 * they do is computation on data in memory, and their few exits to the system are named here.
 */
export interface IModulePolicy {
  /**
   * Members (at any depth: `np.lib.format.open_memmap`) that leave plain data work, and why.
   */
  risky?: Record<string, RiskKind>;

  /**
   * Prefixes of member names that leave plain data work (`fetch_` in sklearn downloads).
   */
  riskyPrefixes?: Record<string, RiskKind>;

  /**
   * When set, the only members that may be used (the module's others reach the system).
   */
  onlyMembers?: string[];

  /**
   * With `onlyMembers`, what the module's other members do.
   */
  otherMembers?: RiskKind;

  /**
   * Functions that read a file named by their first argument (`np.load`): allowed for literal
   * paths inside the notebook's folder. `read_*` functions are readers in every module.
   */
  readers?: string[];

  /**
   * Names that are risky on an unknown object but harmless in this module (`json.loads` is not
   * `pickle.loads`).
   */
  harmless?: string[];
}

/**
 * The modules whose use does not ask: the data-work stack and the standard library's pure
 * modules. A module's submodules share its policy.
 */
export const DATA_MODULES: Record<string, IModulePolicy> = {
  pandas: {
    risky: {
      read_pickle: 'dynamic',
      read_sql: 'network',
      read_sql_query: 'network',
      read_sql_table: 'network',
      read_gbq: 'network',
      read_clipboard: 'unknown-import',
      eval: 'dynamic',
      test: 'dynamic',
      ExcelWriter: 'files',
      HDFStore: 'files'
    },
    readers: ['ExcelFile']
  },
  numpy: {
    risky: {
      ctypeslib: 'dynamic',
      f2py: 'shell',
      distutils: 'shell',
      DataSource: 'network',
      memmap: 'files',
      open_memmap: 'files',
      test: 'dynamic'
    },
    readers: ['load', 'loadtxt', 'genfromtxt', 'fromfile', 'fromregex']
  },
  // matplotlib.testing runs subprocesses for its own tests.
  matplotlib: { risky: { testing: 'shell' }, readers: ['imread', 'rc_file'] },
  seaborn: { risky: { load_dataset: 'network', get_dataset_names: 'network', get_data_home: 'files' } },
  scipy: {
    risky: {
      datasets: 'network',
      LowLevelCallable: 'dynamic',
      netcdf_file: 'files',
      FortranFile: 'files',
      test: 'dynamic'
    },
    readers: ['loadmat', 'mmread', 'readsav', 'hb_read', 'read']
  },
  sklearn: {
    risky: { get_data_home: 'files', clear_data_home: 'files', dump_svmlight_file: 'files' },
    riskyPrefixes: { fetch_: 'network' },
    readers: ['load_svmlight_file', 'load_svmlight_files', 'load_files']
  },
  json: { harmless: ['load', 'loads'] },
  io: { onlyMembers: ['StringIO', 'BytesIO'], otherMembers: 'files' },
  contextlib: { risky: { chdir: 'outside-read' } },
  // attrgetter('system') and methodcaller('system', ...) are getattr by another name.
  operator: { risky: { attrgetter: 'dynamic', methodcaller: 'dynamic' } },
  // IPython's display functions show data; HTML and JavaScript would run in the browser.
  'IPython.display': {
    onlyMembers: ['display', 'clear_output', 'Image', 'Math', 'Latex', 'Pretty'],
    otherMembers: 'browser',
    readers: ['Image']
  },
  statistics: {},
  math: {},
  cmath: {},
  datetime: {},
  time: {},
  calendar: {},
  zoneinfo: {},
  collections: {},
  itertools: {},
  functools: {},
  re: {},
  random: {},
  decimal: {},
  fractions: {},
  numbers: {},
  string: {},
  textwrap: {},
  unicodedata: {},
  difflib: {},
  csv: {},
  copy: {},
  pprint: {},
  enum: {},
  dataclasses: {},
  // get_type_hints evaluates string annotations, which can hold any expression.
  typing: { risky: { get_type_hints: 'dynamic', ForwardRef: 'dynamic' } },
  __future__: {},
  abc: {},
  heapq: {},
  bisect: {},
  array: {},
  struct: {},
  hashlib: {},
  base64: {},
  binascii: {},
  uuid: {},
  secrets: {},
  warnings: {},
  keyword: {}
};

/**
 * Names that, in a cell that does not define them, conventionally mean an allowlisted module
 * (they were imported in an earlier cell). A name the cell binds itself is never looked up here.
 */
export const CONVENTIONAL_ALIASES: Record<string, string> = {
  pd: 'pandas',
  np: 'numpy',
  plt: 'matplotlib.pyplot',
  mpl: 'matplotlib',
  sns: 'seaborn',
  stats: 'scipy.stats'
};

/**
 * The keyword arguments through which readers receive the path they read.
 */
export const PATH_KEYWORDS = new Set([
  'filepath_or_buffer',
  'path',
  'path_or_buf',
  'path_or_buffer',
  'io',
  'fname',
  'file',
  'filename',
  'filepath',
  'container_path'
]);

/**
 * Dunder names that are plain data: anything else (`__globals__`, `__subclasses__`,
 * `__builtins__`) is the way out of every Python "sandbox", and asks.
 */
export const HARMLESS_DUNDERS = new Set([
  '__name__',
  '__qualname__',
  '__doc__',
  '__version__',
  '__class__',
  '__init__',
  '__len__',
  '__repr__',
  '__str__',
  '__eq__',
  '__hash__',
  '__iter__',
  '__next__',
  '__getitem__',
  '__contains__',
  '__file__',
  '__all__',
  '__annotations__',
  '__debug__',
  '__main__'
]);
