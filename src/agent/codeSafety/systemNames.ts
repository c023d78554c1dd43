// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { RiskKind } from './risk';

// What reaches the system: modules outside the allowlist, names that mean them, and the
// functions and methods that write, run or reach out whatever they belong to.

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
 * The modules of {@link KNOWN_MODULE_KINDS} whose names mean them even in a cell that does not
 * import them (an earlier cell did): the names rarely used for anything else. `code`, `types`,
 * `signal` or `http` are too often a variable's name to be read as a module's.
 */
export const SYSTEM_MODULE_NAMES = new Set([
  'os',
  'sys',
  'subprocess',
  'shutil',
  'pathlib',
  'socket',
  'requests',
  'urllib',
  'urllib3',
  'httpx',
  'aiohttp',
  'ctypes',
  'cffi',
  'pickle',
  'dill',
  'cloudpickle',
  'joblib',
  'marshal',
  'shelve',
  'importlib',
  'builtins',
  '__builtins__',
  'runpy',
  'inspect',
  'pty',
  'pexpect',
  'IPython',
  'ipykernel',
  'tempfile',
  'webbrowser',
  'ftplib',
  'smtplib',
  'paramiko',
  'multiprocessing',
  'send2trash',
  'glob',
  'sqlite3',
  'pip'
]);

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
