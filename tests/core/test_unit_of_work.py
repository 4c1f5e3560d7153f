"""One unit of work per request (notifier.deps.get_session) and per job (notifier.db.session_scope).

The request's session commits when the route returns and before the response is sent, and rolls back when the
route raises; routes and pages never commit themselves. The sign-in throttle commits in sessions of its own, so its
counters hold whatever becomes of the request. The database is read from another connection, as a second replica
or the client's next request would.
"""

import ast
from pathlib import Path

import pytest
from fastapi import HTTPException, Request
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text

from notifier import tenancy
from notifier.audit import chain
from notifier.db import after_commit, session_scope
from notifier.deps import SessionDep
from notifier.web import throttle
from tests.conftest import AUTH
from tests.web.conftest import add_user, csrf_of

ROOT = Path(__file__).resolve().parents[2]
PROBE = "test.unit_of_work"


@pytest.fixture
def reader(db_url):
    """A plain connection of another client: no BEGIN IMMEDIATE, so on SQLite (WAL) it never waits for a writer."""
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def probes(reader) -> int:
    with reader.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_record WHERE event_type = :t"), {"t": PROBE}).scalar()


def count(reader, table: str) -> int:
    with reader.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 (a table name of ours)


class AtResponseStart:
    """ASGI wrapper that runs `look` when the response starts, i.e. before the client has any of it."""

    def __init__(self, app, look):  # noqa: ANN001
        self.app, self.look, self.seen = app, look, []

    async def __call__(self, scope, receive, send):  # noqa: ANN001
        async def watched(message):  # noqa: ANN001
            if message["type"] == "http.response.start":
                self.seen.append(self.look())
            await send(message)

        await self.app(scope, receive, watched)


@pytest.fixture
def probe_routes(app):
    """Routes that write an audit record through the request's session, then answer or fail in different ways."""

    def write(session) -> None:  # noqa: ANN001
        tenancy.bind(session, tenancy.DEFAULT_ORGANISATION_ID)  # what a route's credentials do first
        chain.append(session, actor="test", event_type=PROBE, payload={})
        session.flush()

    @app.post("/test/uow/ok")
    def ok(session: SessionDep):
        write(session)
        return {"ok": True}

    @app.post("/test/uow/refused")
    def refused(session: SessionDep):
        write(session)
        raise HTTPException(409, "refused after the flush")

    @app.post("/test/uow/crash")
    def crash(session: SessionDep):
        write(session)
        raise RuntimeError("a bug after the flush")

    @app.post("/test/uow/commit-fails")
    def commit_fails(session: SessionDep):
        write(session)

        def refuse(_session):  # noqa: ANN001, ANN202
            raise RuntimeError("the database refused the commit")

        event.listen(session, "before_commit", refuse)
        return {"ok": True}

    @app.post("/test/uow/after-commit")
    def with_callback(request: Request, session: SessionDep, fail: bool = False):
        write(session)
        after_commit(session, lambda: request.app.state.uow_seen.append(probes(request.app.state.uow_reader)))
        if fail:
            raise HTTPException(422, "no")
        return {"ok": True}

    @app.post("/test/uow/callback-fails")
    def callback_fails(session: SessionDep):
        write(session)
        after_commit(session, lambda: 1 / 0)
        return {"ok": True}

    @app.post("/test/uow/throttled-then-fails")
    def throttled_then_fails(request: Request, session: SessionDep):
        throttle.begin(request)
        write(session)
        raise HTTPException(400, "the request fails after counting the attempt")

    return app


def test_a_route_that_flushes_then_raises_leaves_nothing(probe_routes, reader):
    with TestClient(probe_routes, headers=AUTH, raise_server_exceptions=False) as client:
        assert client.post("/test/uow/refused").status_code == 409
        assert client.post("/test/uow/crash").status_code == 500
        assert probes(reader) == 0
        assert client.post("/test/uow/ok").status_code == 200
        assert probes(reader) == 1


