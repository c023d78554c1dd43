# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The kernel side of the benchmark harness (src/eval/evalKernel.ts).

Sent as text once to each evaluation kernel, which calls install(); the driver it answers takes
the payload sent over the comm under a call id and publishes its answer as one display_data
message. Payloads (task data, expected outputs) travel over the comm so that they never enter the
kernel's input history. Operations:

- ground_truth: run the canonical solution on the base and plus inputs, timing each call; keep the
  outputs in a pickle file on the kernel's side (some weigh over 100 MB) and answer the times.
- check: run a solution on the inputs of each section, each call under its own time limit, compare
  with the expected outputs as EvalPlus does (atol, its special oracles), stop at the first
  failure; publish each section's verdict as soon as it is known.
- sanitize: keep the entry point and what it needs (imports, helpers, constants), drop tests,
  prints and `if __name__` blocks, with an ast pass.
- self_check: run the model's own code as a script and the examples visible in the prompt
  (doctest >>> lines, MBPP assert lines), never the hidden tests.

Every solution runs in a fresh dict namespace with stdout, stderr and stdin swallowed, so that
tasks cannot see each other and printing costs nothing.
"""

import ast
import builtins
import contextlib
import doctest
import io
import json
import linecache
import math
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import resource
except ImportError:
    resource = None

REPR_LIMIT = 1500

# Tasks whose expected outputs are compared in a special way (EvalPlus semantics).
NOT_NONE_TASKS = {"check_str", "text_match_three", "text_starta_endb"}
SET_EQUAL_TASKS = {
    "similar_elements",
    "find_char_long",
    "common_in_nested_lists",
    "extract_singly",
    "larg_nnum",
    "intersection_array",
    "find_dissimilar",
    "Diff",
}


class TimeLimitExceeded(Exception):
    """One call ran past its time limit (an Exception, as EvalPlus's, so handlers see it alike)."""


class SectionTimeLimitExceeded(BaseException):
    """The whole section ran past its budget: the verdict is a timeout."""


class Sink(io.TextIOBase):
    """Swallows writes; refuses reads, so input() fails fast instead of waiting."""

    def writable(self):
        return True

    def readable(self):
        return False

    def write(self, text):
        return len(text)

    def read(self, *args):
        raise OSError("stdin is not available")

    readline = read

    def readlines(self, *args):
        raise OSError("stdin is not available")


class Capture(io.StringIO):
    """Keeps the first characters written, for the model's own run."""

    def __init__(self, limit):
        super().__init__()
        self._limit = limit

    def write(self, text):
        if self.tell() < self._limit:
            super().write(text[: self._limit - self.tell()])
        return len(text)


@contextlib.contextmanager
def redirected(out):
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout = sys.stderr = out
    sys.stdin = Sink()
    try:
        yield
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved


def short_repr(value):
    try:
        text = repr(value)
    except BaseException as error:
        text = f"<unrepresentable {type(value).__name__}: {error}>"
    if len(text) > REPR_LIMIT:
        text = text[:REPR_LIMIT] + f"... ({len(text)} characters)"
    return text


# This module's file, or the name it was compiled under when sent as text: its frames are left
# out of the tracebacks the model reads.
DRIVER_FILE = sys._getframe().f_code.co_filename


def format_error(error, skip_driver=True):
    """The traceback of an error without the driver's own frames."""
    frames = traceback.extract_tb(error.__traceback__)
    if skip_driver:
        frames = [f for f in frames if f.filename != DRIVER_FILE]
    lines = traceback.format_list(frames) if frames else []
    lines += traceback.format_exception_only(type(error), error)
    text = "".join(lines)
    if len(text) > 4000:
        text = text[:1500] + "\n...\n" + text[-2400:]
    return text


# ---- guard ----------------------------------------------------------------------------

# What EvalPlus disables before it runs a solution: process control, file removal and
# moves, directory changes, open(), exit(). Here it is disabled only while a solution runs
# and put back afterwards, since the kernel lives on. Not a sandbox, as EvalPlus says of its own.
GUARDED = [(builtins, name) for name in ("exit", "quit", "open", "help")]
GUARDED += [
    (os, name)
    for name in (
        "kill",
        "system",
        "putenv",
        "remove",
        "removedirs",
        "rmdir",
        "fchdir",
        "setuid",
        "fork",
        "forkpty",
        "killpg",
        "rename",
        "renames",
        "truncate",
        "replace",
        "unlink",
        "fchmod",
        "fchown",
        "chmod",
        "chown",
        "chroot",
        "lchflags",
        "lchmod",
        "lchown",
        "getcwd",
        "chdir",
    )
]
GUARDED += [(shutil, name) for name in ("rmtree", "move", "chown")]
GUARDED += [(subprocess, "Popen")]
BLOCKED_MODULES = ("ipdb", "joblib", "resource", "psutil", "tkinter")
MISSING = object()


def memory_headroom():
    """EvalPlus's memory cap (EVALPLUS_MAX_MEMORY_BYTES, default 4 GiB, at most the RAM)."""
    wanted = int(os.environ.get("EVALPLUS_MAX_MEMORY_BYTES", 4 * 1024**3))
    if wanted == -1:
        return None
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        physical = wanted
    return min(wanted, physical)


def virtual_size():
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


@contextlib.contextmanager
def memory_capped():
    """A solution may use the headroom on top of what the kernel already maps (EvalPlus's
    child process inherits its parent's mappings the same way): a memory bomb raises
    MemoryError instead of bringing the machine down."""
    headroom = memory_headroom()
    if resource is None or headroom is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = virtual_size() + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def guarded():
    with memory_capped(), disabled_functions():
        yield


@contextlib.contextmanager
def disabled_functions():
    saved = [(owner, name, getattr(owner, name, MISSING)) for owner, name in GUARDED]
    saved_modules = [(name, sys.modules.get(name, MISSING)) for name in BLOCKED_MODULES]
    for owner, name in GUARDED:
        setattr(owner, name, None)
    for name in BLOCKED_MODULES:
        sys.modules[name] = None
    try:
        yield
    finally:
        for owner, name, value in saved:
            if value is MISSING:
                if hasattr(owner, name):
                    delattr(owner, name)
            else:
                setattr(owner, name, value)
        for name, module in saved_modules:
            if module is MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


# ---- inputs ---------------------------------------------------------------------------
def as_tuples(items):
    return [tuple(item) for item in items]


def deep_tuple(value):
    if isinstance(value, list):
        return tuple(deep_tuple(item) for item in value)
    return value


# MBPP+ stores some inputs in JSON shapes that differ from the Python types its tasks take
# (tuples, sets, complex numbers); each rule rebuilds one task's arguments.
MBPP_INPUT_RULES = {}
for number in (
    2,
    116,
    132,
    143,
    222,
    261,
    273,
    394,
    399,
    421,
    424,
    429,
    470,
    560,
    579,
    596,
    616,
    630,
    726,
    740,
    744,
    809,
):
    MBPP_INPUT_RULES[number] = lambda args: [tuple(arg) for arg in args]
for number in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
    MBPP_INPUT_RULES[number] = lambda args: [as_tuples(arg) for arg in args]
for number in (75, 413, 444, 753):
    MBPP_INPUT_RULES[number] = lambda args: [as_tuples(args[0]), args[1]]
for number in (106, 750):
    MBPP_INPUT_RULES[number] = lambda args: [args[0], tuple(args[1])]
for number in (250, 405, 446, 617, 720, 763, 808):
    MBPP_INPUT_RULES[number] = lambda args: [tuple(args[0]), args[1]]
for number in (259, 401, 445):
    MBPP_INPUT_RULES[number] = lambda args: [tuple(as_tuples(arg)) for arg in args]
for number in (580, 615, 791):
    MBPP_INPUT_RULES[number] = deep_tuple
# An empty list becomes an empty dict here, not an empty set: that is what the dataset expects.
MBPP_INPUT_RULES[115] = lambda args: [[set(item) if isinstance(item, list) and item else {} for item in args[0]]]
MBPP_INPUT_RULES[124] = lambda args: (float(args[0]), complex(args[1]))
MBPP_INPUT_RULES[252] = lambda args: [complex(args[0])]
MBPP_INPUT_RULES[278] = lambda args: [
    tuple(tuple(item) if isinstance(item, list) else item for item in arg) for arg in args
]
MBPP_INPUT_RULES[307] = lambda args: [tuple(args[0]), args[1], args[2]]
MBPP_INPUT_RULES[722] = lambda args: [{key: tuple(value) for key, value in args[0].items()}] + list(args[1:])


def task_inputs(task, dataset, section):
    inputs = task[section + "_input"]
    if dataset == "mbpp":
        rule = MBPP_INPUT_RULES.get(int(task["task_id"].split("/")[-1]))
        if rule is not None:
            inputs = [rule(args) for args in inputs]
    return inputs


# ---- time limits ----------------------------------------------------------------------
class Alarm:
    """SIGALRM-based time limits: one per call, inside one for the whole section."""

    def __init__(self):
        self.section_deadline = None
        self.call_deadline = None

    def _handler(self, signum, frame):
        now = time.monotonic()
        if self.section_deadline is not None:
            if now >= self.section_deadline - 1e-3:
                raise SectionTimeLimitExceeded()
            # Code that swallows the call's time-out still meets the section's.
            self.call_deadline = None
            signal.setitimer(signal.ITIMER_REAL, self.section_deadline - now)
        raise TimeLimitExceeded("Timed out!")

    def _arm(self):
        deadlines = [d for d in (self.section_deadline, self.call_deadline) if d is not None]
        if not deadlines:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        remaining = min(deadlines) - time.monotonic()
        if remaining <= 0:
            raise (
                SectionTimeLimitExceeded()
                if min(deadlines) == self.section_deadline
                else TimeLimitExceeded("Timed out!")
            )
        signal.setitimer(signal.ITIMER_REAL, remaining)

    @contextlib.contextmanager
    def section(self, seconds):
        previous = signal.signal(signal.SIGALRM, self._handler)
        self.section_deadline = time.monotonic() + seconds
        self.call_deadline = None
        try:
            self._arm()
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.section_deadline = None
            self.call_deadline = None
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def call(self, seconds):
        self.call_deadline = time.monotonic() + seconds
        self._arm()
        try:
            yield
        finally:
            self.call_deadline = None
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.section_deadline is not None:
                self._arm()


alarm = Alarm()


# ---- comparison (EvalPlus semantics) --------------------------------------------------
def poly_at(coefficients, x):
    return sum(c * math.pow(x, i) for i, c in enumerate(coefficients))


def pyramid_surface(base_edge, height):
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 2 * base_edge * slant)


