// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What the kernel says of a name the user mentioned with `@`: a variable of the namespace, a
 * file or folder under the kernel's working folder, or nothing of that name.
 */
export interface IMentionedEntry {
  /**
   * The name as the user wrote it.
   */
  name: string;

  /**
   * What the name is in the kernel.
   */
  kind: 'variable' | 'file' | 'folder' | 'missing';

  /**
   * A fuller description than the kernel's state gives: a frame's first rows and `describe()`,
   * an array's values, a value's repr, a text file's size and first lines, a folder's entries.
   * Already cut to the character limit asked for.
   */
  text: string;
}

/**
 * Python, run after the namespace collector in the same globals (it uses `ns`, `cwd`, `cut`,
 * `started`, `pd`, `pl`, `np` and `limits` from there): describes each of `limits['mentions']`
 * into `mentioned`. The slower parts (`describe()`, counting a file's lines) are skipped once the
 * time allowance is spent, so a large frame cannot hold the kernel.
 */
export const MENTION_DESCRIBER = String.raw`
def in_time():
    return time.perf_counter() - started < limits['allowance'] / 1000

def full_value(value):
    parts = []
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        with pd.option_context('display.width', 160, 'display.max_columns', 20, 'display.max_colwidth', 40):
            parts.append('shape: ' + str(tuple(value.shape)))
            if isinstance(value, pd.DataFrame):
                parts.append('dtypes: ' + ', '.join(str(c) + ' ' + str(t) for c, t in list(value.dtypes.items())[:60]))
            parts.append('first rows:\n' + value.head(8).to_string())
            if in_time() and len(value):
                try:
                    parts.append('describe():\n' + value.describe(include='all').to_string())
                except Exception:
                    pass
    elif pl is not None and isinstance(value, (pl.DataFrame, pl.Series)):
        parts.append('shape: ' + str(tuple(value.shape)))
        parts.append('first rows:\n' + str(value.head(8)))
        if in_time() and len(value):
            try:
                parts.append('describe():\n' + str(value.describe()))
            except Exception:
                pass
    elif np is not None and isinstance(value, np.ndarray):
        parts.append('shape: ' + str(value.shape) + ', dtype: ' + str(value.dtype))
        parts.append(np.array2string(value, threshold=60, edgeitems=3, max_line_width=120))
        if in_time() and value.size and np.issubdtype(value.dtype, np.number):
            try:
                parts.append('min %s, max %s, mean %s' % (value.min(), value.max(), value.mean()))
            except Exception:
                pass
    else:
        parts.append(type_name(value) + ': ' + cut(repr(value), limits['mentionChars']))
    return '\n'.join(parts)

def full_file(path):
    size = os.path.getsize(path)
    with open(path, 'rb') as handle:
        head = handle.read(limits['mentionChars'])
    if b'\0' in head:
        return '%d bytes, binary' % size
    text = head.decode('utf-8', errors='replace')
    lines = text.splitlines()
    if len(head) < size and lines and not text.endswith('\n'):
        lines = lines[:-1]
    counted = ''
    if size <= 20000000 and in_time():
        with open(path, 'rb') as handle:
            count = sum(chunk.count(b'\n') for chunk in iter(lambda: handle.read(1 << 20), b''))
        counted = ', %d lines' % count
    described = '%d bytes%s; first lines:\n%s' % (size, counted, '\n'.join(cut(line, 200) for line in lines[:15]))
    table = table_of(path, lines)
    return described + ('\n' + table if table else '')

def table_of(path, lines):
    # How pandas reads a delimited file: its delimiter and decimal mark, sniffed from the first
    # lines, then its columns and dtypes, so the model need not guess them.
    if not path.lower().endswith(('.csv', '.tsv', '.txt', '.dat')) or len(lines) < 2 or not in_time():
        return ''
    sample = lines[:15]
    counts = {sep: min(line.count(sep) for line in sample if line.strip()) for sep in (',', ';', '\t', '|')}
    sep = max(counts, key=lambda key: counts[key])
    if counts[sep] == 0:
        return ''
    decimal = '.'
    if sep != ',' and any(re.search(r'(^|' + re.escape(sep) + r')-?\d+,\d+($|' + re.escape(sep) + r')', line) for line in sample[1:]):
        decimal = ','
    pd = sys.modules.get('pandas')
    try:
        if pd is None:
            import pandas as pd
        frame = pd.read_csv(path, sep=sep, decimal=decimal, nrows=2000)
    except Exception:
        return 'delimiter %r, decimal mark %r' % (sep, decimal)
    call = 'pd.read_csv(%r%s%s)' % (
        os.path.basename(path), '' if sep == ',' else ', sep=%r' % sep, '' if decimal == '.' else ', decimal=%r' % decimal)
    columns = ', '.join('%s %s' % (name, dtype) for name, dtype in list(frame.dtypes.astype(str).items())[:40])
    return 'delimiter %r, decimal mark %r: read it with %s\ncolumns: %s' % (sep, decimal, call, columns)

def full_folder(path):
    with os.scandir(path) as entries:
        names = sorted((e.name + '/' if e.is_dir() else e.name) for e in entries if not e.name.startswith('.'))
    more = ', ... (%d entries)' % len(names) if len(names) > 30 else ''
    return ', '.join(names[:30]) + more

mentioned = []
for name in limits['mentions']:
    value = ns.get(name, absent)
    path = os.path.join(cwd, os.path.expanduser(name))
    try:
        if value is not absent and not name.startswith('_'):
            kind, text = 'variable', full_value(value)
        elif os.path.isdir(path):
            kind, text = 'folder', full_folder(path)
        elif os.path.isfile(path):
            kind, text = 'file', full_file(path)
        else:
            kind, text = 'missing', ''
    except Exception as error:
        kind, text = 'variable' if value is not absent else 'file', 'could not be described: %r' % error
    mentioned.append({'name': name, 'kind': kind, 'text': cut(text, limits['mentionChars'])})
`;
