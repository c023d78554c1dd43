# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The namespace inspector (kernel_side/namespace_inspector.py) in a real IPython shell."""

from __future__ import annotations

import json
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from kernel_side_support import inspection_limits, sent_as_text


@pytest.fixture
def inspector() -> dict[str, Any]:
    return sent_as_text("namespace_inspector")


def run(shell: InteractiveShell, code: str) -> None:
    result = shell.run_cell(code, store_history=True)
    result.raise_error()


def test_describes_a_dataframe_with_columns_nulls_and_first_rows(shell, inspector):
    run(
        shell,
        "import pandas as pd\n"
        "df = pd.DataFrame({'city': ['Oslo', 'Lima', None], 'temp': [3.5, 19.0, 11.25]})\n"
        "answer = 42\n",
    )
    namespace = inspector["inspect_namespace"](inspection_limits(), shell=shell)
    frame = namespace["variables"][0]
    assert frame["name"] == "df"
    assert frame["kind"] == "dataframe"
    assert frame["type"] == "DataFrame"
    assert frame["shape"] == [3, 2]
    assert [column[0] for column in frame["columns"]] == ["city", "temp"]
    assert frame["columns"][0][2] == 1
    assert frame["columns"][1] == ["temp", "float64", 0]
    assert frame["head"][0] == ["Oslo", "3.5"]
    assert frame["bytes"] > 0
    assert {"name": "answer", "kind": "scalar", "type": "int", "value": "42"} in namespace["variables"]
    assert namespace["modules"] == [["pd", "pandas"]]
    assert namespace["total"] == 2
    assert namespace["partial"] is False


def test_ranks_frames_and_arrays_first_then_the_newest(shell, inspector):
    run(
        shell,
        "import numpy as np\n"
        "def f(): pass\n"
        "first = [1, 2]\n"
        "matrix = np.zeros((20, 3))\n"
        "second = {'a': 1}\n"
        "label = 'x' * 200\n",
    )
    variables = inspector["inspect_namespace"](inspection_limits(), shell=shell)["variables"]
    assert [v["name"] for v in variables] == ["matrix", "label", "second", "first", "f"]
    assert variables[0] == {
        "name": "matrix",
        "kind": "array",
        "type": "ndarray",
        "shape": [20, 3],
        "dtype": "float64",
        "bytes": 480,
    }
    assert len(variables[1]["value"]) == 60 and variables[1]["value"].endswith("...")
    assert variables[2]["length"] == 1 and variables[2]["kind"] == "collection"
    assert variables[4]["kind"] == "callable"


def test_leaves_out_hidden_and_private_names_and_stops_at_the_limit(shell, inspector):
    run(shell, "_private = 1\n" + "\n".join(f"v{i} = {i}" for i in range(10)))
    namespace = inspector["inspect_namespace"](inspection_limits(variables=3), shell=shell)
    assert namespace["total"] == 10
    assert [v["name"] for v in namespace["variables"]] == ["v9", "v8", "v7"]
    assert all(not v["name"].startswith("_") and v["name"] not in ("In", "Out") for v in namespace["variables"])


def test_describes_by_type_alone_once_the_allowance_is_spent(shell, inspector):
    run(shell, "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})")
    namespace = inspector["inspect_namespace"](inspection_limits(allowance=0), shell=shell)
    assert namespace["partial"] is True
    assert namespace["variables"] == [{"name": "df", "kind": "dataframe", "type": "DataFrame", "shape": [2, 1]}]


def test_lists_the_working_folder_and_the_importable_packages(shell, inspector, tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "results").mkdir()
    (tmp_path / "work.ipynb").write_text("{}")
    namespace = inspector["inspect_namespace"](
        inspection_limits(packages=["json", "no_such_package_here"]), shell=shell
    )
    assert namespace["cwd"] == str(tmp_path)
    assert namespace["files"] == [["data.csv", 8], ["results/", None], ["work.ipynb", None]]
    assert namespace["filesTotal"] == 3
    assert namespace["filesCapped"] is False
    assert namespace["packages"] == ["json"]


def test_answers_json_through_its_repr_and_leaves_no_name_behind(shell, inspector):
    run(shell, "answer = 41 + 1")
    before = set(shell.user_ns)
    # Without a shell given, the inspector finds IPython's own: the one running.
    reply = inspector["inspect_namespace_reply"](inspection_limits())
    assert json.loads(repr(reply))["variables"] == [{"name": "answer", "kind": "scalar", "type": "int", "value": "42"}]
    assert set(shell.user_ns) == before


def test_describes_mentions_with_the_describer_it_is_given(shell, inspector):
    describer = sent_as_text("mention_describer")
    run(shell, "answer = 42")
    namespace = inspector["inspect_namespace"](
        inspection_limits(mentions=["answer", "nothing.csv"]),
        shell=shell,
        describe_mentions=describer["describe_mentions"],
    )
    assert namespace["mentioned"] == [
        {"name": "answer", "kind": "variable", "text": "int: 42"},
        {"name": "nothing.csv", "kind": "missing", "text": ""},
    ]
