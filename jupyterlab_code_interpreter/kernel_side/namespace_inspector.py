# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Describes the user's namespace and working folder for the model, from inside the kernel.

Sent as text by src/kernel/namespaceInspector.ts and run as a silent user expression, so it must
leave no trace: it defines nothing in the user's namespace and prints nothing. Its answer is an
object whose repr is JSON, since user expressions come back as their text/plain repr.
"""

import importlib.util
import json
import os
import sys
import time
import types

IGNORED = {"In", "Out", "exit", "quit", "get_ipython"}
SCALARS = (bool, int, float, complex, str, bytes, type(None))
COLLECTIONS = (list, tuple, set, frozenset, dict)
# More entries than this in the working folder are not looked at.
MAX_FOLDER_ENTRIES = 1000
# Frames with more cells than this are not scanned for nulls.
MAX_NULL_COUNTED_CELLS = 5000000
_ABSENT = object()


class JsonText:
    """A value whose repr is the given text: a user expression's answer as JSON."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def cut(text, size):
    """The text, cut to size characters with '...' at the end when longer."""
    return text if len(text) <= size else text[: size - 3] + "..."


def type_name(value):
    """The name of a value's type, with its module unless builtin, the user's or a data package's."""
    kind = type(value)
    module = kind.__module__
    if module in ("builtins", "__main__") or module.split(".")[0] in ("pandas", "polars", "numpy"):
        return kind.__qualname__
    return module + "." + kind.__qualname__


class _DataModules:
    """The data packages the user has imported, as the kernel has them (never imported here)."""

    def __init__(self):
        self.pd = sys.modules.get("pandas")
        self.pl = sys.modules.get("polars")
        self.np = sys.modules.get("numpy")

    def kind_of(self, value):
        """A value's rank (frames and arrays first) and kind."""
        pd, pl, np = self.pd, self.pl, self.np
        if pd is not None and isinstance(value, pd.DataFrame):
            return 0, "dataframe"
        if pl is not None and isinstance(value, pl.DataFrame):
            return 0, "dataframe"
        if (pd is not None and isinstance(value, pd.Series)) or (pl is not None and isinstance(value, pl.Series)):
            return 0, "series"
        if np is not None and isinstance(value, np.ndarray):
            return 0, "array"
        if isinstance(value, SCALARS) or (np is not None and isinstance(value, np.generic)):
            return 1, "scalar"
        if isinstance(value, COLLECTIONS):
            return 1, "collection"
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
            return 3, "callable"
        return 2, "object"


def _cell(value):
    return cut(str(value), 24)


def _describe_frame(entry, value, modules, limits):
    if modules.pd is not None and isinstance(value, modules.pd.DataFrame):
        rows, cols = value.shape
        entry["shape"] = [rows, cols]
        shown = value.iloc[:, : limits["columns"]]
        if value.size <= MAX_NULL_COUNTED_CELLS:
            nulls = shown.isna().sum().tolist()
        else:
            nulls = [None] * shown.shape[1]
        entry["columns"] = [
            [cut(str(name), 40), str(dtype), None if n is None else int(n)]
            for name, dtype, n in zip(shown.columns, shown.dtypes, nulls)
        ]
        entry["head"] = [[_cell(v) for v in row] for row in shown.iloc[:3].itertuples(index=False, name=None)]
        entry["bytes"] = int(value.memory_usage(index=True, deep=False).sum())
    else:
        rows, cols = value.shape
        entry["shape"] = [rows, cols]
        names = value.columns[: limits["columns"]]
        nulls = value.select(names).null_count().row(0)
        entry["columns"] = [[cut(str(name), 40), str(value.schema[name]), int(n)] for name, n in zip(names, nulls)]
        entry["head"] = [[_cell(v) for v in row] for row in value.select(names).head(3).rows()]
        entry["bytes"] = int(value.estimated_size())


