# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The JupyterHub of docs/deployments.md on loopback, for the tests: configurable-http-proxy,
DummyAuthenticator, SimpleLocalProcessSpawner, two users with the extension in their servers, and the
provider's key in the Hub's model service (hub_service.py) only.

Used by tests_python/test_hub.py, and run as a script by the Galata Hub tests
(ui-tests/playwright.hub.config.ts): ``python tests_python/hub_deployment.py --port N --password P``
starts the scripted model and the Hub with its public URL on port N, prints ``READY <url>`` and
stops everything on SIGTERM."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from conftest import REPO, ScriptedModel, start_scripted_model, unassigned_loopback_port

SERVICE = "code-interpreter-model"
USERS = ("alice", "bob")
MODEL = "admins-model"
# The text protocol: the first answer is code, the answer after its execution result ends the turn.
SCRIPT = {
    "byLastUserMessageContains": {
        "Execution result": {"kind": "text", "content": "Done: the cell printed who ran it."},
    },
    "default": {
        "kind": "text",
        "content": "```python\nimport os\nprint('ran for', os.environ['JUPYTERHUB_USER'])\n```",
    },
}


def _chp() -> str:
    found = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    if found.exists():
        return str(found)
    on_path = shutil.which("configurable-http-proxy")
    if on_path is None:
        raise RuntimeError("configurable-http-proxy is not installed (npm ci installs it from devDependencies)")
    return on_path


@dataclass
class Hub:
    """The running Hub, its URLs and tokens."""

    url: str
    service_url: str
    admin_token: str
    home: Path
    model: ScriptedModel
    tokens: dict[str, str] = field(default_factory=dict)
    responses: list[bytes] = field(default_factory=list)

    def request(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        """A request to the Hub's public URL (through configurable-http-proxy); the body is kept
        so the test can check at the end that no response carried the key."""
        headers = {"Authorization": f"token {token}", **kwargs.pop("headers", {})}
        response = httpx.request(method, self.url + path, headers=headers, timeout=60, follow_redirects=False, **kwargs)
        self.responses.append(response.content + str(response.headers).encode())
        return response

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The Hub's REST API as the test's admin service."""
        return self.request(method, "hub/api/" + path, self.admin_token, **kwargs)

    def server_pid(self, user: str) -> int:
        """The pid of the user's single-user server (SimpleLocalProcessSpawner's state)."""
        model = self.api("GET", f"users/{user}").json()
        return int(model["servers"][""]["state"]["pid"])


def write_config(
    directory: Path, ports: dict[str, int], admin_token: str, model_url: str, key: str, password: str
) -> Path:
    """The jupyterhub_config.py of docs/deployments.md, with this run's ports and paths."""
    service_url = f"http://127.0.0.1:{ports['service']}"
    config = f'''
import sys

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports["public"]}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.command = [{_chp()!r}]
c.ConfigurableHTTPProxy.pid_file = {str(directory / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{directory / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(directory / "cookie_secret")!r}

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {set(USERS)!r}

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {str(directory / "home" / "{username}")!r}
c.Spawner.cmd = [{str(Path(sys.executable).parent / "jupyterhub-singleuser")!r}]
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
# The admin's settings, on the command line, which wins over the user's own config files.
c.Spawner.args = [
    "--ServerApp.jpserver_extensions=jupyterlab_code_interpreter=True",
    "--CodeInterpreter.base_url={service_url}/services/{SERVICE}/v1",
    "--CodeInterpreter.api_key_from_hub=True",
    "--CodeInterpreter.model={MODEL}",
    "--CodeInterpreter.lock_settings=True",
]
# CI runs as root; a real deployment spawns each user as themselves and needs no such flag.
c.Spawner.args += {["--allow-root"] if os.geteuid() == 0 else []!r}
# The server's own token may call the model service, and users may use it.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "access:services!service={SERVICE}"]

c.JupyterHub.services = [
    {{
        "name": "{SERVICE}",
        "url": "{service_url}",
        "command": [sys.executable, "-m", "jupyterlab_code_interpreter.hub_service",
                    "--requests-per-minute", "30", "--concurrent", "2"],
        "environment": {{
            "OPENAI_BASE_URL": "{model_url}",
            "OPENAI_API_KEY": "{key}",
            "CODE_INTERPRETER_MODEL": "{MODEL}",
        }},
    }},
    {{"name": "test-admin", "api_token": "{admin_token}"}},
]
c.JupyterHub.load_roles = [
    {{"name": "user", "scopes": ["self", "access:services!service={SERVICE}"]}},
    {{"name": "admin", "services": ["test-admin"]}},
]
'''
    path = directory / "jupyterhub_config.py"
    path.write_text(config)
    return path


@contextmanager
def running_hub(
    directory: Path, model: ScriptedModel, key: str, password: str | None = None, public_port: int | None = None
) -> Iterator[Hub]:
    """The Hub of docs/deployments.md in ``directory``, its model service forwarding to ``model``
    with ``key``, and alice's and bob's servers running, with a token for each user."""
    ports: dict[str, int] = {"public": public_port} if public_port else {}
    for name in ("public", "hub", "proxy_api", "service"):
        ports.setdefault(name, unassigned_loopback_port(set(ports.values())))
    admin_token = secrets.token_hex(16)
    config = write_config(directory, ports, admin_token, model.base_url, key, password or secrets.token_hex(8))
    env = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "CODE_INTERPRETER_"))}
    # The package under test, in the Hub, its service and (Spawner.env_keep) the users' servers.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    log = (directory / "jupyterhub.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=directory, env=env, stdout=log, stderr=log
    )
    hub = Hub(
        f"http://127.0.0.1:{ports['public']}/",
        f"http://127.0.0.1:{ports['service']}",
        admin_token,
        directory / "home",
        model,
    )
    try:
        wait_for(lambda: _answers(hub.url + "hub/api/"), 60, "the Hub did not start", directory)
        hub.api("POST", "users", json={"usernames": list(USERS)})
        for user in USERS:
            response = hub.api("POST", f"users/{user}/server")
            if response.status_code not in (201, 202):
                raise RuntimeError(f"{user}'s server was not started: {response.status_code} {response.text}")
        for user in USERS:
            wait_for(
                lambda user=user: hub.api("GET", f"users/{user}").json()["servers"].get("", {}).get("ready"),
                120,
                f"{user}'s server did not start",
                directory,
            )
            hub.tokens[user] = hub.api("POST", f"users/{user}/tokens", json={"note": "test"}).json()["token"]
        yield hub
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(condition: Any, seconds: float, message: str, directory: Path) -> None:
    """Poll ``condition`` until it holds, else fail with the end of the Hub's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    log = (directory / "jupyterhub.log").read_text()[-4000:]
    raise RuntimeError(f"{message} within {seconds:g} s; the Hub's log ends:\n{log}")


def main() -> None:
    """Serve the Hub until SIGTERM, for the browser tests."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the Hub's public port")
    parser.add_argument("--password", required=True, help="the shared password of the users")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with tempfile.TemporaryDirectory(prefix="hub-ui-") as folder:
        directory = Path(folder)
        key = "sk-hub-ui-" + secrets.token_hex(8)
        model = start_scripted_model(directory, "hub", SCRIPT, api_key=key)
        try:
            with running_hub(directory, model, key, args.password, args.port) as hub:
                print(f"READY {hub.url}", flush=True)
                stop.wait()
        finally:
            model.stop()


if __name__ == "__main__":
    main()
