"""Real `notifier serve` processes for the proof scripts and their tests: free ports, start, wait, kill.

A server runs as `python -m proof.serve serve ...`, which is `notifier serve` with an optional clock offset
(PROOF_CLOCK_OFFSET_SECONDS) so a restart test can start the service "hours later" without waiting for them.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
API_TOKEN = "proof-api-token-" + "a" * 24
INTAKE_TOKEN = "proof-intake-token-" + "i" * 24
SECRET_KEY = "proof-secret-key-" + "s" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFIER_")}
    env.update(
        NOTIFIER_DATABASE_URL=database_url,
        NOTIFIER_VAR_DIR=str(var_dir),
        NOTIFIER_API_TOKEN=API_TOKEN,
        NOTIFIER_INTAKE_TOKEN=INTAKE_TOKEN,
        NOTIFIER_SECRET_KEY=SECRET_KEY,
        NOTIFIER_ENV="test",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    args: tuple[str, ...] = ()  # more `serve` arguments, e.g. ("--workers", "2")
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "proof.serve", "serve", "--port", str(self.port), *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=out,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; log: {self.log_path}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not become ready in {timeout} s; log: {self.log_path}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it accepted."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list = []
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
                with sink._lock:
                    sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def mail_keys(self) -> list[str]:
        with self._lock:
            return [str(m["X-Meldplicht-Key"]) for m in self.messages]

    def env(self) -> dict[str, str]:
        """The settings that send the service's mail here."""
        return {"NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(self.port)}

    def close(self) -> None:
        self._controller.stop()


ORGANISATION = {
    "name": "Ziekenhuis Rivierenland",
    "kvk_number": "41234567",
    "sector": "health",
    "entity_type": "healthcare_provider",
    "staff_count": 2400,
    "annual_turnover_eur": 310_000_000,
    "balance_sheet_eur": 250_000_000,
    "trust_service_provider": False,
    "timezone": "Europe/Amsterdam",
    "contacts": [
        {
            "name": "Anna de Vries",
            "email": "a.devries@zrl.example",
            "phone": "+31 88 123 4567",
            "role": "reporting_officer",
        },
    ],
}


def report(name: str, problems: list[str], ok: str) -> int:
    """A proof script's verdict on stdout; its exit status."""
    for problem in problems:
        print("BROKEN:", problem)
    print(f"{name}:", "FAILED" if problems else f"ok: {ok}")
    return 1 if problems else 0


def api(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30)
