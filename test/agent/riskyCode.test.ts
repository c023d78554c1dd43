import { describeRiskKind, findRisks, isRiskyCode, RiskKind } from '../../src/agent/riskyCode';

function kinds(code: string): RiskKind[] {
  return [...new Set(findRisks(code).map(risk => risk.kind))].sort();
}

describe('findRisks', () => {
  it.each([
    ['%pip install numpy', 'install'],
    ['!pip install -q pandas', 'install'],
    ['%conda install scipy', 'install'],
    ['!conda install -y scipy', 'install'],
    ['import sys, subprocess\nsubprocess.check_call([sys.executable, "-m", "pip", "install", "x"])', 'install'],
    ['%pip uninstall -y numpy', 'install']
  ])('flags package installation in %j', (code, kind) => {
    expect(kinds(code)).toContain(kind);
  });

  it.each([
    ['!ls -la', 'shell'],
    ['files = !ls', 'shell'],
    ['%%bash\necho hello', 'shell'],
    ['%%sh\nls', 'shell'],
    ['import subprocess\nsubprocess.run(["ls"])', 'shell'],
    ['import os\nos.system("ls")', 'shell'],
    ['os.popen("date").read()', 'shell'],
    ['%system uname', 'shell']
  ])('flags shell commands in %j', (code, kind) => {
    expect(kinds(code)).toContain(kind);
  });

  it.each([
    ['import os\nos.remove("data.csv")', 'files'],
    ['os.unlink(path)', 'files'],
    ['import shutil\nshutil.rmtree("out")', 'files'],
    ['with open("out.txt", "w") as f:\n    f.write("x")', 'files'],
    ["open(os.path.join(d, 'a.txt'), mode='a')", 'files'],
    ["f = open('log.bin', 'wb')", 'files'],
    ["Path('a.txt').unlink()", 'files'],
    ["Path('a.txt').write_text('hello')", 'files'],
    ["Path('a.txt').open('w')", 'files'],
    ['df.to_csv("data.csv")', 'files'],
    ['%%writefile script.py\nprint(1)', 'files'],
    ['%%bash\nrm -rf build', 'files']
  ])('flags deleting or overwriting files in %j', (code, kind) => {
    expect(kinds(code)).toContain(kind);
  });

  it.each([
    ['import requests\nrequests.get("https://example.org")', 'network'],
    ['from urllib.request import urlopen', 'network'],
    ['import socket\ns = socket.socket()', 'network'],
    ['import httpx', 'network'],
    ['import numpy as np, requests', 'network'],
    ['df = pd.read_csv("https://example.org/data.csv")', 'network'],
    ['!curl -O http://example.org/x', 'network'],
    ['%%bash\nwget http://example.org/x', 'network']
  ])('flags network access in %j', (code, kind) => {
    expect(kinds(code)).toContain(kind);
  });

  it.each([
    'print(1 + 1)',
    'import numpy as np\nx = np.arange(10)\nprint(x.mean())',
    'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()',
    "with open('data.txt') as f:\n    print(f.read())",
    "open('data.txt', 'r').read()",
    "s = 'a-b'.replace('-', '+')",
    'x = 3\nif x != 2:\n    print(x)',
    '# !pip install numpy\n# os.remove("x")\nprint("safe")',
    'df.to_csv()',
    'text = "install"\nprint(text)',
    'self.requests = []\nself.requests.append(1)',
    "df = pd.read_csv('local.csv')"
  ])('leaves harmless code alone: %j', code => {
    expect(findRisks(code)).toEqual([]);
    expect(isRiskyCode(code)).toBe(false);
  });

  it('reports each risk with its line and what matched, in source order', () => {
    // Importing shutil asks by itself now (it is outside the allowlist): line 2 is reported too.
    const risks = findRisks('x = 1\nimport shutil\nshutil.rmtree("out")\n!pip install rich');
    expect(risks.map(risk => [risk.kind, risk.line])).toEqual([
      ['files', 2],
      ['files', 3],
      ['shell', 4],
      ['install', 4]
    ]);
    expect(risks[1].match).toContain('shutil.rmtree');
  });

  it('reads string contents where they matter (a mode, a path) but not comments', () => {
    expect(kinds("open('a', 'w')  # safe?")).toEqual(['files']);
    expect(kinds("print('#'); open('a', 'w')")).toEqual(['files']);
    // The parser knows a printed string is data, not code (the lexical check flagged it).
    expect(kinds("print('# not a comment: os.remove(p)')")).toEqual([]);
  });

  it('describes every kind in words that follow "It"', () => {
    const all: RiskKind[] = [
      'install',
      'shell',
      'files',
      'network',
      'outside-read',
      'private',
      'environment',
      'unknown-import',
      'dynamic',
      'magic',
      'browser',
      'unparsed'
    ];
    expect(all.map(describeRiskKind)).toEqual([
      'installs packages',
      'runs shell commands',
      'writes, moves or deletes files',
      'opens network connections',
      "reads files that may be outside the notebook's folder",
      'touches private files (home folder, hidden files, Jupyter settings)',
      'reads or changes environment variables',
      'uses modules outside the data-work allowlist',
      'runs code that cannot be checked before it runs (eval, exec, dynamic imports or attributes)',
      'uses IPython magics or the IPython shell',
      'shows HTML or JavaScript, which runs in your browser',
      'could not be read as Python, so it could not be checked'
    ]);
  });
});

