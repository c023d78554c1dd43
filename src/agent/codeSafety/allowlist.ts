// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { RiskKind } from './risk';

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
    }
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
  typing: {},
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
 * Modules outside the allowlist whose use says what they do; any other module asks as
 * `unknown-import`. Also the names that mean them in a cell that does not import them.
 */
export const KNOWN_MODULE_KINDS: Record<string, RiskKind> = {
  subprocess: 'shell',
  pty: 'shell',
  pexpect: 'shell',
  sh: 'shell',
  plumbum: 'shell',
  commands: 'shell',
  multiprocessing: 'shell',
  requests: 'network',
  urllib: 'network',
  urllib2: 'network',
  urllib3: 'network',
  http: 'network',
  httpx: 'network',
  aiohttp: 'network',
  socket: 'network',
  ssl: 'network',
  ftplib: 'network',
  smtplib: 'network',
  poplib: 'network',
  imaplib: 'network',
  telnetlib: 'network',
  xmlrpc: 'network',
  paramiko: 'network',
  websocket: 'network',
  websockets: 'network',
  pycurl: 'network',
  webbrowser: 'network',
  boto3: 'network',
  fsspec: 'network',
  pip: 'install',
  ensurepip: 'install',
  setuptools: 'install',
  shutil: 'files',
  send2trash: 'files',
  tempfile: 'files',
  ctypes: 'dynamic',
  cffi: 'dynamic',
  importlib: 'dynamic',
  builtins: 'dynamic',
  __builtins__: 'dynamic',
  __main__: 'dynamic',
  pickle: 'dynamic',
  cPickle: 'dynamic',
  _pickle: 'dynamic',
  marshal: 'dynamic',
  shelve: 'dynamic',
  dill: 'dynamic',
  cloudpickle: 'dynamic',
  joblib: 'dynamic',
  code: 'dynamic',
  codeop: 'dynamic',
  runpy: 'dynamic',
  inspect: 'dynamic',
  gc: 'dynamic',
  types: 'dynamic',
  sys: 'dynamic',
  IPython: 'magic',
  ipykernel: 'magic',
  jupyter_client: 'magic',
  os: 'unknown-import',
  posix: 'unknown-import',
  nt: 'unknown-import',
  pathlib: 'unknown-import',
  glob: 'unknown-import',
  zipfile: 'unknown-import',
  tarfile: 'unknown-import',
  sqlite3: 'unknown-import',
  asyncio: 'unknown-import',
  signal: 'unknown-import'
};

/**
 * Classes and functions usually imported from risky modules by name, which mean those modules
 * in a cell that does not define them.
 */
export const KNOWN_IMPORTED_NAMES: Record<string, string> = {
  Path: 'pathlib',
  PurePath: 'pathlib',
  PosixPath: 'pathlib',
  WindowsPath: 'pathlib',
  Popen: 'subprocess',
  urlopen: 'urllib',
  urlretrieve: 'urllib'
};

/**
 * Attribute and function names that reach the system whatever object they belong to, with the
 * risk they carry. They are asked about on unknown objects (a variable from an earlier cell may
 * be `os` under another name) and on allowlisted modules alike (no data function has these names).
 */
