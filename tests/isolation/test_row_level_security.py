"""PostgreSQL's row-level security, the second wall: with the service connected as an ordinary role, a query that
does not say which organisation it is for sees no organisation's rows, one that does sees only those, and the
service itself keeps working behind the policies (it sets the organisation per transaction)."""

import os
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from notifier import tenancy
from notifier.config import Settings
from notifier.main import create_app
from tests.conftest import AUTH, TOKEN
from tests.intake.payloads import WAZUH

pytestmark = pytest.mark.skipif(
    not os.environ.get("NOTIFIER_TEST_DATABASE_URL"), reason="row-level security is PostgreSQL's"
)


@pytest.fixture
def app_role(db_url, orgs):
    """An ordinary login role with the privileges the service needs, and its URL to the same database."""
    role = f"app_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    yield make_url(db_url).set(username=role).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def _count(conn, table: str) -> int:  # noqa: ANN001
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_every_owned_table_has_the_policy(db_url, orgs):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        protected = set(
            conn.execute(
                text("SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relkind = 'r'")
            ).scalars()
        )
    engine.dispose()
    assert set(tenancy.owned_tables()) <= protected


def test_a_query_without_the_organisation_sees_nothing(app_role, orgs):
    a, b = orgs
    engine = create_engine(app_role)
    try:
        with engine.connect() as conn:
            for table in ("incident", "deadline", "audit_record", "submission", "processor", "intake_alert"):
                assert _count(conn, table) == 0, table
            conn.execute(text("SELECT set_config('notifier.organisations', '2', true)"))
            owners = conn.execute(text("SELECT DISTINCT organisation_id FROM incident")).scalars().all()
            assert owners == [2]
            assert b.incident_id in conn.execute(text("SELECT id FROM incident")).scalars().all()
            # Writing into another organisation is refused by the policy's check, not only hidden.
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(text("UPDATE incident SET organisation_id = 1 WHERE id = :id"), {"id": b.incident_id})
            conn.rollback()
            conn.execute(text("SELECT set_config('notifier.organisations', '1', true)"))
            assert (
                conn.execute(text("SELECT count(*) FROM incident WHERE id = :id"), {"id": b.incident_id}).scalar() == 0
            )
    finally:
        engine.dispose()


def _service_settings(url: str, tmp_path) -> Settings:  # noqa: ANN001
    """The service connected as the ordinary role."""
    return Settings(
        database_url=url,
        api_token=TOKEN,
        env="test",
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-" + "y" * 24,
        scheduler_enabled=False,
        intake_writer="thread",
    )


def test_the_service_works_behind_the_policies(app_role, orgs, tmp_path):
    a, b = orgs
    settings = _service_settings(app_role, tmp_path)
    application = create_app(settings)
    try:
        with TestClient(application, headers={"Authorization": f"Bearer {b.token}"}) as client:
            assert client.get(f"/api/v1/incidents/{b.incident_id}").status_code == 200
            assert client.get(f"/api/v1/incidents/{a.incident_id}").status_code == 404
            made = client.post("/api/v1/incidents", json={"title": "Bravo phishing", "summary": "x"})
            assert made.status_code == 201, made.text
            feed = client.get(f"/calendar/{b.calendar_token}.ics")
            assert feed.status_code == 200 and "Bravo" in feed.text
            alert = client.post(
                "/api/v1/intake/wazuh",
                json={**WAZUH, "id": "rls-1"},
                headers={"Authorization": f"Bearer {b.intake_token}"},
            )
            assert alert.status_code == 202, alert.text
            assert client.get(f"/api/v1/incidents/{alert.json()['incident_id']}").status_code == 200
        with TestClient(application, headers=AUTH) as operator:
            assert {o["slug"] for o in operator.get("/api/v1/organisations").json()} == {a.slug, b.slug}
    finally:
        application.state.engine.dispose()


def test_the_sweep_serves_every_organisation_behind_the_policies(app_role, orgs, db_url, tmp_path):
    """One batch of the sweep holds steps of both organisations: each step's work runs for its own organisation
    (an audit record where nobody can be reminded), the steps and the mails are written for both."""
    from notifier.reminders.sweep import sweep

    a, b = orgs
    admin = create_engine(db_url)
    with admin.begin() as conn:
        b_id = conn.execute(text("SELECT organisation_id FROM incident WHERE id = :id"), {"id": b.incident_id}).scalar()
        conn.execute(
            text("DELETE FROM contact WHERE organisation_id = :org AND role = 'reporting_officer'"), {"org": b_id}
        )
    settings = _service_settings(app_role, tmp_path)
    application = create_app(settings)
    try:
        now = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # 84 h on: the AVG notification is overdue in both
        actions = sweep(application.state.engine, settings=settings, registry=application.state.registry, now=now)
    finally:
        application.state.engine.dispose()
    assert not [x for x in actions if x["action"] in ("reminder.failed", "reminder.batch_failed")]
    by_incident = {a.incident_id: set(), b.incident_id: set()}
    for action in actions:
        by_incident[action["incident_id"]].add(action["action"])
    assert by_incident[a.incident_id] >= {"reminder.queued"}
    assert "reminder.no_recipient" in by_incident[b.incident_id]
    with admin.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM reminder_step WHERE status = 'claimed'")).scalar()
        mails = (
            conn.execute(text("SELECT DISTINCT organisation_id FROM outbox_mail WHERE kind = 'reminder'"))
            .scalars()
            .all()
        )
        records = (
            conn.execute(text("SELECT organisation_id FROM audit_record WHERE event_type = 'reminder.no_recipient'"))
            .scalars()
            .all()
        )
    admin.dispose()
    assert left == 0
    assert b_id not in mails and len(mails) == 1
    assert records and set(records) == {b_id}