describe('risky code hidden behind other names', () => {
  it('is still found', () => {
    // Reaching os by name (getattr, __import__, exec) is `dynamic`: what runs is not known. The
    // lexical check called these `shell`; `rm -rf ~` also names the home folder.
    expect(
      [
        'from os import system; system("rm -rf ~")',
        'from shutil import rmtree\nrmtree(p)',
        '__import__("os").system("ls")',
        'getattr(os, "remove")(p)',
        'exec(payload)'
      ].map(kinds)
    ).toEqual([
      ['private', 'shell'],
      ['files'],
      ['dynamic', 'shell', 'unknown-import'],
      ['dynamic', 'files', 'unknown-import'],
      ['dynamic']
    ]);
    expect(findRisks('model.eval()\nresult = evaluate(x)')).toEqual([]);
  });
});

/**
 * The probe set of issue 18 (item 3: the default approval mode was easy to walk around), with
 * the kind each probe must at least be reported as. Every one of them must ask.
 */
const MUST_ASK: [string, string, RiskKind][] = [
  // Modules under other names, and the ways to reach them without importing them.
  ['os under an alias', 'import os as o; o.system("ls")', 'shell'],
  ['os from sys.modules', "import sys; sys.modules['os'].system('ls')", 'shell'],
  ['os from sys.modules, sys from an earlier cell', "sys.modules['os'].system('ls')", 'dynamic'],
  ['shutil under an alias', 'import shutil as s; s.rmtree("out")', 'files'],
  ['subprocess from an earlier cell', "subprocess.run(['ls'])", 'shell'],
  ['os reached through matplotlib', 'import matplotlib\nmatplotlib.os.system("ls")', 'shell'],
  ['os reached through a private member', 'import random\nrandom._os.system("ls")', 'shell'],
  ['a loop variable shadowing os', 'for os in [1]:\n    pass\nos.system("ls")', 'shell'],
  ['system on an unknown object', 'helper.system("ls")', 'shell'],
  ['star import', 'from os import *\nsystem("ls")', 'unknown-import'],
  ['ctypes', 'import ctypes\nctypes.CDLL(None)', 'dynamic'],
  ['pickle.loads', "import pickle\npickle.loads(b'...')", 'dynamic'],
  ['read_pickle', "import pandas as pd\npd.read_pickle('model.pkl')", 'dynamic'],
  ['np.load with pickles', "np.load('a.npy', allow_pickle=True)", 'dynamic'],
  ['numpy.ctypeslib', 'from numpy import ctypeslib', 'dynamic'],
  ['any other import', 'import yaml', 'unknown-import'],
  ['an import named like a JavaScript object member', 'import constructor', 'unknown-import'],
  ['pathlib', "from pathlib import Path\nPath('notes.txt').read_text()", 'unknown-import'],
  // Dynamic code.
  ['__import__', "__import__('os').system('ls')", 'dynamic'],
  ['importlib', "import importlib\nimportlib.import_module('os')", 'dynamic'],
  ['eval', "eval('1 + 1')", 'dynamic'],
  ['exec', "exec('print(1)')", 'dynamic'],
  ['compile', "code = compile('1', 'x', 'eval')", 'dynamic'],
  [
    'eval in full-width letters (Python reads identifiers in NFKC form)',
    "\uff45\uff56\uff41\uff4c('1 + 1')",
    'dynamic'
  ],
  ['os in full-width letters', '\uff4f\uff53.getcwd()', 'unknown-import'],
  ['eval passed as a function', "df['a'].apply(eval)", 'dynamic'],
  ['getattr on a module', "getattr(np, 'save')('a.npy', x)", 'dynamic'],
  ['getattr with a computed name', "getattr(df, 'to_' + kind)('out')", 'dynamic'],
  ['globals()', "globals()['x'] = 1", 'dynamic'],
  ['__builtins__', "__builtins__['exec']('x')", 'dynamic'],
  ['the subclasses escape', '().__class__.__base__.__subclasses__()', 'dynamic'],
  ['function globals', 'f.__globals__', 'dynamic'],
  ['operator.methodcaller', "import operator\noperator.methodcaller('system', 'ls')(helper)", 'dynamic'],
  ['a pandas query with a dunder', "df.query('@x.__class__')", 'dynamic'],
  ['pd.eval', "pd.eval('a + b')", 'dynamic'],
  // IPython.
  ['get_ipython().system', "get_ipython().system('ls')", 'magic'],
  ['run_line_magic pip', "get_ipython().run_line_magic('pip', 'install requests')", 'install'],
  ['%run', '%run script.py', 'magic'],
  ['%pip', '%pip install requests', 'install'],
  ['!pip', '!pip install requests', 'install'],
  ['a shell escape', '!ls', 'shell'],
  ['a shell escape in a block', 'if True:\n    !rm -rf data', 'files'],
  ['a shell escape assigned', 'files = !ls', 'shell'],
  ['%%bash', '%%bash\ncurl http://example.org', 'network'],
  ['%%writefile', '%%writefile x.py\nprint(1)', 'files'],
  ['%%html', '%%html\n<script>alert(1)</script>', 'browser'],
  ['%env', '%env', 'environment'],
  ['automagic env', 'env', 'environment'],
  ['automagic cd', 'cd ~', 'outside-read'],
  ['automagic pip', 'pip install requests', 'install'],
  ['%load_ext', '%load_ext autoreload', 'magic'],
  ['%timeit with setup code', '%%timeit import os\nx', 'magic'],
  ['%time of risky code', "%time os.system('ls')", 'shell'],
  // Files.
  ['open with the mode in a variable', "mode = 'w'\nopen('a.txt', mode)", 'files'],
  ['open with a path in a variable', 'open(path)', 'outside-read'],
  ['open for writing', "open('a.txt', 'w')", 'files'],
  ['open for update', "open('a.txt', 'r+')", 'files'],
  ['open passed as a function', "list(map(open, ['a.txt']))", 'files'],
  ['io.FileIO', "import io\nio.FileIO('a.txt', 'w')", 'files'],
  ['to_csv to a path', "df.to_csv('out.csv')", 'files'],
  ['savefig to a path', "plt.savefig('plot.png')", 'files'],
  ['np.save', "np.save('a.npy', x)", 'files'],
  ['json.dump', 'json.dump(data, f)', 'files'],
  ['to_sql', "df.to_sql('t', con)", 'files'],
  ['an absolute path', "pd.read_csv('/etc/hosts')", 'outside-read'],
  ['a parent folder', "pd.read_csv('../secret.csv')", 'outside-read'],
  ['a parent folder in escapes', "pd.read_csv('\\x2e\\x2e/secret.csv')", 'outside-read'],
  ['a path in a variable', 'pd.read_csv(path)', 'outside-read'],
  ['a path hidden in **kwargs', 'pd.read_csv(**options)', 'outside-read'],
  ['a path named twice', "path = 'sales.csv'\npath = '/etc/hosts'\npd.read_csv(path)", 'outside-read'],
  ['a path read before it is named', "pd.read_csv(path)\npath = 'sales.csv'", 'outside-read'],
  ['a path named in a branch', "if fresh:\n    path = 'sales.csv'\npd.read_csv(path)", 'outside-read'],
  ['an Excel file outside', "pd.ExcelFile('/srv/shared/budget.xlsx')", 'outside-read'],
  ['a reader under another name', "read = pd.read_csv\nread('/etc/hosts')", 'outside-read'],
  ['os.chdir', "os.chdir('/')", 'outside-read'],
  // Private places.
  ['~/.ssh', "print(open('~/.ssh/id_rsa').read())", 'private'],
  ['an absolute .ssh', "open('/home/me/.ssh/id_rsa').read()", 'private'],
  ['a hidden file here', "open('.env').read()", 'private'],
  ['the settings file', "open('.jupyter/lab/user-settings/x/plugin.jupyterlab-settings', 'w')", 'private'],
  ['the settings file by expanduser', "os.path.expanduser('~/.jupyter/lab/user-settings')", 'private'],
  ['cat ~/.ssh', '!cat ~/.ssh/id_rsa', 'private'],
  // The environment.
  ['os.environ', 'import os\nprint(os.environ)', 'environment'],
  ['os.getenv', "os.getenv('OPENAI_API_KEY')", 'environment'],
  ['environ imported by name', 'from os import environ', 'environment'],
  ['environment in a shell', '!echo $OPENAI_API_KEY', 'environment'],
  // The network.
  ['a URL', "pd.read_csv('https://example.org/a.csv')", 'network'],
  ['a URL by concatenation', "url = 'ht' + 'tps://example.org'\npd.read_csv(url)", 'network'],
  ['a URL from pieces', "pd.read_csv('https:' + '//example.org/a.csv')", 'network'],
  ['a URL in an f-string', "pd.read_csv(f'https://{host}/a.csv')", 'network'],
  ['requests', "import requests\nrequests.get('x')", 'network'],
  ['urllib from an earlier cell', 'urllib.request.urlopen(u)', 'network'],
  ['seaborn datasets', "sns.load_dataset('tips')", 'network'],
  ['sklearn downloads', "from sklearn.datasets import fetch_openml\nfetch_openml('mnist_784')", 'network'],
  // The browser.
  ['IPython HTML', "from IPython.display import HTML\nHTML('<script>x</script>')", 'browser'],
  ['a display hook', "class Page:\n    def _repr_html_(self):\n        return '<script>x</script>'", 'browser'],
  ['raw display data', "display({'text/html': '<script>x</script>'}, raw=True)", 'browser'],
  // What does not parse.
  ['an unclosed bracket', 'x = (1,', 'unparsed'],
  ['Python 2', 'print "hello"', 'unparsed'],
  ['help syntax', 'df.head?', 'unparsed']
];

