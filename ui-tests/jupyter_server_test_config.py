"""Jupyter server configuration of the UI tests (Galata).

Starts JupyterLab with Galata's test helpers, the code interpreter's server extension and its
labextension, on 127.0.0.1:$JUPYTER_PORT with the token $JUPYTER_TOKEN. When the Python package is
not pip-installed, the labextension built into jupyterlab_code_interpreter/labextension and the
module in the source tree are used directly.
"""

import os
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import jupyterlab
from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by traitlets when it loads the file)
configure_jupyter_server(c)

repo = Path(__file__).resolve().parent.parent
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("JUPYTER_PORT", "18888"))
c.IdentityProvider.token = os.environ.get("JUPYTER_TOKEN", "ui-tests-token")
c.ServerApp.root_dir = os.environ.get("JUPYTERLAB_GALATA_ROOT_DIR") or tempfile.mkdtemp(prefix="ci-ui-tests-")
c.LabApp.expose_app_in_browser = True
# Galata turns the XSRF check off; the tests keep it on, so that a browser logged in by cookie
# must send the XSRF header (token-authenticated requests are exempt, as in production).
c.ServerApp.disable_check_xsrf = False
# CI containers often run as root.
c.ServerApp.allow_root = True
# Real-time collaboration (jupyter-collaboration, in requirements-dev.txt) is on for every UI test:
# notebooks open as shared documents, which the collaboration server saves to disk. Its document
# history goes to a new folder of each run, not to the current folder (its default); everything
# else is jupyter-collaboration's default (docs/deployments.md, "Real-time collaboration").
try:
    distribution("jupyter-collaboration")
except PackageNotFoundError:
    raise SystemExit("The UI tests run with real-time collaboration: pip install -r requirements-dev.txt") from None
c.SQLiteYStore.db_path = str(Path(tempfile.mkdtemp(prefix="ci-ui-tests-ystore-")) / "ystore.db")

labextension_paths = [str(Path(jupyterlab.__file__).parent / "galata")]
try:
    distribution("jupyterlab-code-interpreter")
except PackageNotFoundError:
    # Not installed: serve the built labextension from the source tree under its package name.
    built = repo / "jupyterlab_code_interpreter" / "labextension"
    if not (built / "package.json").exists():
        raise SystemExit(f"Build the labextension first (jupyter labextension build .): {built} is missing") from None
    parent = Path(tempfile.mkdtemp(prefix="ci-labextensions-"))
    (parent / "jupyterlab-code-interpreter").symlink_to(built, target_is_directory=True)
    labextension_paths.append(str(parent))
    sys.path.insert(0, str(repo))
c.LabServerApp.extra_labextensions_path = labextension_paths
c.ServerApp.jpserver_extensions = {"jupyterlab_code_interpreter": True}
