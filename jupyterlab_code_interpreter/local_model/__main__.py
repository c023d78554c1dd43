# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``python -m jupyterlab_code_interpreter.local_model serve|prepare``.

``serve`` runs the model server for an owner that reads its JSON-lines events (see ``server``);
``prepare`` only assembles and verifies the weights, so that the first ``serve`` does not copy
1 GB (scripts/setup and Binder's postBuild run it; ``serve`` still hashes the file it loads).
"""

from __future__ import annotations

import argparse
import sys
import time

from .catalog import MODELS, default_model, get_model
from .server import ServeOptions, default_threads, serve
from .weights import WeightsError, open_verified_weights


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_code_interpreter.local_model",
        description="The code interpreter's embedded local model (llama.cpp on loopback).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve", help="serve the model on 127.0.0.1, reporting JSON lines on stdout; ends at stdin's end of file"
    )
    chosen = serve_parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--model", choices=sorted(MODELS), help="catalog model (default: the installed one; 1.5b when both are)"
    )
    chosen.add_argument("--gguf", metavar="PATH", help="serve this GGUF file as it is instead")
    serve_parser.add_argument(
        "--context-size", type=_positive, default=8192, metavar="N", help="context window in tokens (%(default)s)"
    )
    serve_parser.add_argument(
        "--threads", type=_positive, default=default_threads(), metavar="N", help="CPU threads (%(default)s)"
    )
    prepare_parser = commands.add_parser("prepare", help="assemble and verify the weights, then exit")
    prepare_parser.add_argument(
        "--model", choices=sorted(MODELS), help="catalog model (default: the installed one; 1.5b when both are)"
    )
    return parser


def _prepare(model: str) -> int:
    spec = get_model(model)
    last_report = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last_report[0] < 1.0:
            return
        last_report[0] = now
        end = "\n" if done >= total else ""
        print(f"\r{stage} {spec.file_name}: {done >> 20}/{total >> 20} MiB", end=end, file=sys.stderr, flush=True)

    try:
        with open_verified_weights(spec, report) as weights:
            path = weights.path
    except WeightsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{spec.description}: {path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a command; returns the exit status."""
    args = _parser().parse_args(argv)
    model = args.model or default_model()[0]
    if args.command == "prepare":
        return _prepare(model)
    options = ServeOptions(spec=get_model(model), gguf=args.gguf, context_size=args.context_size, threads=args.threads)
    return serve(options)


if __name__ == "__main__":
    sys.exit(main())
