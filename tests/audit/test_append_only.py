"""The database itself refuses UPDATE and DELETE of audit records and filed submissions, for raw SQL too, on SQLite
and on PostgreSQL (NOTIFIER_TEST_DATABASE_URL); the head stays writable; verify and `db copy` work with it."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from notifier.db import make_engine
from notifier.operations.copy import copy_database
from tests.audit.tampering import tamper
from tests.conftest import fresh_database, new_incident, post_event, put_organisation


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def file_early_warning(client) -> int:  # noqa: ANN001
    put_organisation(client)
    iid = new_incident(client)["id"]
    now = datetime.now(UTC)
    post_event(client, iid, type="cbw.significant", aware_at=_iso(now - timedelta(hours=2)), reasoning="EPD plat")
    post_event(
        client,
        iid,
        type="cbw.submitted",
        stage="early_warning",
        submitted_at=_iso(now - timedelta(minutes=30)),
        reference="NCSC-1",
        language="nl",
    )
    return iid


def verify(url: str, tmp_path) -> subprocess.CompletedProcess:  # noqa: ANN001
    env = {**os.environ, "NOTIFIER_DATABASE_URL": url, "NOTIFIER_VAR_DIR": str(tmp_path / "verify-var")}
    return subprocess.run(
        [sys.executable, "-m", "notifier.cli", "audit", "verify"], capture_output=True, text=True, timeout=120, env=env
    )


STATEMENTS = [
    "UPDATE audit_record SET actor = 'mallory' WHERE seq = 1",
    "DELETE FROM audit_record WHERE seq = (SELECT max(seq) FROM audit_record)",
    "DELETE FROM audit_record",
    "UPDATE submission SET reference = 'NCSC-2'",
    "UPDATE submission SET text = 'iets anders', sha256 = 'x'",
    "DELETE FROM submission",
]


@pytest.mark.parametrize("sql", STATEMENTS)
def test_raw_update_and_delete_are_refused(client, app, sql):
    file_early_warning(client)
    engine = app.state.engine
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*), max(seq) FROM audit_record")).one()
        filed = conn.execute(text("SELECT reference, text FROM submission")).one()
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(sql))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(seq) FROM audit_record")).one() == before
        assert conn.execute(text("SELECT reference, text FROM submission")).one() == filed


def test_truncate_is_refused_on_postgresql(client, app):
    if app.state.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    file_early_warning(client)
    for table in ("audit_record", "submission"):
        with pytest.raises(DBAPIError, match="append-only"), app.state.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))


def test_the_head_stays_writable_and_verify_holds_on_this_database(client, app, db_url, tmp_path):
    iid = file_early_warning(client)
    post_event(client, iid, type="incident.resolved", resolved_at=_iso(datetime.now(UTC)))  # appends move the head
    intact = verify(db_url, tmp_path)
    assert intact.returncode == 0, intact.stderr
    tamper(db_url, "UPDATE submission SET reference = 'NCSC-2'")  # raw SQL on SQLite or PostgreSQL
    broken = verify(db_url, tmp_path)
    assert broken.returncode == 1
    assert "reference differs from the audit record of its filing" in broken.stderr
    assert "the filed columns do not match ledger_sha256" in broken.stderr


def test_db_copy_carries_the_ledger_into_a_guarded_database(client, db_url, tmp_path):
    file_early_warning(client)
    with fresh_database(tmp_path, "copy") as target:
        counts = copy_database(db_url, target)
        assert counts["submission"] == 1 and counts["audit_record"] >= 4
        result = verify(target, tmp_path)
        assert result.returncode == 0, result.stderr
        engine = make_engine(target)
        try:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text("DELETE FROM submission"))
        finally:
            engine.dispose()