def digit_distance(a, b):
    left, right = str(a), str(b)
    width = max(len(left), len(right))
    left, right = left.zfill(width), right.zfill(width)
    return sum(abs(int(x) - int(y)) for x, y in zip(left, right))


def all_floats(value):
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple)):
        return bool(value) and all(isinstance(item, float) for item in value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        return value.dtype == numpy.float64 or value.dtype == numpy.float32
    return False


class Mismatch(Exception):
    pass


def compare(dataset, entry_point, args, out, expected, atol):
    """Raise Mismatch (or whatever the comparison raises) unless out is accepted.

    Returns the atol for the next input: like EvalPlus, a float output with atol 0 switches
    the tolerance to 1e-6 for the rest of the section.
    """
    same = out == expected
    if dataset == "mbpp":
        if entry_point == "are_equivalent":
            same = True
        elif entry_point == "sum_div":
            same = same or out == 0
        elif entry_point == "surface_Area":
            same = same or abs(out - pyramid_surface(*args)) <= atol
        elif entry_point == "digit_distance_nums":
            same = same or out == digit_distance(*args)
        elif entry_point in SET_EQUAL_TASKS:
            same = set(out) == set(expected)
        elif entry_point in NOT_NONE_TASKS:
            same = out == expected if isinstance(out, bool) else expected == (out is not None)
    elif dataset == "humaneval" and entry_point == "find_zero":
        if not abs(poly_at(*args, out)) <= atol:
            raise Mismatch()
        return atol
    if atol == 0 and all_floats(expected):
        atol = 1e-6
    if not same and atol != 0:
        if type(out) is not type(expected):
            raise Mismatch()
        if isinstance(expected, (list, tuple)) and len(out) != len(expected):
            raise Mismatch()
        import numpy

        if not numpy.allclose(out, expected, rtol=1e-07, atol=atol):
            raise Mismatch()
    elif not same:
        raise Mismatch()
    return atol


def load_solution(code, namespace):
    # A traceback that shows the failing line, not only its number, tells the model what to fix.
    linecache.cache["<solution>"] = (len(code), None, code.splitlines(True), "<solution>")
    exec(compile(code, "<solution>", "exec"), namespace)


def check_section(dataset, task, section, code, expected, limits, budget):
    """The verdict of one section; the first failure in detail."""
    entry_point = task["entry_point"]
    inputs = task_inputs(task, dataset, section)
    atol = task.get("atol", 0) or 0
    namespace = {}
    passed = 0
    failure = None
    status = "pass"
    sink = Sink()
    try:
        with alarm.section(budget), guarded():
            try:
                with redirected(sink):
                    load_solution(code, namespace)
            except (KeyboardInterrupt, SectionTimeLimitExceeded):
                raise
            except BaseException as error:
                return {
                    "status": "fail",
                    "passed": 0,
                    "total": len(inputs),
                    "failure": {"kind": "error", "phase": "load", "error": format_error(error)},
                }
            function = namespace.get(entry_point)
            if function is None:
                return {
                    "status": "fail",
                    "passed": 0,
                    "total": len(inputs),
                    "failure": {"kind": "missing", "phase": "load"},
                }
            for index, args in enumerate(inputs):
                try:
                    with redirected(sink):
                        with alarm.call(limits[index]):
                            out = function(*args)
                except (KeyboardInterrupt, SectionTimeLimitExceeded):
                    raise
                except TimeLimitExceeded:
                    failure = {"kind": "timeout", "index": index, "limit": limits[index]}
                    break
                except BaseException as error:
                    failure = {"kind": "error", "index": index, "error": format_error(error)}
                    break
                try:
                    atol = compare(dataset, entry_point, args, out, expected[index], atol)
                except (KeyboardInterrupt, SectionTimeLimitExceeded):
                    raise
                except BaseException:
                    failure = {
                        "kind": "wrong",
                        "index": index,
                        "expected": short_repr(expected[index]),
                        "actual": short_repr(out),
                    }
                    break
                passed += 1
    except SectionTimeLimitExceeded:
        status = "timeout"
        failure = failure or {"kind": "timeout", "index": passed, "limit": budget, "section": True}
    if failure is not None and status == "pass":
        status = "fail"
    if failure is not None and "index" in failure and failure["index"] < len(inputs):
        # The input as the task gives it, re-read: the solution may have changed its copy.
        pristine = task_inputs(task, dataset, section)[failure["index"]]
        failure["input"] = short_repr(tuple(pristine))
    return {"status": status, "passed": passed, "total": len(inputs), "failure": failure}


# ---- ground truth ---------------------------------------------------------------------
truth_memo = {}


def read_truth(path):
    """The expected outputs in a kernel-side file; the last one read stays in memory, since
    a task is checked several times in a row in the feedback modes."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    memo = truth_memo.get("entry")
    if memo is not None and memo[0] == path and memo[1] == stamp:
        return memo[2]
    with open(path, "rb") as handle:
        truth = pickle.load(handle)
    truth_memo["entry"] = (path, stamp, truth)
    return truth


def ground_truth(payload):
    """Run the canonical solution; keep its outputs in a file on the kernel's side (some are
    over 100 MB: they never travel) and answer the times, from which the limits come."""
    task = json.loads(payload["task"])
    dataset = payload["dataset"]
    path = payload["file"]
    code = task["prompt"] + task["canonical_solution"]
    truth = read_truth(path) or {}
    truth = dict(truth)
    answer = {}
    for section in payload["sections"]:
        namespace = {}
        with redirected(Sink()):
            load_solution(code, namespace)
            function = namespace[task["entry_point"]]
            outputs, times = [], []
            for args in task_inputs(task, dataset, section):
                started = time.perf_counter()
                outputs.append(function(*args))
                times.append(time.perf_counter() - started)
        if dataset == "mbpp" and task["entry_point"] in NOT_NONE_TASKS:
            outputs = [out is not None for out in outputs]
        truth[section] = outputs
        truth[section + "_time"] = times
        answer[section + "_time"] = times
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        pickle.dump(truth, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
    truth_memo.pop("entry", None)
    return answer


def check(payload, publish_verdict):
    """Check a solution section by section, publishing each verdict as soon as it is known, so a
    kernel that must be restarted afterwards loses nothing that finished."""
    task = json.loads(payload["task"])
    truth = read_truth(payload["truth_file"])
    if truth is None or any(section not in truth for section in payload["sections"]):
        return {"missing_truth": True}
    for section in payload["sections"]:
        limits = payload["limits"][section]
        verdict = check_section(
            payload["dataset"], task, section, payload["code"], truth[section], limits, payload["budgets"][section]
        )
        verdict["section"] = section
        publish_verdict(verdict)
    return {"done": True}


# ---- sanitizer ------------------------------------------------------------------------
def parse_longest_prefix(code):
    lines = code.splitlines()
    for end in range(len(lines), 0, -1):
        try:
            return ast.parse("\n".join(lines[:end])), "\n".join(lines[:end])
        except SyntaxError:
            continue
        except ValueError:
            continue
    return None, code


def defined_names(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = []
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
    return names


def used_names(node):
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def node_source(lines, node):
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1 : node.end_lineno])


def import_nodes(tree):
    return [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]


def sanitize(payload):
    code = payload["code"]
    entry_point = payload["entry_point"]
    tree, parsed = parse_longest_prefix(code)
    if tree is None:
        return {"code": code, "has_entry_point": False, "parsed": False}
    lines = parsed.splitlines()
    definitions = {}
    for node in tree.body:
        for name in defined_names(node):
            definitions[name] = node
    kept = set()
    pending = [entry_point]
    while pending:
        name = pending.pop()
        node = definitions.get(name)
        if node is None or id(node) in kept:
            continue
        kept.add(id(node))
        pending.extend(used_names(node))
    has_entry_point = isinstance(definitions.get(entry_point), (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    parts = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in kept:
            parts.append(node_source(lines, node))
    body = "\n\n".join(parts)
    # The task's prompt may import names (typing.List...) the answer uses without importing.
    prompt_tree, _ = parse_longest_prefix(payload.get("prompt") or "")
    prompt_lines = (payload.get("prompt") or "").splitlines()
    extra = []
    if prompt_tree is not None:
        for node in import_nodes(prompt_tree):
            text = node_source(prompt_lines, node)
            if text.strip() not in body:
                extra.append(text)
    if extra:
        body = "\n".join(extra) + "\n\n" + body
    return {"code": body + "\n", "has_entry_point": has_entry_point, "parsed": True}


# ---- self-feedback: the model's own run and the prompt's visible examples -------------
def docstrings(prompt):
    """The docstrings of the prompt (module and functions), or the prompt when it is no code."""
    tree, _ = parse_longest_prefix(prompt)
    if tree is None:
        return [prompt]
    found = []
    for node in [tree] + [
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]:
        text = ast.get_docstring(node, clean=True)
        if text:
            found.append(text)
    return found or [prompt]


def parsed(source):
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def implied_want(tree, want):
    """What a doctest example expects; '' for a statement, which only has to run."""
    if want or not (len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)):
        return want
    # Doctest shows nothing for None; prompts also write f(x) == y with nothing under it,
    # meaning that it holds.
    return "True" if isinstance(tree.body[0].value, ast.Compare) else "None"


def visible_examples(prompt, entry_point=None):
    """The prompt's doctest examples, assert lines and example lines (``f(x) => y``); lines that
    are not Python are left out rather than reported as the solution's errors."""
    examples = []
    try:
        for example in [e for text in docstrings(prompt) for e in doctest.DocTestParser().get_examples(text)]:
            source = example.source.strip()
            tree = parsed(source)
            if tree is not None:
                examples.append({"source": source, "want": implied_want(tree, example.want.strip())})
    except ValueError:
        pass
    for line in "\n".join(docstrings(prompt)).splitlines():
        stripped = line.strip()
        if stripped.startswith("assert ") and parsed(stripped) is not None:
            examples.append({"source": stripped, "want": None})
        elif entry_point and not examples_have(examples, stripped):
            example = written_example(stripped, entry_point)
            if example is not None:
                examples.append(example)
    return examples