def test_a_successful_request_is_committed_before_the_response_is_sent(probe_routes, reader):
    watched = AtResponseStart(probe_routes, lambda: (probes(reader), count(reader, "incident")))
    with TestClient(watched, headers=AUTH) as client:
        assert client.post("/test/uow/ok").status_code == 200
        assert watched.seen[-1] == (1, 0)
        # A real route, too: the incident is in the database when its 201 starts.
        created = client.post("/api/v1/incidents", json={"title": "Phishing", "summary": ""})
        assert created.status_code == 201, created.text
        assert watched.seen[-1] == (1, 1)


def test_a_commit_that_fails_is_a_server_error_not_a_success(probe_routes, reader):
    with TestClient(probe_routes, headers=AUTH, raise_server_exceptions=False) as client:
        answer = client.post("/test/uow/commit-fails")
    assert answer.status_code == 500
    assert probes(reader) == 0


def test_after_commit_callbacks_run_after_the_commit_and_only_then(probe_routes, reader):
    probe_routes.state.uow_seen, probe_routes.state.uow_reader = [], reader
    with TestClient(probe_routes, headers=AUTH) as client:
        assert client.post("/test/uow/after-commit").status_code == 200
        assert probe_routes.state.uow_seen == [1]  # the callback already saw the committed record
        assert client.post("/test/uow/after-commit", params={"fail": True}).status_code == 422
    assert probe_routes.state.uow_seen == [1]  # a rolled back request runs none
    assert probes(reader) == 1


def test_a_failing_after_commit_callback_does_not_turn_committed_work_into_an_error(probe_routes, reader):
    with TestClient(probe_routes, headers=AUTH, raise_server_exceptions=False) as client:
        assert client.post("/test/uow/callback-fails").status_code == 200  # a 500 would make the client repeat it
    assert probes(reader) == 1


def test_a_job_scope_commits_on_success_and_rolls_back_on_error(app, reader):
    with session_scope(app.state.engine) as session:
        chain.append(session, actor="test", event_type=PROBE, payload={})
    with pytest.raises(RuntimeError), session_scope(app.state.engine) as session:
        chain.append(session, actor="test", event_type=PROBE, payload={})
        session.flush()
        raise RuntimeError("the job failed")
    assert probes(reader) == 1


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"signin_client_max_failures": 10, "signin_client_window_minutes": 15})


def test_throttle_counters_persist_when_the_request_fails(probe_routes, reader):
    with TestClient(probe_routes, headers=AUTH, raise_server_exceptions=False) as client:
        assert client.post("/test/uow/throttled-then-fails").status_code == 400
    assert count(reader, "signin_failure") == 1  # the attempt stays counted
    assert probes(reader) == 0  # while the request's own work was rolled back


def test_a_wrong_password_keeps_both_counters(app, reader):
    add_user(app, "alice@example.org", "viewer")
    with TestClient(app) as client:
        token = csrf_of(client.get("/signin").text)
        form = {"csrf_token": token, "email": "alice@example.org", "password": "wrong password!!"}
        assert client.post("/signin", data=form).status_code == 401
        with reader.connect() as conn:
            failed = conn.execute(text("SELECT failed_logins FROM users WHERE email = 'alice@example.org'")).scalar()
        assert (failed, count(reader, "signin_failure")) == (1, 1)
        # The right password takes the client's attempt back, after the sign-in is committed.
        form["password"] = "correct horse battery staple"
        assert client.post("/signin", data=form, follow_redirects=False).status_code == 303
    assert count(reader, "signin_failure") == 1  # only the failed attempt is left


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


def test_routes_and_pages_never_commit():
    package = ROOT / "notifier"
    files = {*package.glob("**/routes.py"), *(package / "api").glob("*.py"), *(package / "web").glob("**/*.py")}
    assert files
    found = {str(p.relative_to(ROOT)): lines for p in sorted(files) if (lines := _commits(p))}
    assert found == {}, "commit in the unit of work (notifier.deps.get_session, notifier.db.session_scope)"


def test_only_the_unit_of_work_commits():
    """Services flush; jobs, the CLI and the intake's batch writer use db.session_scope."""
    found = {
        str(p.relative_to(ROOT)): lines
        for p in sorted((ROOT / "notifier").glob("**/*.py"))
        if (lines := _commits(p)) and p != ROOT / "notifier" / "db.py"
    }
    assert found == {}