def _describe(name, value, kind, detailed, framed, modules, limits):
    entry = {"name": name, "kind": kind, "type": type_name(value)}
    if kind == "dataframe":
        # Columns, nulls and rows cost about a millisecond a frame, and the model's budget has
        # room for the columns of a few frames only.
        if detailed and framed[0] < limits["frames"]:
            framed[0] += 1
            _describe_frame(entry, value, modules, limits)
        else:
            entry["shape"] = [int(n) for n in value.shape]
    elif kind == "series":
        entry["length"] = len(value)
        entry["dtype"] = str(value.dtype)
    elif kind == "array":
        entry["shape"] = [int(n) for n in value.shape]
        entry["dtype"] = str(value.dtype)
        entry["bytes"] = int(value.nbytes)
    elif kind == "scalar":
        short = value[:80] if isinstance(value, (str, bytes)) else value
        entry["value"] = cut(repr(short), 60)
    elif kind == "collection":
        entry["length"] = len(value)
    elif detailed and kind == "object":
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
            entry["shape"] = list(shape)
            dtype = getattr(value, "dtype", None)
            if dtype is not None:
                entry["dtype"] = str(dtype)
    return entry


def _list_folder(cwd, max_files):
    """The visible entries of the folder as [name, bytes], how many there are, whether capped."""
    files = []
    seen = 0
    capped = False
    try:
        with os.scandir(cwd) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                seen += 1
                if seen > MAX_FOLDER_ENTRIES:
                    capped = True
                    break
                files.append(entry)
    except OSError:
        pass
    listed = []
    for entry in sorted(files, key=lambda e: e.name.lower())[:max_files]:
        try:
            if entry.is_dir():
                listed.append([entry.name + "/", None])
            elif entry.name.endswith(".ipynb"):
                # A notebook's size changes with every save, which would make the state differ each turn.
                listed.append([entry.name, None])
            else:
                listed.append([entry.name, entry.stat().st_size])
        except OSError:
            listed.append([entry.name, None])
    return listed, min(seen, MAX_FOLDER_ENTRIES), capped


def _importable(packages):
    found = []
    for package in packages:
        try:
            if package in sys.modules or importlib.util.find_spec(package) is not None:
                found.append(package)
        except Exception:
            pass
    return found


def inspect_namespace(limits, shell=None, describe_mentions=None):
    """The user's namespace, working folder and importable data packages, as a JSON-ready dict.

    limits: variables and files (listed at most), columns and frames (of the first frames
    described in detail), allowance (milliseconds spent describing in detail, after which
    variables are described by type alone), packages (whose presence to report), mentions and
    mentionChars (names to describe more fully, and the characters each may take).
    shell: the IPython shell (IPython's own get_ipython() when not given, in case the user
    rebound the name).
    describe_mentions: the mention describer's describe_mentions, needed when mentions are given.
    """
    started = time.perf_counter()
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    namespace = shell.user_ns
    hidden = shell.user_ns_hidden
    modules = _DataModules()

    def in_time():
        return time.perf_counter() - started < limits["allowance"] / 1000

    candidates = []
    imported = []
    for index, (name, value) in enumerate(list(namespace.items())):
        if name.startswith("_") or name in IGNORED or hidden.get(name, _ABSENT) is value:
            continue
        if isinstance(value, types.ModuleType):
            imported.append([name, value.__name__])
            continue
        try:
            rank, kind = modules.kind_of(value)
        except Exception:
            rank, kind = 2, "object"
        candidates.append((rank, -index, name, value, kind))
    candidates.sort(key=lambda c: (c[0], c[1]))
    variables = []
    partial = False
    framed = [0]
    for _rank, _order, name, value, kind in candidates[: limits["variables"]]:
        detailed = in_time()
        partial = partial or not detailed
        try:
            variables.append(_describe(name, value, kind, detailed, framed, modules, limits))
        except Exception:
            variables.append({"name": name, "kind": kind, "type": type(value).__name__})

    cwd = os.getcwd()
    listed, files_total, capped = _list_folder(cwd, limits["files"])
    packages = _importable(limits["packages"])
    mentioned = []
    if limits["mentions"]:
        mentioned = describe_mentions(
            limits["mentions"],
            namespace=namespace,
            cwd=cwd,
            char_limit=limits["mentionChars"],
            in_time=in_time,
            cut=cut,
            type_name=type_name,
        )
    return {
        "cwd": cwd,
        "total": len(candidates),
        "variables": variables,
        "modules": imported,
        "files": listed,
        "filesTotal": files_total,
        "filesCapped": capped,
        "elapsedMs": round((time.perf_counter() - started) * 1000, 2),
        "partial": partial,
        "mentioned": mentioned,
        "packages": packages,
    }


def inspect_namespace_reply(limits, describe_mentions=None):
    """inspect_namespace's answer as a user expression: an object whose repr is its JSON."""
    return JsonText(json.dumps(inspect_namespace(limits, describe_mentions=describe_mentions), default=str))
