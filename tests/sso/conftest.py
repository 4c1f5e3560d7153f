"""A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider on Node (tests/sso/provider).

`oidc_provider` starts one per call (each on a free loopback port, stopped at teardown). The provider side is driven
with a plain `httpx.Client(follow_redirects=False)`: the relying party under test is a Starlette TestClient at
http://testserver, which no real HTTP client can reach, so a test carries each redirect across by hand. `follow`,
`login` and `confirm_logout` walk the provider's own redirects and hand back the first response that leaves it.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

PROVIDER_DIR = Path(__file__).parent / "provider"
# Node starts in well under a second here; the ceiling is for a loaded two-core machine (20 s was once too
# little with two suites running side by side).
READY_TIMEOUT = 60.0
# The longest legitimate chain is authorize -> login page and login -> resume -> consent -> resume -> client.
REDIRECT_LIMIT = 10


@dataclass
class Provider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen
    stderr_file: Path
    clients: list[dict[str, Any]] = field(default_factory=list)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def write_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        """Replaces the accounts; the provider reads the file on every account look-up, so the next sign-in sees it."""
        staging = self.accounts_file.with_suffix(".staging")
        staging.write_text(json.dumps(accounts), encoding="utf-8")
        # A rename, so the provider never reads a half-written file.
        os.replace(staging, self.accounts_file)

    def stderr(self) -> str:
        return self.stderr_file.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _pinned_version() -> str:
    return json.loads((PROVIDER_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]["oidc-provider"]


def _installed_version() -> str | None:
    installed = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
    if not installed.is_file():
        return None
    return json.loads(installed.read_text(encoding="utf-8"))["version"]


@pytest.fixture(scope="session")
def oidc_provider_installed() -> Path:
    """node_modules as package-lock.json says: scripts/test.sh runs `npm ci`; a plain local pytest gets it here once."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the single sign-on tests need Node.js to run the OpenID provider")
    if _installed_version() != _pinned_version():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not installed: it installs the OpenID provider (tests/sso/provider)")
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci in {PROVIDER_DIR} failed:\n{result.stdout}\n{result.stderr}")
    return Path(node)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def oidc_provider(oidc_provider_installed: Path, tmp_path: Path) -> Iterator[Callable[..., Provider]]:
    """start(clients=[...], accounts={...}, code_ttl=60) -> Provider, running until the test ends."""
    started: list[Provider] = []

    def start(
        *, clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]] | None = None, code_ttl: int = 60
    ) -> Provider:
        number = len(started)
        accounts_file = tmp_path / f"oidc-accounts-{number}.json"
        stdout_file = tmp_path / f"oidc-provider-{number}.stdout"
        stderr_file = tmp_path / f"oidc-provider-{number}.stderr"
        port = _free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "ACCOUNTS_FILE": str(accounts_file),
            "CLIENTS": json.dumps(clients),
            "CODE_TTL": str(code_ttl),
        }
        # Files, not pipes: nobody reads the provider's output while the test runs, and a full pipe would stall it.
        with stdout_file.open("wb") as stdout, stderr_file.open("wb") as stderr:
            process = subprocess.Popen(
                [str(oidc_provider_installed), "provider.mjs"],
                cwd=PROVIDER_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        provider = Provider(
            issuer=f"http://127.0.0.1:{port}",
            accounts_file=accounts_file,
            process=process,
            stderr_file=stderr_file,
            clients=clients,
        )
        provider.write_accounts(accounts or {})
        started.append(provider)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if stdout_file.read_text(encoding="utf-8", errors="replace").startswith(f"ready {provider.issuer}\n"):
                return provider
            if process.poll() is not None:
                pytest.fail(f"the OpenID provider exited with {process.returncode}:\n{provider.stderr()}")
            if time.monotonic() > deadline:
                provider.stop()
                pytest.fail(f"the OpenID provider was not ready within {READY_TIMEOUT} s:\n{provider.stderr()}")
            time.sleep(0.05)

    yield start
    for provider in started:
        provider.stop()


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def follow(http: httpx.Client, response_or_url: httpx.Response | str) -> httpx.Response:
    """Follows redirects while they stay on the origin they started from; returns the first response that does not.

    That is either a page of the provider (the login form, an error) or a redirect leaving it (to the relying party's
    redirect_uri, with the code and state in its Location).
    """
    response = response_or_url if isinstance(response_or_url, httpx.Response) else http.get(response_or_url)
    origin = response.request.url
    for _ in range(REDIRECT_LIMIT):
        if not response.is_redirect:
            return response
        target = response.request.url.join(response.headers["location"])
        if not _same_origin(target, origin):
            return response
        response = http.get(target)
    raise AssertionError(f"more than {REDIRECT_LIMIT} redirects within {origin}")


_LOGIN_FORM = re.compile(r'<form method="post" action="([^"]+)">')


def login(http: httpx.Client, interaction_url: str, account: str) -> httpx.Response:
    """Signs in as `account` on the provider's login page at `interaction_url` (or an authorize URL that leads there).

    Returns the provider's last response: the redirect to the client's redirect_uri when the sign-in went through
    (consent is granted automatically), or the provider's 400 page for an unknown account.
    """
    page = follow(http, interaction_url)
    assert page.status_code == 200, f"no login page at {page.request.url}: {page.status_code} {page.text[:500]}"
    match = _LOGIN_FORM.search(page.text)
    assert match, f"no login form at {page.request.url}: {page.text[:500]}"
    submitted = http.post(page.request.url.join(unescape(match.group(1))), data={"login": account})
    return follow(http, submitted)


_LOGOUT_FORM = re.compile(r'<form id="op.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf"')
_XSRF = re.compile(r'name="xsrf" value="([^"]+)"')


def confirm_logout(http: httpx.Client, end_session_url: str) -> httpx.Response:
    """Opens the provider's end_session URL (as the relying party's logout redirect gave it) and confirms the sign-out.

    Returns the provider's last response: the redirect to the post_logout_redirect_uri, or its own success page.
    """
    page = follow(http, end_session_url)
    assert page.status_code == 200, f"no logout page at {page.request.url}: {page.status_code} {page.text[:500]}"
    action, xsrf = _LOGOUT_FORM.search(page.text), _XSRF.search(page.text)
    assert action and xsrf, f"no logout form at {page.request.url}: {page.text[:500]}"
    submitted = http.post(
        page.request.url.join(unescape(action.group(1))), data={"xsrf": unescape(xsrf.group(1)), "logout": "yes"}
    )
    return follow(http, submitted)
