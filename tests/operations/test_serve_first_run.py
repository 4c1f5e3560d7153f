"""A real `notifier serve` on an empty database: e-mail and calendar links use the address it binds to unless
NOTIFIER_BASE_URL says otherwise, and the console says how to create the first administrator (issue 17, items 8-9)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import TOKEN
from tests.web.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _serve(tmp_path: Path, port: int, **env: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"serve-{port}.log"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "NOTIFIER_ENV": "test",
        "NOTIFIER_VAR_DIR": str(tmp_path),
        "NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / f'serve-{port}.db'}",
        "NOTIFIER_API_TOKEN": TOKEN,
        "NOTIFIER_SCHEDULER_ENABLED": "false",
        **env,
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "notifier.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server, log
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "notifier serve did not answer within 60 s"
        time.sleep(0.2)


def _calendar_url(port: int) -> str:
    answer = httpx.get(
        f"http://127.0.0.1:{port}/api/v1/calendar/token", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["url"]


def test_links_use_the_bound_address_and_the_console_explains_the_first_administrator(tmp_path):
    port = free_port()
    server, log = _serve(tmp_path, port)
    try:
        assert _calendar_url(port).startswith(f"http://127.0.0.1:{port}/calendar/")
    finally:
        server.terminate()
        server.wait(timeout=30)
    # A served process writes only JSON lines, so the hint is one of them.
    hints = [json.loads(line) for line in log.read_text().splitlines() if "first_run.no_administrator" in line]
    assert len(hints) == 1, log.read_text()
    hint = hints[0]
    assert "nobody can sign in yet" in hint["hint"]
    assert "users add --email" in hint["command"] and "--role administrator --password-stdin" in hint["command"]
    assert hint["then_open"] == f"http://127.0.0.1:{port}/signin"


def test_an_explicit_base_url_wins(tmp_path):
    port = free_port()
    server, _ = _serve(tmp_path, port, NOTIFIER_BASE_URL="https://meldplicht.example.org")
    try:
        assert _calendar_url(port).startswith("https://meldplicht.example.org/calendar/")
    finally:
        server.terminate()
        server.wait(timeout=30)