/**
 * Ordinary data work: none of it may ask.
 */
const MUST_NOT_ASK: [string, string][] = [
  [
    'read a CSV and group',
    "import pandas as pd\ndf = pd.read_csv('sales.csv')\nprint(df.groupby('region')['total'].sum())"
  ],
  ['a plot', "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [4, 5, 6])\nplt.title('Sales')\nplt.show()"],
  ['numpy math', 'import numpy as np\nx = np.linspace(0, 1, 11)\nprint(np.mean(x), x.std(), np.sqrt(x).sum())'],
  ['f-strings', "total = 3.5\nprint(f'{total=} {total:>8.2f} {len(str(total))}')"],
  ['a list comprehension', 'squares = [x * x for x in range(10) if x % 2]\nprint(squares)'],
  [
    'functions and classes',
    'def add(a, b=1, *rest, **options):\n    return a + b\n\nclass Point:\n    def __init__(self, x):\n        self.x = x\n\n    def __repr__(self):\n        return f"Point({self.x})"\n\nprint(add(1), Point(2))'
  ],
  ['describe', 'df.describe()'],
  ['head', 'print(df.head())'],
  [
    'seaborn',
    "import seaborn as sns\nsns.set_theme()\nax = sns.barplot(data=df, x='region', y='total')\nax.set_title('Sales')\nplt.show()"
  ],
  [
    'subplots',
    "fig, ax = plt.subplots(figsize=(8, 4))\nax.plot(x, y, label='y')\nax.legend()\nplt.tight_layout()\nplt.show()"
  ],
  ['%matplotlib inline', '%matplotlib inline\nimport matplotlib.pyplot as plt'],
  ['%time and %%timeit', '%time x = sum(range(10))'],
  ['%%timeit', '%%timeit -n 10\nnp.sum(a)'],
  ['options', "pd.set_option('display.max_columns', None)\nplt.rcParams['figure.figsize'] = (10, 6)"],
  ['scipy', 'from scipy import stats\nprint(stats.ttest_ind(a, b).pvalue)'],
  [
    'sklearn',
    'from sklearn.linear_model import LinearRegression\nmodel = LinearRegression().fit(X, y)\nprint(model.coef_)'
  ],
  ['sklearn bundled data', 'from sklearn.datasets import load_iris\nX, y = load_iris(return_X_y=True)'],
  ['statistics', 'import statistics\nprint(statistics.median([3, 1, 2]))'],
  [
    'the standard library',
    "import math, json, re\nfrom collections import Counter\nprint(math.pi, json.dumps({'a': 1}), re.findall(r'\\d+', 'a1b22'), Counter('aab'))"
  ],
  ['dates', 'from datetime import datetime, timedelta\nprint(datetime.now() + timedelta(days=1))'],
  [
    'functools and itertools',
    'from functools import reduce\nfrom itertools import accumulate\nprint(reduce(lambda a, b: a + b, accumulate([1, 2, 3])))'
  ],
  ['read a text file', "with open('data.txt') as f:\n    lines = f.readlines()"],
  ['read a text file in binary', "open('data/raw.bin', 'rb').read()"],
  ['read JSON', "import json\nwith open('config.json', encoding='utf-8') as f:\n    settings = json.load(f)"],
  ['read Excel in a subfolder', "df = pd.read_excel('data/sales.xlsx', sheet_name='Q1')"],
  ['read with numpy', "a = np.loadtxt('values.txt')"],
  ['text in memory', 'import io\ndf = pd.read_csv(io.StringIO(text))'],
  ['a path named once at the top', "file_path = 'data/sales.csv'\ndf = pd.read_csv(file_path)"],
  ['variables named like modules', "code = df['code'].unique()\ntypes = df.dtypes\nprint(code, types)"],
  ['to_csv without a path', 'print(df.to_csv(index=False))'],
  ['a pandas query', 'print(df.query(\'total > 100 and region == "North"\'))'],
  [
    'loops and conditions',
    'total = 0\nfor i, v in enumerate(values):\n    if v > 0:\n        total += v\nprint(total)'
  ],
  ['try and except', 'try:\n    x = int(s)\nexcept (ValueError, TypeError) as error:\n    print(error)'],
  ['display', 'display(df.head())'],
  ['a pie chart', "df['region'].value_counts().plot.pie(autopct='%1.1f%%')\nplt.show()"],
  [
    'a decorator',
    '@functools.lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)'
  ],
  [
    'a string method named like a file function',
    "s = 'a-b'.replace('-', '+')\nitems.remove(3)\ndf.rename(columns={'a': 'b'})"
  ],
  ['names JavaScript objects inherit', 'toString = 1\nconstructor(df.valueOf)\nprint(x.constructor, hasOwnProperty)'],
  ['magics and shell escapes inside strings', 's = """\n!ls\n%pip install x\n"""\nprint(s)']
];

