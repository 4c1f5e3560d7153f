"""Which client address a real `notifier serve` believes: NOTIFIER_TRUSTED_PROXIES alone decides.

The FastAPI TestClient skips uvicorn's own layers; uvicorn's proxy-header handling believed `X-Forwarded-For` from
127.0.0.1 before the app's setting was consulted, so a client rotating made-up addresses was never limited. These
tests run the real server (one process and `--workers 2`) on a free loopback port.
"""

import re

import httpx
import pytest

from proof.harness import INTAKE_TOKEN, Server, base_env
from tests.intake.conftest import generic

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ATTEMPTS = 15  # the sign-in limit is 10 failures per client address per 15 minutes
INTAKE_FAILURES_PER_MINUTE = 5


def _start(tmp_path_factory, name: str, workers: int, **extra: str) -> Server:
    tmp = tmp_path_factory.mktemp(name)
    env = base_env(
        f"sqlite:///{tmp}/notifier.db",
        tmp / "var",
        NOTIFIER_SCHEDULER_ENABLED="false",
        NOTIFIER_INTAKE_WRITER="thread",
        NOTIFIER_INTAKE_AUTH_FAILURES_PER_MINUTE=str(INTAKE_FAILURES_PER_MINUTE),
        **extra,
    )
    args = ("--workers", str(workers)) if workers > 1 else ()
    return Server(env, log_path=tmp / "serve.log", args=args).start()


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-workers"])
def untrusting(request, tmp_path_factory):
    server = _start(tmp_path_factory, "untrusting", request.param)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory):
    server = _start(tmp_path_factory, "behind-proxy", 1, NOTIFIER_TRUSTED_PROXIES="127.0.0.1")
    yield server
    server.stop()


def wrong_sign_in(server: Server, n: int, forwarded_for: str) -> int:
    with httpx.Client(base_url=server.url, headers={"Accept-Language": "en"}, timeout=30) as client:
        page = client.get("/signin", headers={"X-Forwarded-For": forwarded_for})
        token = CSRF.search(page.text).group(1)
        answer = client.post(
            "/signin",
            data={"csrf_token": token, "email": f"user{n}@example.org", "password": "wrong password!!"},
            headers={"X-Forwarded-For": forwarded_for},
        )
    return answer.status_code


def wrong_intake_token(server: Server, forwarded_for: str) -> int:
    # A new connection each time, so `--workers 2` spreads the attempts over both processes.
    answer = httpx.post(
        server.url + "/api/v1/intake/generic",
        json={"id": "a-1", "title": "x", "severity": "high"},
        headers={"Authorization": "Bearer wrong-token", "X-Forwarded-For": forwarded_for},
        timeout=30,
    )
    return answer.status_code


def test_made_up_forwarded_addresses_do_not_escape_the_sign_in_limit(untrusting):
    codes = [wrong_sign_in(untrusting, i, f"198.51.100.{i}") for i in range(ATTEMPTS)]
    assert codes == [401] * 10 + [429] * (ATTEMPTS - 10)


def test_made_up_forwarded_addresses_do_not_escape_the_intake_credential_limit(untrusting):
    codes = [wrong_intake_token(untrusting, f"203.0.113.{i}") for i in range(ATTEMPTS)]
    assert set(codes) == {401, 429}
    # The budget is per process: with two workers each may spend its own before refusing, and which worker
    # takes the next connection is the kernel's choice, so only the one process has a known last answer.
    assert codes.count(401) <= INTAKE_FAILURES_PER_MINUTE * (2 if untrusting.args else 1)
    if not untrusting.args:
        assert codes[INTAKE_FAILURES_PER_MINUTE:] == [429] * (ATTEMPTS - INTAKE_FAILURES_PER_MINUTE)


def test_a_trusted_proxy_s_forwarded_addresses_count_separately(behind_proxy):
    spread = [wrong_sign_in(behind_proxy, i, f"198.51.100.{i}") for i in range(ATTEMPTS)]
    assert spread == [401] * ATTEMPTS
    one = [wrong_sign_in(behind_proxy, i, "192.0.2.7") for i in range(11)]
    assert one == [401] * 10 + [429]
    intake_spread = [wrong_intake_token(behind_proxy, f"203.0.113.{i}") for i in range(ATTEMPTS)]
    assert intake_spread == [401] * ATTEMPTS
    intake_one = [wrong_intake_token(behind_proxy, "192.0.2.8") for _ in range(INTAKE_FAILURES_PER_MINUTE + 1)]
    assert intake_one == [401] * INTAKE_FAILURES_PER_MINUTE + [429]


def test_intake_with_the_right_token_is_not_refused_for_others_failures(untrusting):
    # Sanity of the set-up: the 429s above are about wrong credentials, not the intake being down.
    answer = httpx.post(
        untrusting.url + "/api/v1/intake/generic",
        json=generic("ok-1"),
        headers={"Authorization": f"Bearer {INTAKE_TOKEN}"},
        timeout=30,
    )
    assert answer.status_code in {200, 202}
