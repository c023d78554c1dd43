# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The mention describer (kernel_side/mention_describer.py), called by the namespace inspector in a
real IPython shell as the kernel calls it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from kernel_side_support import inspection_limits, sent_as_text


@pytest.fixture
def describer() -> dict[str, Any]:
    return sent_as_text("mention_describer")


def mentioned(shell: InteractiveShell, describer: dict[str, Any], *names: str, **given: Any) -> dict[str, dict]:
    inspector = sent_as_text("namespace_inspector")
    limits = inspection_limits(mentions=list(names), **given)
    namespace = inspector["inspect_namespace"](limits, shell=shell, describe_mentions=describer["describe_mentions"])
    return {entry["name"]: entry for entry in namespace["mentioned"]}


def test_a_csv_file_with_a_semicolon_delimiter_and_a_decimal_comma(shell, describer, tmp_path):
    content = "product;price;stock\napple;1,25;10\npear;-0,5;3\nplum;2;7\n"
    (tmp_path / "prices.csv").write_text(content)
    entry = mentioned(shell, describer, "prices.csv")["prices.csv"]
    assert entry["kind"] == "file"
    assert entry["text"] == (
        f"{len(content)} bytes, 4 lines; first lines:\n{content.strip()}\n"
        "delimiter ';', decimal mark ',': read it with pd.read_csv('prices.csv', sep=';', decimal=',')\n"
        # pandas 3 names its string dtype str; earlier versions, object.
        f"columns: product {'str' if pd.__version__ >= '3' else 'object'}, price float64, stock int64"
    )


def test_a_table_s_column_names_are_given_as_data(shell, describer, tmp_path):
    (tmp_path / "sales.csv").write_text("region;revenue\nN;1,5\n")
    (tmp_path / "notes.txt").write_text("just words\nand more\n")
    entries = mentioned(shell, describer, "sales.csv", "notes.txt")
    assert entries["sales.csv"]["columns"] == ["region", "revenue"]
    assert "columns" not in entries["notes.txt"]


def test_a_file_with_dots_grouping_thousands_before_a_decimal_comma(shell, describer, tmp_path):
    content = "booking;account;amount\nB1;Payroll;7.620,87\nB2;Office;5.422,90\nB3;Travel;12,50\n"
    (tmp_path / "ledger.csv").write_text(content)
    text = mentioned(shell, describer, "ledger.csv")["ledger.csv"]["text"]
    assert (
        "delimiter ';', decimal mark ',', thousands separator '.': "
        "read it with pd.read_csv('ledger.csv', sep=';', decimal=',', thousands='.')\n"
    ) in text
    assert text.endswith("amount float64")


def test_quoted_numbers_grouped_by_commas_and_text_columns_of_percentages_or_money(shell, describer, tmp_path):
    # As DABench's election2016.csv writes them: the model passed diff and per_point_diff to
    # scipy as text.
    content = 'county,diff,per_point_diff,budget\nA,"37,410",15.17%,"$1,250.50"\nB,512,-3.5%,$12\nC,,,\n'
    (tmp_path / "votes.csv").write_text(content)
    text = mentioned(shell, describer, "votes.csv")["votes.csv"]["text"]
    assert "thousands separator ',': read it with pd.read_csv('votes.csv', thousands=',')\n" in text
    assert ", diff float64, per_point_diff " in text
    assert text.endswith(
        "\ntext columns that hold numbers: "
        "per_point_diff (percentages such as '15.17%': df['per_point_diff'].str.rstrip('%').astype(float)); "
        "budget (amounts such as '$1,250.50': df['budget'].str.replace(r'[$€£,]', '', regex=True).astype(float))"
    )


def test_a_text_column_of_words_is_not_called_numbers(shell, describer, tmp_path):
    (tmp_path / "mixed.csv").write_text("name,share\nA,15%\nB,about half\n")
    text = mentioned(shell, describer, "mixed.csv")["mixed.csv"]["text"]
    assert "text columns that hold numbers" not in text
    assert "thousands" not in text


def test_a_comma_separated_file_needs_no_options(shell, describer, tmp_path):
    (tmp_path / "plain.csv").write_text("a,b\n1.5,2\n")
    text = mentioned(shell, describer, "plain.csv")["plain.csv"]["text"]
    assert "delimiter ',', decimal mark '.': read it with pd.read_csv('plain.csv')\ncolumns: a float64, b int64" in text


def test_sniffs_the_delimiter_and_decimal_mark_of_the_first_lines(describer):
    sniff = describer["sniff_delimiter"]
    assert sniff(["a\tb", "1,5\t2"]) == ("\t", ",")
    assert sniff(["a|b", "1.5|2"]) == ("|", ".")
    # With commas as the delimiter, "1,5" is two fields, not a decimal.
    assert sniff(["a,b,c", "1,5,2"]) == (",", ".")
    assert sniff(["just words", "and more"]) == (None, ".")
    # A decimal comma after dots grouping thousands, and whether those dots are there.
    assert sniff(["a;b", "x;7.620,87"]) == (";", ",")
    thousands = describer["sniff_thousands"]
    assert thousands(["x;7.620,87"], ";", ",") == "."
    assert thousands(["x;20,87"], ";", ",") is None
    assert thousands(["x;7.620"], ";", ".") is None
    assert thousands(['x,"37,410",2'], ",", ".") == ","
    assert thousands(["x,37,410"], ",", ".") is None


def test_a_binary_file_a_folder_and_a_name_of_nothing(shell, describer, tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "b.txt").write_text("")
    (tmp_path / "results" / "a").mkdir()
    entries = mentioned(shell, describer, "blob.bin", "results", "missing.csv")
    assert entries["blob.bin"] == {"name": "blob.bin", "kind": "file", "text": "3 bytes, binary"}
    assert entries["results"] == {"name": "results", "kind": "folder", "text": "a/, b.txt"}
    assert entries["missing.csv"] == {"name": "missing.csv", "kind": "missing", "text": ""}


def test_a_dataframe_with_its_dtypes_first_rows_and_describe(shell, describer):
    shell.run_cell(
        "import pandas as pd\nsales = pd.DataFrame({'region': ['N', 'S', 'E', 'N'], 'amount': [10, 20, 30, 40]})"
    ).raise_error()
    text = mentioned(shell, describer, "sales")["sales"]["text"]
    assert text.startswith("shape: (4, 2)\ndtypes: region ")
    assert ", amount int64\nfirst rows:\n" in text
    assert "describe():\n" in text and "25.0" in text


def test_skips_the_slow_parts_once_the_allowance_is_spent(shell, describer, tmp_path):
    (tmp_path / "data.csv").write_text("a;b\n1,5;2\n")
    shell.run_cell("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})").raise_error()
    entries = mentioned(shell, describer, "df", "data.csv", allowance=0)
    assert "describe()" not in entries["df"]["text"]
    assert entries["data.csv"]["text"] == "10 bytes; first lines:\na;b\n1,5;2"


def test_a_value_is_its_type_and_repr_cut_to_the_limit(shell, describer):
    shell.run_cell("words = ['word'] * 100").raise_error()
    text = mentioned(shell, describer, "words", mentionChars=100)["words"]["text"]
    assert text.startswith("list: ['word', 'word'")
    assert len(text) == 100 and text.endswith("...")
