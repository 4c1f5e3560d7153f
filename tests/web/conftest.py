"""Fixtures for the web pages: a signed-in TestClient per role, and a real server for the browser tests."""

import re
import socket
import threading
import time
from collections.abc import Iterator

import pyotp
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import Session

from notifier.accounts.users import create_user

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def add_user(app, email: str, role: str, *, totp: bool = False) -> str | None:
    """Creates a user; with totp=True enrols a TOTP secret and returns it."""
    with Session(app.state.engine) as session:
        user = create_user(
            session,
            email=email,
            name=email.split("@")[0],
            role=role,
            password=PASSWORD,
            actor_name="test",
            language="en",
        )
        secret = None
        if totp:
            secret = pyotp.random_base32()
            user.totp_secret, user.totp_enabled = secret, True
            session.add(user)
        session.commit()
    return secret


def sign_in(client: TestClient, email: str, secret: str | None = None) -> str:
    """Signs in through the pages; returns the CSRF token of the session."""
    token = csrf_of(client.get("/signin").text)
    page = client.post("/signin", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert page.status_code == 200, page.text
    if secret:
        token = csrf_of(page.text)
        page = client.post("/signin/totp", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
        assert page.status_code == 200
    return csrf_of(client.get("/account").text)


@pytest.fixture
def web_client(app) -> Iterator[TestClient]:
    """A client without the API bearer token: only the session cookie counts."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def signed_in(app):
    """signed_in(role) -> (client, csrf) for a user of that role with TOTP enrolled."""
    clients = []

    def make(role: str):
        email = f"{role}-{len(clients)}@example.org"
        secret = add_user(app, email, role, totp=True)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client, sign_in(client, email, secret)

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a background thread."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
