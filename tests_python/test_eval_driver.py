# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The benchmark harness's kernel-side driver (kernel_side/eval_driver.py): its operations through
Driver.run, as the kernel runs them when the TypeScript side calls, with payloads as they arrive
over the comm."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from kernel_side_support import sent_as_text

PROMPT = '''def add(a, b):
    """Add two numbers.
    >>> add(2, 3)
    5
    >>> add(1, 1)
    3
    """
'''
TASK = {
    "task_id": "HumanEval/0",
    "prompt": PROMPT,
    "canonical_solution": "    return a + b\n",
    "entry_point": "add",
    "base_input": [[1, 2], [0, 0]],
    "plus_input": [[10**6, 1]],
}


@pytest.fixture
def driver_module() -> dict[str, Any]:
    return sent_as_text("eval_driver")


class Calls:
    """A driver whose payloads are delivered as comm messages and whose answers are kept."""

    def __init__(self, module: dict[str, Any]):
        self.answers: list[dict[str, Any]] = []
        self.driver = module["Driver"](self.answers.append)
        self.count = 0

    def __call__(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        self.count += 1
        call_id = f"c{self.count}"
        self.driver.on_message({"content": {"data": {"id": call_id, "payload": payload}}})
        start = len(self.answers)
        self.driver.run(call_id)
        return self.answers[start:]


@pytest.fixture
def call(driver_module) -> Calls:
    return Calls(driver_module)


def test_sanitizes_an_answer_to_the_entry_point_what_it_needs_and_the_prompts_imports(call):
    code = "\n".join(
        [
            "import os",
            "LIMIT = 3",
            "UNUSED = 4",
            "def helper(x):",
            "    return x + LIMIT",
            "def add(a, b: List[int]):",
            "    return helper(a) + b",
            "print(add(1, 2))",
            "if __name__ == '__main__':",
            "    add(0, 0)",
        ]
    )
    [answer] = call({"op": "sanitize", "code": code, "entry_point": "add", "prompt": "from typing import List\n"})
    assert answer["result"] == {
        "code": "from typing import List\n\nimport os\n\nLIMIT = 3\n\ndef helper(x):\n    return x + LIMIT\n\n"
        "def add(a, b: List[int]):\n    return helper(a) + b\n",
        "has_entry_point": True,
        "parsed": True,
    }


def test_sanitizes_the_longest_prefix_that_parses(call):
    [answer] = call({"op": "sanitize", "code": "def add(a, b):\n    return a + b\nthis is prose", "entry_point": "add"})
    assert answer["result"]["code"] == "def add(a, b):\n    return a + b\n"


def test_computes_ground_truth_then_checks_solutions_section_by_section(call, tmp_path):
    truth_file = str(tmp_path / "truth" / "HumanEval_0.pkl")
    task = json.dumps(TASK)
    [answer] = call(
        {"op": "ground_truth", "task": task, "dataset": "humaneval", "sections": ["base", "plus"], "file": truth_file}
    )
    times = answer["result"]
    assert len(times["base_time"]) == 2 and len(times["plus_time"]) == 1
    assert os.path.exists(truth_file)

    def check(code: str) -> list[dict[str, Any]]:
        return call(
            {
                "op": "check",
                "task": task,
                "dataset": "humaneval",
                "code": code,
                "truth_file": truth_file,
                "sections": ["base", "plus"],
                "limits": {"base": [1.0, 1.0], "plus": [1.0]},
                "budgets": {"base": 5.0, "plus": 5.0},
            }
        )

    right = check(PROMPT + "    return b + a\n")
    assert [a.get("partial", {}).get("status") for a in right] == ["pass", "pass", None]
    assert right[-1] == {"result": {"done": True}}

    wrong = check(PROMPT + "    return a + b if a < 1000 else 0\n")
    assert wrong[0]["partial"]["status"] == "pass"
    assert wrong[1]["partial"] == {
        "status": "fail",
        "passed": 0,
        "total": 1,
        "failure": {"kind": "wrong", "index": 0, "expected": "1000001", "actual": "0", "input": "(1000000, 1)"},
        "section": "plus",
    }

    slow = check(PROMPT + "    while True:\n        pass\n")
    failure = slow[0]["partial"]["failure"]
    assert slow[0]["partial"]["status"] == "fail"
    assert failure["kind"] == "timeout" and failure["limit"] == 1.0


def test_check_asks_for_ground_truth_when_its_file_is_gone(call, tmp_path):
    [answer] = call(
        {
            "op": "check",
            "task": json.dumps(TASK),
            "dataset": "humaneval",
            "code": PROMPT,
            "truth_file": str(tmp_path / "none.pkl"),
            "sections": ["base"],
            "limits": {"base": [1.0, 1.0]},
            "budgets": {"base": 5.0},
        }
    )
    assert answer == {"result": {"missing_truth": True}}


def test_self_check_runs_the_script_and_the_prompts_visible_examples(call):
    code = PROMPT + "    return a + b\n"
    [answer] = call(
        {
            "op": "self_check",
            "raw": code + "print(add(2, 2))\n",
            "code": code,
            "prompt": PROMPT,
            "entry_point": "add",
            "seconds": 5,
        }
    )
    result = answer["result"]
    assert result["run"] == {"status": "ok", "output": "4\n", "error": None}
    assert result["examples"] == [
        {"source": "add(2, 3)", "expected": "5", "actual": "5", "ok": True},
        {"source": "add(1, 1)", "expected": "3", "actual": "2", "ok": False},
    ]


WRITTEN_EXAMPLES = '''def f(xs, n):
    """Examples:
    f([1, 2], 3) ==> True
    f([1, 2], 4) => false
    * f([], 0) -> []
    f('a(b', 1) \u279e 'a(b'
    f("x", 2)   # returns "xx"
    f({"k": 1}, 0) should return None.
    f([3], 1) returns [3] # the list itself
    f([1], 1) == 1
    f(x, 2) => 4
    f([1], 2) -> 1 + 1 = 2
    f(1) = 3
    f([1,
    Call f(1, 2) ==> 3 in prose.
    """
'''


def test_example_lines_written_with_arrows_and_words_are_read(driver_module):
    examples = driver_module["visible_examples"](WRITTEN_EXAMPLES, "f")
    assert examples == [
        {"source": "f([1, 2], 3)", "want": "True"},
        {"source": "f([1, 2], 4)", "want": "False"},
        {"source": "f([], 0)", "want": "[]"},
        {"source": "f('a(b', 1)", "want": "'a(b'"},
        {"source": 'f("x", 2)', "want": '"xx"'},
        {"source": 'f({"k": 1}, 0)', "want": "None"},
        {"source": "f([3], 1)", "want": "[3]"},
        {"source": "f([1], 1)", "want": "1"},
    ]
    # Without the entry point (the old call), only doctest and assert lines count.
    assert driver_module["visible_examples"](WRITTEN_EXAMPLES) == []


def test_self_check_runs_written_examples(call):
    prompt = 'def double(x):\n    """double(2) ==> 4\n    double(0) \u279e 0\n    """\n'
    [answer] = call(
        {
            "op": "self_check",
            "raw": prompt + "    return x + 2\n",
            "code": prompt + "    return x + 2\n",
            "prompt": prompt,
            "entry_point": "double",
            "seconds": 5,
        }
    )
    assert [(e["source"], e["ok"]) for e in answer["result"]["examples"]] == [("double(2)", True), ("double(0)", False)]


def test_disables_file_removal_while_a_solution_runs_and_puts_it_back(call, tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text("x")
    raw = f"import os\nos.remove({str(keep)!r})\n"
    [answer] = call({"op": "self_check", "raw": raw, "code": "", "prompt": "", "entry_point": "f", "seconds": 5})
    run = answer["result"]["run"]
    assert run["status"] == "error"
    assert "TypeError: 'NoneType' object is not callable" in run["error"]
    # The driver's own frames are left out of the traceback the model reads.
    assert "eval_driver" not in run["error"]
    assert keep.exists()
    assert callable(os.remove) and callable(open)


def test_an_unknown_call_and_a_failing_operation_are_answered_as_errors(call):
    call.driver.run("never-sent")
    assert call.answers[-1] == {"error": "no payload arrived for call never-sent"}
    [answer] = call({"op": "sanitize"})
    assert "KeyError: 'code'" in answer["error"]


def test_install_registers_the_comm_target_and_publishes_display_data(driver_module, monkeypatch, tmp_path):
    import comm
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.chdir(tmp_path)
    registered = {}

    class Manager:
        def register_target(self, name, callback):
            registered[name] = callback

    published = []
    monkeypatch.setattr(comm, "get_comm_manager", lambda: Manager())
    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kwargs: published.append(data))
    driver = driver_module["install"](comm_target="target-name", result_mime="application/x-test+json")
    workdir = Path.cwd()
    assert workdir.name.startswith("code-interpreter-eval-")
    os.chdir(tmp_path)
    workdir.rmdir()
    assert registered["target-name"] == driver.on_open
    driver.on_message(
        {"content": {"data": {"id": "c1", "payload": {"op": "sanitize", "code": "x = 1", "entry_point": "f"}}}}
    )
    driver.run("c1")
    assert published == [
        {"application/x-test+json": {"result": {"code": "\n", "has_entry_point": False, "parsed": True}}}
    ]