# How prompts write "returns" between a call and its value: HumanEval writes f(x) == y, => y,
# ==> y, -> y, \u279e y, returns y, # returns y and should return y, in prose docstrings that
# doctest does not read. A bare "=" is left out: HumanEval/130 defines its sequence with it
# (tri(1) = 3), which is not what the function returns.
RESULT_SEPARATOR = re.compile(r"(==>|=>|->|\u279e|==|#\s*returns|returns|should\s+return|should\s+be)\s*", re.I)
WORD_LITERALS = {"true": "True", "false": "False", "none": "None"}


def written_example(line, entry_point):
    """An example written as a line ``entry_point(literals) <separator> literal``, or None.

    Both sides must be Python literals (so ``is_happy(a) => False`` and ``f(x) -> 19 - 5 = 8`` are
    left out): such an example can run on any solution without guessing what its names mean."""
    line = line.lstrip("*-\u2022 \t")
    if not line.startswith(entry_point + "("):
        return None
    end = call_end(line, len(entry_point))
    if end is None:
        return None
    call = line[: end + 1]
    match = RESULT_SEPARATOR.match(line[end + 1 :].strip())
    if match is None:
        return None
    want = line[end + 1 :].strip()[match.end() :]
    want = re.split(r"\s+#", want)[0].strip().rstrip(".").strip()
    want = WORD_LITERALS.get(want.lower(), want)
    tree = parsed(call)
    if tree is None or not want:
        return None
    node = tree.body[0].value if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) else None
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    try:
        for argument in node.args:
            ast.literal_eval(argument)
        ast.literal_eval(want)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return {"source": call, "want": want}


