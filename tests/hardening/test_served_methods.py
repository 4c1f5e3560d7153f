"""HEAD and OPTIONS against a real `notifier serve` (the intake fast path sits in front of everything)."""

import re

import httpx
import pytest

from proof.harness import API_TOKEN, INTAKE_TOKEN, Server, base_env
from tests.intake.conftest import generic

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
WEB_PATHS = [
    "/",
    "/signin",
    "/signin/totp",
    "/account",
    "/incidents/new",
    "/incidents/1",
    "/reply/abc",
    "/calendar/x.ics",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("methods")
    env = base_env(f"sqlite:///{tmp}/notifier.db", tmp / "var", NOTIFIER_INTAKE_WRITER="thread")
    server = Server(env, log_path=tmp / "serve.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/signin", "/api/v1/incidents", "/openapi.json"])
def test_head_answers_like_get_without_the_body(client, path):
    get = client.get(path, headers=AUTH)
    head = client.head(path, headers=AUTH)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["x-content-type-options"] == "nosniff"  # the security headers as on every answer


def test_head_on_a_page_that_needs_sign_in_redirects_like_get(client):
    assert client.head("/").status_code == client.get("/").status_code == 303


def test_head_on_a_static_file(client):
    css = re.search(r'href="(/static/[^"]+)"', client.get("/signin").text).group(1)
    head = client.head(css)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(client.get(css).content)


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/healthz", "GET, HEAD, OPTIONS"),
        ("/api/v1/incidents", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/incidents/1/facts", "GET, HEAD, PATCH, OPTIONS"),
        ("/signin", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/intake/generic", "POST, OPTIONS"),
    ],
)
def test_options_names_every_method_of_the_path(client, path, allow):
    answer = client.options(path)
    assert answer.status_code == 204
    assert answer.headers["allow"] == allow
    assert answer.content == b""


def test_options_on_a_path_nothing_serves_is_404(client):
    assert client.options("/no/such/page").status_code == 404


def test_head_on_the_intake_is_405_and_a_post_still_takes_the_fast_path(client):
    head = client.head("/api/v1/intake/generic")
    assert head.status_code == 405
    assert head.headers["allow"] == "POST"
    post = client.post(
        "/api/v1/intake/generic", json=generic("m-1"), headers={"Authorization": f"Bearer {INTAKE_TOKEN}"}
    )
    assert post.status_code == 202


def test_head_and_options_never_answer_500_on_any_route(client):
    paths = [re.sub(r"\{[^}]+\}", "1", p) for p in client.get("/openapi.json").json()["paths"]] + WEB_PATHS
    answers = {(m, p): client.request(m, p, headers=AUTH).status_code for p in paths for m in ("HEAD", "OPTIONS")}
    assert len(answers) > 60
    assert {key: code for key, code in answers.items() if code >= 500} == {}
