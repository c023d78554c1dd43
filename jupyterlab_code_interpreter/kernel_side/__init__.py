# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Python that runs inside the user's kernel, not in the server.

The TypeScript side bundles each module's source as text and sends it to the kernel, which runs it
in a globals dict of its own and calls one function with JSON arguments: the kernel need not have
this package installed (it may live in another environment, or behind a gateway). So each module
here imports only the standard library (and what the kernel already has loaded), and never another
module of this package; what one needs from another is passed in as an argument.
"""
