# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The kernel-side modules as the kernel gets them, and the limits the TypeScript side sends the
namespace inspector (the `shell` fixture, a real IPython shell to run them in, is in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

KERNEL_SIDE = Path(__file__).resolve().parent.parent / "jupyterlab_code_interpreter" / "kernel_side"


def sent_as_text(module: str) -> dict[str, Any]:
    """The globals of a kernel-side module run from its source in a dict of its own, as the
    TypeScript side sends it (src/kernel/kernelSidePython.ts): a module that imported another of
    this package, which the kernel may not have, fails here."""
    source = (KERNEL_SIDE / f"{module}.py").read_text(encoding="utf-8")
    scope: dict[str, Any] = {"__name__": f"<code-interpreter {module}>"}
    exec(compile(source, f"<code-interpreter {module}>", "exec"), scope)
    return scope


def inspection_limits(**given: Any) -> dict[str, Any]:
    """The namespace inspector's limits as the agent sends them by default, with `given` replacing
    some."""
    return {
        "variables": 60,
        "files": 20,
        "columns": 30,
        "frames": 8,
        "allowance": 5000,
        "mentions": [],
        "mentionChars": 3000,
        "packages": [],
        **given,
    }