export const SYSTEM_NAMES: Record<string, RiskKind> = {
  system: 'shell',
  popen: 'shell',
  Popen: 'shell',
  spawnl: 'shell',
  spawnv: 'shell',
  spawnlp: 'shell',
  spawnvp: 'shell',
  posix_spawn: 'shell',
  posix_spawnp: 'shell',
  execl: 'shell',
  execle: 'shell',
  execlp: 'shell',
  execlpe: 'shell',
  execv: 'shell',
  execve: 'shell',
  execvp: 'shell',
  execvpe: 'shell',
  fork: 'shell',
  forkpty: 'shell',
  kill: 'shell',
  killpg: 'shell',
  getoutput: 'shell',
  getstatusoutput: 'shell',
  check_output: 'shell',
  check_call: 'shell',
  create_subprocess_exec: 'shell',
  create_subprocess_shell: 'shell',
  system_piped: 'shell',
  system_raw: 'shell',
  environ: 'environment',
  environb: 'environment',
  getenv: 'environment',
  getenvb: 'environment',
  putenv: 'environment',
  unsetenv: 'environment',
  rmtree: 'files',
  unlink: 'files',
  rmdir: 'files',
  removedirs: 'files',
  chmod: 'files',
  lchmod: 'files',
  chown: 'files',
  lchown: 'files',
  symlink: 'files',
  symlink_to: 'files',
  hardlink_to: 'files',
  copyfile: 'files',
  copy2: 'files',
  copytree: 'files',
  copyfileobj: 'files',
  move: 'files',
  chdir: 'outside-read',
  fchdir: 'outside-read',
  urlopen: 'network',
  urlretrieve: 'network',
  create_connection: 'network',
  getaddrinfo: 'network',
  gethostbyname: 'network',
  run_line_magic: 'magic',
  run_cell_magic: 'magic',
  run_cell: 'magic',
  magic: 'magic',
  user_ns: 'dynamic',
  user_global_ns: 'dynamic',
  import_module: 'dynamic',
  reload: 'dynamic',
  exec_module: 'dynamic',
  load_module: 'dynamic',
  run_path: 'dynamic',
  run_module: 'dynamic',
  load: 'dynamic',
  loads: 'dynamic',
  f_globals: 'dynamic',
  f_locals: 'dynamic',
  f_builtins: 'dynamic',
  f_back: 'dynamic',
  tb_frame: 'dynamic',
  gi_frame: 'dynamic',
  cr_frame: 'dynamic',
  ag_frame: 'dynamic',
  func_globals: 'dynamic'
};

/**
 * Names that, on a module outside the allowlist (`os`, `shutil`, `pathlib.Path`...), say more
 * than the module does. They are ordinary on data (`list.remove`, `str.replace`, `df.rename`),
 * so only a foreign module's are reported.
 */
export const FOREIGN_MEMBER_KINDS: Record<string, RiskKind> = {
  remove: 'files',
  rename: 'files',
  renames: 'files',
  replace: 'files',
  copy: 'files',
  copymode: 'files',
  copystat: 'files',
  listdir: 'outside-read',
  scandir: 'outside-read',
  walk: 'outside-read',
  iterdir: 'outside-read',
  glob: 'outside-read',
  read_text: 'outside-read',
  read_bytes: 'outside-read',
  expanduser: 'private',
  home: 'private'
};

/**
 * Methods that write to a destination when given one (`df.to_csv('out.csv')`) and return their
 * text when not (`df.to_csv()`).
 */
export const DESTINATION_WRITERS = new Set([
  'to_csv',
  'to_json',
  'to_html',
  'to_latex',
  'to_markdown',
  'to_string',
  'to_xml',
  'to_parquet',
  'to_excel',
  'to_feather',
  'to_hdf',
  'to_stata',
  'to_orc',
  'to_pickle',
  'to_netcdf'
]);

/**
 * The keyword arguments through which those methods receive their destination.
 */
export const DESTINATION_KEYWORDS = new Set([
  'path',
  'path_or_buf',
  'path_or_buffer',
  'buf',
  'excel_writer',
  'fname',
  'file',
  'filename'
]);

/**
 * Functions and methods that always write (files, databases, the clipboard).
 *
 * Decision: writing a new file inside the notebook's folder asks too. A write can replace a file
 * the user cares about (the data the notebook reads), and telling a new file from an existing one
 * would need the file system, which the check does not see.
 */
export const ALWAYS_WRITERS = new Set([
  'savefig',
  'imsave',
  'save',
  'savez',
  'savez_compressed',
  'savetxt',
  'savemat',
  'mmwrite',
  'hb_write',
  'tofile',
  'dump',
  'write',
  'writelines',
  'writerow',
  'writerows',
  'write_text',
  'write_bytes',
  'touch',
  'mkdir',
  'makedirs',
  'to_sql',
  'to_clipboard',
  'to_gbq'
]);

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
 * Built-in functions that hide what code runs or what it reaches: asked about wherever they are
 * named, called or not.
 */
export const DYNAMIC_BUILTINS = new Set([
  'eval',
  'exec',
  'compile',
  '__import__',
  'globals',
  'locals',
  'vars',
  'breakpoint',
  '__build_class__'
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
  '__debug__'
]);

/**
 * Methods that, defined on a class, make its objects display themselves as HTML or JavaScript.
 */
export const DISPLAY_HOOKS = new Set([
  '_repr_html_',
  '_repr_javascript_',
  '_repr_markdown_',
  '_repr_svg_',
  '_repr_mimebundle_',
  '_ipython_display_'
]);
