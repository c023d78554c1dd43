# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Describes the names the user mentioned with @, from inside the kernel.

Sent as text beside the namespace inspector (src/kernel/namespaceInspector.ts) only when the
prompt mentions something; the inspector calls describe_mentions with its own helpers. The slower
parts (describe(), counting a file's lines, reading it as a table) are skipped once the inspector's
time allowance is spent, so a large frame cannot hold the kernel.
"""

import os
import re
import sys

_ABSENT = object()
# Files larger than this are not read through to count their lines.
MAX_COUNTED_BYTES = 20000000
# Lines sniffed for a delimited file's delimiter and decimal mark.
SNIFFED_LINES = 15
_DELIMITED_SUFFIXES = (".csv", ".tsv", ".txt", ".dat")
# Column names of a mentioned table given to the agent as data.
MAX_COLUMN_NAMES = 200


def describe_mentions(names, namespace, cwd, char_limit, in_time, cut, type_name):
    """Each name as {'name', 'kind', 'text'}: a variable of the namespace, a file or folder under
    cwd, or 'missing'; the text cut to char_limit characters. A delimited file pandas could read
    also has 'columns', its column names (the agent names them after a KeyError).

    in_time: whether the time allowance is left for the slower parts.
    cut, type_name: the inspector's, so that both describe alike.
    """
    describer = _Describer(char_limit, in_time, cut, type_name)
    mentioned = []
    for name in names:
        value = namespace.get(name, _ABSENT)
        path = os.path.join(cwd, os.path.expanduser(name))
        describer.columns = None
        try:
            if value is not _ABSENT and not name.startswith("_"):
                kind, text = "variable", describer.value(value)
            elif os.path.isdir(path):
                kind, text = "folder", describer.folder(path)
            elif os.path.isfile(path):
                kind, text = "file", describer.file(path)
            else:
                kind, text = "missing", ""
        except Exception as error:
            kind = "variable" if value is not _ABSENT else "file"
            text = f"could not be described: {error!r}"
        entry = {"name": name, "kind": kind, "text": cut(text, char_limit)}
        if kind == "file" and describer.columns is not None:
            entry["columns"] = describer.columns
        mentioned.append(entry)
    return mentioned


class _Describer:
    def __init__(self, char_limit, in_time, cut, type_name):
        self.char_limit = char_limit
        self.in_time = in_time
        self.cut = cut
        # The column names of the last file read as a table, or None.
        self.columns = None
        self.type_name = type_name

    def value(self, value):
        """A frame's shape, dtypes, first rows and describe(); an array's values; else the repr."""
        pd = sys.modules.get("pandas")
        pl = sys.modules.get("polars")
        np = sys.modules.get("numpy")
        parts = []
        if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
            with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 40):
                parts.append("shape: " + str(tuple(value.shape)))
                if isinstance(value, pd.DataFrame):
                    dtypes = list(value.dtypes.items())[:60]
                    parts.append("dtypes: " + ", ".join(str(c) + " " + str(t) for c, t in dtypes))
                parts.append("first rows:\n" + value.head(8).to_string())
                if self.in_time() and len(value):
                    try:
                        parts.append("describe():\n" + value.describe(include="all").to_string())
                    except Exception:
                        pass
        elif pl is not None and isinstance(value, (pl.DataFrame, pl.Series)):
            parts.append("shape: " + str(tuple(value.shape)))
            parts.append("first rows:\n" + str(value.head(8)))
            if self.in_time() and len(value):
                try:
                    parts.append("describe():\n" + str(value.describe()))
                except Exception:
                    pass
        elif np is not None and isinstance(value, np.ndarray):
            parts.append("shape: " + str(value.shape) + ", dtype: " + str(value.dtype))
            parts.append(np.array2string(value, threshold=60, edgeitems=3, max_line_width=120))
            if self.in_time() and value.size and np.issubdtype(value.dtype, np.number):
                try:
                    parts.append(f"min {value.min()}, max {value.max()}, mean {value.mean()}")
                except Exception:
                    pass
        else:
            parts.append(self.type_name(value) + ": " + self.cut(repr(value), self.char_limit))
        return "\n".join(parts)

    def file(self, path):
        """A file's size, line count and first lines, and how pandas reads it when delimited."""
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(self.char_limit)
        if b"\0" in head:
            return f"{size} bytes, binary"
        text = head.decode("utf-8", errors="replace")
        lines = text.splitlines()
        if len(head) < size and lines and not text.endswith("\n"):
            lines = lines[:-1]
        counted = ""
        if size <= MAX_COUNTED_BYTES and self.in_time():
            with open(path, "rb") as handle:
                count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            counted = f", {count} lines"
        first = "\n".join(self.cut(line, 200) for line in lines[:15])
        described = f"{size} bytes{counted}; first lines:\n{first}"
        table = self.table(path, lines)
        return described + ("\n" + table if table else "")

    def table(self, path, lines):
        """How pandas reads a delimited file: its delimiter, decimal mark and thousands separator,
        sniffed from the first lines, then its columns and dtypes, so the model need not guess them."""
        if not path.lower().endswith(_DELIMITED_SUFFIXES) or len(lines) < 2 or not self.in_time():
            return ""
        sep, decimal = sniff_delimiter(lines[:SNIFFED_LINES])
        if sep is None:
            return ""
        thousands = sniff_thousands(lines[1:SNIFFED_LINES], sep, decimal)
        pd = sys.modules.get("pandas")
        try:
            if pd is None:
                import pandas as pd
            frame = pd.read_csv(path, sep=sep, decimal=decimal, thousands=thousands, nrows=2000)
        except Exception:
            return f"delimiter {sep!r}, decimal mark {decimal!r}"
        options = (
            ("" if sep == "," else f", sep={sep!r}")
            + ("" if decimal == "." else f", decimal={decimal!r}")
            + ("" if thousands is None else f", thousands={thousands!r}")
        )
        call = f"pd.read_csv({os.path.basename(path)!r}{options})"
        self.columns = [str(name) for name in frame.columns[:MAX_COLUMN_NAMES]]
        columns = ", ".join(f"{name} {dtype}" for name, dtype in list(frame.dtypes.astype(str).items())[:40])
        marks = f"decimal mark {decimal!r}" + ("" if thousands is None else f", thousands separator {thousands!r}")
        numbers_as_text = describe_numbers_as_text(frame)
        return f"delimiter {sep!r}, {marks}: read it with {call}\ncolumns: {columns}" + (
            f"\ntext columns that hold numbers: {numbers_as_text}" if numbers_as_text else ""
        )

    def folder(self, path):
        """A folder's visible entries, folders with a trailing /."""
        with os.scandir(path) as entries:
            names = sorted((e.name + "/" if e.is_dir() else e.name) for e in entries if not e.name.startswith("."))
        more = f", ... ({len(names)} entries)" if len(names) > 30 else ""
        return ", ".join(names[:30]) + more


def sniff_delimiter(sample):
    """The delimiter (None when no line has one) and decimal mark of a delimited file's lines,
    the header first: the delimiter found at least as often on every line as any other, and a
    decimal comma when a field of the data lines is a number with one and the delimiter is not it."""
    counts = {sep: min(line.count(sep) for line in sample if line.strip()) for sep in (",", ";", "\t", "|")}
    sep = max(counts, key=lambda key: counts[key])
    if counts[sep] == 0:
        return None, "."
    field = re.escape(sep)
    decimal_comma = re.compile(r"(^|" + field + r")-?(\d{1,3}(\.\d{3})+|\d+),\d+($|" + field + r")")
    if sep != "," and any(decimal_comma.search(line) for line in sample[1:]):
        return sep, ","
    return sep, "."


def sniff_thousands(data_lines, sep, decimal):
    """The thousands separator when a field shows one (None otherwise): with a decimal comma, a
    dot grouping three digits before the comma, as in 7.620,87; in a comma-delimited file, commas
    grouping digits in a quoted field, as in "37,410". Without it pandas reads such a column as
    text."""
    field = re.escape(sep)
    if decimal == ",":
        grouped = re.compile(r"(^|" + field + r")-?\d{1,3}(\.\d{3})+(,\d+)?($|" + field + r")")
        return "." if any(grouped.search(line) for line in data_lines) else None
    if sep == ",":
        quoted = re.compile(r'(^|,)"-?\d{1,3}(,\d{3})+(\.\d+)?"($|,)')
        return "," if any(quoted.search(line) for line in data_lines) else None
    return None


# A text column whose values are all percentages or amounts of money: pandas reads neither as a
# number, and the model, seeing `str`, has passed such columns to numeric functions as they are.
_PERCENT = r"-?\d+(\.\d+)?\s*%"
_MONEY = r"-?[$€£]\s?-?\d{1,3}(,?\d{3})*(\.\d+)?"


def describe_numbers_as_text(frame):
    """The text columns of ``frame`` whose every non-empty value is a percentage or an amount of
    money, each with an example and how to make it a number ("" when there are none)."""
    found = []
    for name in frame.columns[:MAX_COLUMN_NAMES]:
        column = frame[name]
        if column.dtype.kind not in "OSUT":
            continue
        values = column.dropna().astype(str).str.strip()
        if values.empty:
            continue
        example = values.iloc[0]
        if values.str.fullmatch(_PERCENT).all():
            found.append(f"{name} (percentages such as {example!r}: df[{name!r}].str.rstrip('%').astype(float))")
        elif values.str.fullmatch(_MONEY).all():
            convert = f"df[{name!r}].str.replace(r'[$€£,]', '', regex=True).astype(float)"
            found.append(f"{name} (amounts such as {example!r}: {convert})")
    return "; ".join(found)
