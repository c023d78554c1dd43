import { parseLenientJson } from '../../src/model/lenientJson';

describe('parseLenientJson', () => {
  it('reads strict JSON as it is', () => {
    expect(parseLenientJson('{"code": "print(1)"}')).toEqual({ value: { code: 'print(1)' }, repair: 'none' });
  });

  it('turns Python triple-quoted strings into JSON strings', () => {
    const written =
      '{"name": "execute_code", "arguments": {"code": """import pandas as pd\nprint(pd.__version__)\n"""}}';
    expect(parseLenientJson(written)).toEqual({
      value: { name: 'execute_code', arguments: { code: 'import pandas as pd\nprint(pd.__version__)\n' } },
      repair: 'python-strings'
    });
    expect(parseLenientJson("{'code': '''print('a')''',}").value).toEqual({ code: "print('a')" });
  });

  it('closes a multi-line code string that lacks its closing quote', () => {
    const written = '{"code": "import pandas as pd\ndf = pd.read_csv(\\"a.csv\\")\nprint(df.x.mean())}}';
    expect(parseLenientJson(written)).toEqual({
      value: { code: 'import pandas as pd\ndf = pd.read_csv("a.csv")\nprint(df.x.mean())' },
      repair: 'unclosed-string'
    });
  });

  it('repairs raw newlines, trailing commas and single quotes with jsonrepair', () => {
    expect(parseLenientJson('{"code": "a = 1\nprint(a)",}').value).toEqual({ code: 'a = 1\nprint(a)' });
    expect(parseLenientJson("{'code': 'print(2)'}").value).toEqual({ code: 'print(2)' });
  });

  it('refuses what no repair reads, with the strict parser message', () => {
    expect(() => parseLenientJson('{{{')).toThrow(SyntaxError);
  });
});