def call_end(line, start):
    """The index of the parenthesis closing the one at ``start``, skipping strings; None when the
    call does not close on the line."""
    depth = 0
    quote = None
    index = start
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def examples_have(examples, line):
    """Whether a doctest example already holds this line's call (a >>> line also read here)."""
    return any(line.startswith(">>>") or example["source"] in line for example in examples)


def run_script(code, seconds):
    output = Capture(4000)
    error = None
    status = "ok"
    try:
        with alarm.section(seconds), guarded():
            with redirected(output):
                exec(compile(code, "<cell>", "exec"), {"__name__": "__main__"})
    except SectionTimeLimitExceeded:
        status = "timeout"
    except KeyboardInterrupt:
        raise
    except BaseException as error_:
        status = "error"
        error = format_error(error_)
    return {"status": status, "output": output.getvalue(), "error": error}


def run_example(namespace, example, seconds):
    source = example["source"]
    result = {"source": source, "expected": example["want"]}
    try:
        with alarm.section(seconds), guarded():
            with redirected(Sink()):
                if example["want"] is None:
                    tree = ast.parse(source)
                    node = tree.body[0] if tree.body else None
                    if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare):
                        left = ast.Expression(node.test.left)
                        result["actual"] = short_repr(eval(compile(left, "<example>", "eval"), namespace))
                    exec(compile(tree, "<example>", "exec"), namespace)
                    result["ok"] = True
                elif example["want"] == "":
                    exec(compile(source, "<example>", "exec"), namespace)
                    result["ok"] = True
                else:
                    actual = eval(compile(source, "<example>", "eval"), namespace)
                    result["actual"] = short_repr(actual)
                    try:
                        wanted = eval(compile(example["want"], "<example>", "eval"), dict(namespace))
                        result["ok"] = bool(actual == wanted)
                    except Exception:
                        checker = doctest.OutputChecker()
                        result["ok"] = checker.check_output(
                            example["want"] + "\n", repr(actual) + "\n", doctest.NORMALIZE_WHITESPACE
                        )
    except SectionTimeLimitExceeded:
        result["ok"] = False
        result["error"] = f"Timed out after {seconds:g} seconds."
    except KeyboardInterrupt:
        raise
    except AssertionError:
        result["ok"] = False
    except BaseException as error:
        result["ok"] = False
        result["error"] = format_error(error)
    return result