describe('the probe set (issue 18)', () => {
  it.each(MUST_ASK)('asks about %s', (_name, code, kind) => {
    expect(kinds(code)).toContain(kind);
  });

  it.each(MUST_NOT_ASK)('lets %s run', (_name, code) => {
    expect(findRisks(code)).toEqual([]);
  });

  it('has at least 60 probes that ask', () => {
    expect(MUST_ASK.length).toBeGreaterThanOrEqual(60);
  });
});

describe('absolute paths in the kernel’s working folder', () => {
  // The kernel's state shows the model its folder's absolute path, and small models copy it.
  const folder = '/srv/work/project';
  const read = (path: string) => `import pandas as pd\ndf = pd.read_csv(${JSON.stringify(path)})\nprint(df.mean())`;

  it.each([`${folder}/sales.csv`, `${folder}/data/sales.csv`, `${folder}//sales.csv`])(
    'reads %j there as the relative path',
    path => {
      expect(findRisks(read(path), { folder })).toEqual([]);
      expect(findRisks(read(path), { folder: `${folder}/` })).toEqual([]);
    }
  );

  it.each([
    [`${folder}/../secrets.csv`, 'outside-read'],
    [`${folder}/.env`, 'private'],
    [`${folder}-other/sales.csv`, 'outside-read'],
    ['/srv/work/sales.csv', 'outside-read'],
    [folder, 'outside-read']
  ])('still asks about %j', (path, kind) => {
    expect(findRisks(read(path), { folder }).map(risk => risk.kind)).toEqual([kind]);
  });

  it('asks about an absolute path when the folder is not known', () => {
    expect(findRisks(read(`${folder}/sales.csv`)).map(risk => risk.kind)).toEqual(['outside-read']);
  });
});

describe('ways to dynamic code found in review', () => {
  it.each([
    [
      "import typing\ndef f(x: \"__import__('os').system('id')\"): pass\ntyping.get_type_hints(f)",
      'get_type_hints evaluates string annotations'
    ],
    ['import pandas as pd\nprint("{0.__globals__[os].environ}".format(pd.io.common.get_handle))', 'format fields'],
    ['print("{.__class__.__base__.__subclasses__}".format(1))', 'format fields']
  ])('asks about %j (%s)', code => {
    expect(findRisks(code).map(risk => risk.kind)).toContain('dynamic');
  });

  it.each([
    'if __name__ == "__main__":\n    print("main")',
    'from __future__ import annotations\nimport pandas as pd\nprint(pd.__version__)',
    'print("{:.2f}".format(3.14159))'
  ])('lets %j run', code => {
    expect(findRisks(code)).toEqual([]);
  });
});
