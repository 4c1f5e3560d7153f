"""The CI job for the package: build the wheel, install it (not editable) into a fresh virtualenv outside the
repository from the lock file, and run the commands an operator runs, then a real `notifier serve`.

The editable install the other tests use reads workflows/, templates/ and migrations/ from the source tree; only a
real wheel shows whether the package carries them. On PostgreSQL (NOTIFIER_TEST_DATABASE_URL) the same installed
service migrates and serves a database of its own there, through the `postgres` extra pinned in the lock.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from notifier.config import PROJECT_ROOT
from tests.conftest import fresh_database

TOKEN = "wheel-smoke-token-" + "z" * 24
VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]


def _run(cmd: list, *, timeout: int = 300, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check:
        assert result.returncode == 0, f"{cmd} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, virtualenv) with the wheel and the locked dependencies installed; no source tree on sys.path."""
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(PROJECT_ROOT.resolve())
    dist = root / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(PROJECT_ROOT)])
    (wheel,) = dist.glob("meldplicht-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # What the image and the systemd unit do: the hashed lock first, then the wheel alone.
    _run([*pip, "--require-hashes", "--only-binary", ":all:", "-r", str(PROJECT_ROOT / "requirements.lock")])
    _run([*pip, "--no-deps", str(wheel)])
    return wheel, venv


def _env(tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFIER_") and k != "PYTHONPATH"}
    env.update(NOTIFIER_VAR_DIR=str(tmp / "var"), NOTIFIER_LOG_JSON="true", **extra)
    return env


def test_the_wheel_carries_workflows_templates_migrations_and_static_files(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "notifier/_resources/workflows/facts.yaml",
        "notifier/_resources/workflows/cbw.yaml",
        "notifier/_resources/templates/pages/signin.html.j2",
        "notifier/_resources/templates/email/reminder.nl.txt.j2",
        "notifier/_resources/migrations/env.py",
        "notifier/web/static/style.css",
    ):
        assert required in names, f"{required} is not in {wheel.name}"
    versions = [n for n in names if n.startswith("notifier/_resources/migrations/versions/")]
    assert len(versions) == len(list((PROJECT_ROOT / "migrations" / "versions").glob("*.py")))
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_installed_commands_work_outside_the_repository(installed, tmp_path):
    _, venv = installed
    bin_ = venv / "bin"
    env = _env(tmp_path)
    where = _run([str(bin_ / "python"), "-c", "import notifier; print(notifier.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    for command in ("notifier", "meldplicht"):
        assert _run([str(bin_ / command), "--version"], cwd=tmp_path, env=env).stdout.strip() == f"meldplicht {VERSION}"

    deadlines = _run(
        [str(bin_ / "notifier"), "deadlines", "--regime", "cbw", "--aware-at", "2026-03-28T23:30:00+01:00", "--json"],
        cwd=tmp_path,
        env=env,
    )
    stages = {item["stage"]: item["due"] for item in json.loads(deadlines.stdout)}
    assert stages["early_warning"] == "2026-03-30T00:30:00+02:00"

    db_env = _env(tmp_path, NOTIFIER_DATABASE_URL=f"sqlite:///{tmp_path / 'db' / 'meldplicht.db'}")
    _run([str(bin_ / "notifier"), "db", "upgrade"], cwd=tmp_path, env=db_env)
    current = _run([str(bin_ / "notifier"), "db", "current"], cwd=tmp_path, env=db_env)
    assert "(head)" in current.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("content-type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode()


def test_installed_service_starts_migrates_and_answers(installed, tmp_path):
    _, venv = installed
    port = _free_port()
    with fresh_database(tmp_path, "wheel") as url:
        env = _env(tmp_path, NOTIFIER_DATABASE_URL=url, NOTIFIER_API_TOKEN=TOKEN, NOTIFIER_SCHEDULER_ENABLED="false")
        log = (tmp_path / "serve.log").open("w")
        server = subprocess.Popen(
            [str(venv / "bin" / "notifier"), "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    status, _, body = _get(base + "/healthz")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "notifier serve did not answer within 60 s"
                    time.sleep(0.2)
            assert status == 200, body
            # The start-up migration ran from the installed package's migrations.
            status, _, body = _get(base + "/readyz")
            assert status == 200 and json.loads(body)["checks"]["migrations"] == "ok", body

            assert _get(base + "/api/v1/incidents")[0] == 401
            status, kind, body = _get(base + "/api/v1/incidents", TOKEN)
            assert status == 200 and kind.startswith("application/json"), body

            status, kind, body = _get(base + "/signin")
            assert status == 200 and kind.startswith("text/html") and "<form" in body, body[:500]
            status, kind, body = _get(base + "/static/style.css")
            assert status == 200 and kind.startswith("text/css") and body.strip(), body[:200]
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


def test_the_wheel_needs_no_checkout_next_to_it(installed, tmp_path):
    """Moving the repository out of reach changes nothing: the installed package finds everything inside itself."""
    _, venv = installed
    probe = (
        "from notifier.resources import resource_dir;"
        "print('\\n'.join(str(resource_dir(n)) for n in ('workflows', 'templates', 'migrations')))"
    )
    paths = _run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=_env(tmp_path)).stdout.split()
    assert len(paths) == 3
    for path in map(Path, paths):
        assert path.is_relative_to(venv) and path.is_dir(), path
    assert shutil.which("notifier", path=str(venv / "bin"))