def self_check(payload):
    answer = {"run": run_script(payload["raw"], payload["seconds"]), "examples": []}
    namespace = {}
    try:
        with alarm.section(payload["seconds"]), guarded():
            with redirected(Sink()):
                load_solution(payload["code"], namespace)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        answer["load_error"] = format_error(error)
        return answer
    if payload["entry_point"] not in namespace:
        answer["missing_entry_point"] = True
        return answer
    # MBPP+ prompts assert with math.isclose and no import; the solution's own globals stay
    # as it made them, so a missing import of its own still shows.
    scope = dict(namespace)
    scope.setdefault("math", math)
    for example in visible_examples(payload["prompt"], payload["entry_point"]):
        answer["examples"].append(run_example(scope, example, payload["seconds"]))
    return answer


# ---- plumbing -------------------------------------------------------------------------
OPERATIONS = {"ground_truth": ground_truth, "sanitize": sanitize, "self_check": self_check}


class Driver:
    """Holds the payloads that arrive over the comm, and runs the operation each call names."""

    def __init__(self, publish):
        """publish: sends one answer (a JSON-ready dict) to the caller."""
        self.payloads = {}
        self.publish = publish

    def on_open(self, channel, message):
        channel.on_msg(self.on_message)

    def on_message(self, message):
        data = message["content"]["data"]
        self.payloads[data["id"]] = data["payload"]

    def run(self, call_id):
        """Run the operation of the payload sent under call_id and publish its answer."""
        payload = self.payloads.pop(call_id, None)
        if payload is None:
            self.publish({"error": f"no payload arrived for call {call_id}"})
            return
        recursion_limit = sys.getrecursionlimit()
        try:
            if payload["op"] == "check":
                result = check(payload, lambda verdict: self.publish({"partial": verdict}))
            else:
                result = OPERATIONS[payload["op"]](payload)
            self.publish({"result": result})
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            self.publish({"error": format_error(error, skip_driver=False)})
        finally:
            # Solutions may change interpreter-wide settings; the next task starts clean.
            sys.setrecursionlimit(recursion_limit)


def install(comm_target, result_mime):
    """The driver of this kernel: payloads arrive over comms opened on comm_target, answers go out
    as display_data of result_mime. The kernel moves to a fresh temporary folder of its own."""
    from IPython.display import publish_display_data

    try:
        import numpy  # noqa: F401 -- loaded now: the comparison runs under the guard
    except ImportError:
        pass
    os.chdir(tempfile.mkdtemp(prefix="code-interpreter-eval-"))
    driver = Driver(lambda answer: publish_display_data({result_mime: answer}))
    import comm

    comm.get_comm_manager().register_target(comm_target, driver.on_open)
    return driver
