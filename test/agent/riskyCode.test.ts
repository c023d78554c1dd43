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
    const risks = findRisks('x = 1\nimport shutil\nshutil.rmtree("out")\n!pip install rich');
    expect(risks.map(risk => [risk.kind, risk.line])).toEqual([
      ['files', 3],
      ['install', 4],
      ['shell', 4]
    ]);
    expect(risks[0].match).toContain('shutil');
  });

  it('keeps string contents (a write mode is in a string) but not comments', () => {
    expect(kinds("open('a', 'w')  # safe?")).toEqual(['files']);
    expect(kinds("print('#'); open('a', 'w')")).toEqual(['files']);
    expect(kinds("print('# not a comment: os.remove(p)')")).toEqual(['files']);
  });

  it('describes every kind', () => {
    const all: RiskKind[] = ['install', 'shell', 'files', 'network'];
    expect(all.map(describeRiskKind)).toEqual([
      'installs packages',
      'runs shell commands',
      'deletes or overwrites files',
      'opens network connections'
    ]);
  });
});

describe('risky code hidden behind other names', () => {
  it('is still found', () => {
    // Reaching os by name (getattr, __import__, exec) counts as running commands: what is called
    // is not known.
    expect(
      [
        'from os import system; system("rm -rf ~")',
        'from shutil import rmtree\nrmtree(p)',
        '__import__("os").system("ls")',
        'getattr(os, "remove")(p)',
        'exec(payload)'
      ].map(kinds)
    ).toEqual([['shell'], ['files'], ['shell'], ['shell'], ['shell']]);
    expect(findRisks('model.eval()\nresult = evaluate(x)')).toEqual([]);
  });
});
