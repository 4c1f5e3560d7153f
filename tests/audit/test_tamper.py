"""The tamper suite: a real SQLite database file changed with the sqlite3 module the way someone with write access
would (triggers dropped, rows changed, triggers put back), then `notifier audit verify` as a real process.

The history: a hospital profile, an incident declared significant, its early warning filed (which writes a signed
checkpoint after the commit), a second incident, and an on-demand checkpoint of the end (`notifier audit
checkpoint`). Each test works on a copy of that database and var directory.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier.audit.chain import record_hash
from notifier.audit.models import AuditRecord
from notifier.config import Settings
from notifier.db import make_engine
from notifier.incidents.models import Submission
from notifier.main import create_app
from notifier.submissions import ledger
from notifier.submissions.render import sha256
from tests.audit.tampering import tamper
from tests.conftest import AUTH, TOKEN, new_incident, post_event, put_organisation


@dataclass
class Copy:
    url: str
    var: Path

    @property
    def checkpoints(self) -> Path:
        return self.var / "audit-checkpoints.jsonl"

    def env(self) -> dict:
        return {"NOTIFIER_DATABASE_URL": self.url, "NOTIFIER_VAR_DIR": str(self.var), "NOTIFIER_ENV": "test"}

    def scalar(self, sql: str):  # noqa: ANN201
        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()


def notifier(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "notifier.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def verify(db: Copy, *, checkpoints: bool = False, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    args = ["audit", "verify", *(["--checkpoints", str(db.checkpoints)] if checkpoints else []), *extra]
    return notifier(*args, env=db.env())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Copy:
    root = tmp_path_factory.mktemp("tamper-template")
    db = Copy(url=f"sqlite:///{root / 'notifier.db'}", var=root / "var")
    settings = Settings(
        database_url=db.url,
        api_token=TOKEN,
        env="test",
        var_dir=db.var,
        secret_key="test-secret-key-" + "y" * 24,
        scheduler_enabled=False,
    )
    app = create_app(settings)
    now = datetime.now(UTC).replace(microsecond=0)
    with TestClient(app, headers=AUTH) as client:
        put_organisation(client)
        iid = new_incident(client)["id"]
        aware = _iso(now - timedelta(hours=3))
        post_event(client, iid, type="cbw.significant", aware_at=aware, reasoning="EPD onbeschikbaar")
        post_event(
            client,
            iid,
            type="cbw.submitted",
            stage="early_warning",
            submitted_at=_iso(now - timedelta(hours=1)),
            reference="NCSC-2026-0042",
            language="en",
        )
        new_incident(client, title="Phishing bij de administratie")
    app.state.engine.dispose()
    ended = notifier("audit", "checkpoint", env=db.env())
    assert ended.returncode == 0, ended.stderr
    return db


@pytest.fixture
def db(template: Copy, tmp_path) -> Copy:
    copy = Copy(url=f"sqlite:///{tmp_path / 'notifier.db'}", var=tmp_path / "var")
    source = sqlite3.connect(template.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy.url.removeprefix("sqlite:///"))
    source.backup(target)
    source.close()
    target.close()
    shutil.copytree(template.var, copy.var)
    return copy


def last_seq(db: Copy) -> int:
    return db.scalar("SELECT max(seq) FROM audit_record")


def filing_seq(db: Copy) -> int:
    return db.scalar("SELECT seq FROM audit_record WHERE event_type = 'cbw.submitted'")


def hash_of(db: Copy, seq: int) -> str:
    return db.scalar(f"SELECT hash FROM audit_record WHERE seq = {seq}")


def rewrite_chain(db: Copy, from_seq: int, change) -> None:  # noqa: ANN001
    """Change record `from_seq` with `change(record)`, then recompute every hash and link after it and move the
    head: a chain that is consistent in itself (only a signed checkpoint can tell)."""
    engine = make_engine(db.url)
    with Session(engine) as session:
        rows = session.exec(select(AuditRecord).where(AuditRecord.seq >= from_seq).order_by(AuditRecord.seq)).all()
        session.expunge_all()
    engine.dispose()
    statements = []
    prev = hash_of(db, from_seq - 1) if from_seq > 1 else "0" * 64
    for row in rows:
        if row.seq == from_seq:
            change(row)
        row.prev_hash = prev
        row.hash = prev = record_hash(row)
        statements.append(
            (
                "UPDATE audit_record SET actor = :actor, payload = :payload, prev_hash = :prev, hash = :hash "
                "WHERE seq = :seq",
                {
                    "actor": row.actor,
                    "payload": json.dumps(row.payload),
                    "prev": row.prev_hash,
                    "hash": row.hash,
                    "seq": row.seq,
                },
            )
        )
    statements.append(("UPDATE audit_head SET seq = :seq, hash = :hash", {"seq": rows[-1].seq, "hash": prev}))
    tamper(db.url, *statements)


def rehash_submission(db: Copy, sid: int) -> None:
    """What a careful attacker does after editing a filed column: recompute both of the row's own hashes."""
    engine = make_engine(db.url)
    with Session(engine) as session:
        sub = session.get(Submission, sid)
        content, entry = sha256(sub.text, sub.json_copy), ledger.ledger_hash(sub)
    engine.dispose()
    tamper(
        db.url,
        ("UPDATE submission SET sha256 = :c, ledger_sha256 = :e WHERE id = :id", {"c": content, "e": entry, "id": sid}),
    )


# --- the untouched copy ------------------------------------------------------------------------------------------


def test_the_untouched_database_verifies_with_its_checkpoints(db):
    lines = db.checkpoints.read_text().splitlines()
    assert len(lines) == 2  # one after the filing's commit, one on demand
    assert json.loads(lines[0])["seq"] == filing_seq(db) and json.loads(lines[1])["seq"] == last_seq(db)
    result = verify(db, checkpoints=True)
    assert result.returncode == 0, result.stderr
    assert "audit chain intact" in result.stdout and "2 signed checkpoint(s) hold" in result.stdout


# --- the chain and its head --------------------------------------------------------------------------------------


def test_tail_truncation_with_the_head_deleted_fails(db):
    end = last_seq(db)
    tamper(db.url, f"DELETE FROM audit_record WHERE seq > {end - 2}", "DELETE FROM audit_head")
    result = verify(db)
    assert result.returncode == 1
    assert "chain head (audit_head) is missing" in result.stderr


def test_tail_truncation_with_the_head_rewound_is_caught_by_the_checkpoints(db):
    end, keep = last_seq(db), filing_seq(db)
    tamper(
        db.url,
        f"DELETE FROM audit_record WHERE seq > {keep}",
        (f"UPDATE audit_head SET seq = {keep}, hash = :h", {"h": hash_of(db, keep)}),
    )
    alone = verify(db)
    assert alone.returncode == 0, alone.stderr  # consistent in itself: the database cannot tell
    result = verify(db, checkpoints=True)
    assert result.returncode == 1
    assert f"record seq {end} is missing (records up to the checkpoint were removed)" in result.stderr


def test_tail_truncation_without_touching_the_head_fails(db):
    end = last_seq(db)
    tamper(db.url, f"DELETE FROM audit_record WHERE seq = {end}")
    result = verify(db)
    assert result.returncode == 1
    assert f"chain head says seq {end} but the last record is seq {end - 1}" in result.stderr


def test_head_rewound_over_existing_records_fails(db):
    end = last_seq(db)
    tamper(db.url, (f"UPDATE audit_head SET seq = {end - 1}, hash = :h", {"h": hash_of(db, end - 1)}))
    result = verify(db)
    assert result.returncode == 1
    assert f"chain head says seq {end - 1} but the last record is seq {end}" in result.stderr


def test_head_hash_rewritten_fails(db):
    tamper(db.url, ("UPDATE audit_head SET hash = :h", {"h": "e" * 64}))
    result = verify(db)
    assert result.returncode == 1
    assert "chain head hash does not match the hash of the last record" in result.stderr


def test_full_rewrite_from_a_row_is_caught_by_the_checkpoints(db):
    def forge(row: AuditRecord) -> None:
        row.actor = "user:someone-else@zrl.example"

    rewrite_chain(db, 2, forge)
    alone = verify(db)
    assert alone.returncode == 0, alone.stderr  # every hash recomputed: consistent in itself
    result = verify(db, checkpoints=True)
    assert result.returncode == 1
    assert f"record seq {filing_seq(db)} does not have the signed hash" in result.stderr
    assert f"record seq {last_seq(db)} does not have the signed hash" in result.stderr


def test_lifted_triggers_are_reported(db):
    tamper(db.url, restore=False)
    result = verify(db)
    assert result.returncode == 1
    assert "database trigger audit_record_no_update is missing" in result.stderr
    assert "database trigger submission_no_delete is missing" in result.stderr


# --- the ledger ---------------------------------------------------------------------------------------------------

EDITS = {
    "text": ("text = text || ' (edited)'", "text and JSON do not match sha256", "text or JSON (sha256) differs"),
    "json": ("json = json_set(json, '$.title', 'x')", "text and JSON do not match sha256", "text or JSON (sha256)"),
    "recipients": ("recipients = '[]'", "recipients differ from the recipients in the filed JSON copy", None),
    "reference": ("reference = 'NCSC-2026-0099'", None, "reference differs from the audit record"),
    "submitted_at": ("submitted_at = '2020-01-01 00:00:00.000000'", None, "submitted_at differs from the audit"),
    "confirmed_by": ("confirmed_by = 'user:mallory@zrl.example'", None, "confirmed_by differs from the audit"),
    "confirmed_at": ("confirmed_at = '2020-01-01 00:00:00.000000'", None, "confirmed_at differs from the audit"),
    "missing": ("missing = '[\"nothing\"]'", None, "missing differs from the audit record"),
    "language": ("language = 'nl'", None, "language differs from the audit record"),
    "delay_reason": ("delay_reason = 'het was weekend'", None, "delay_reason differs from the audit record"),
    "stage": ("stage = 'final_report'", None, "stage differs from the audit record"),
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_each_filed_column_edited_is_named(db, column):
    sid = db.scalar("SELECT id FROM submission")
    sql, own_hash, _ = EDITS[column]
    tamper(db.url, f"UPDATE submission SET {sql} WHERE id = {sid}")
    result = verify(db)
    assert result.returncode == 1
    assert f"submission {sid}: the filed columns do not match ledger_sha256" in result.stderr
    if own_hash:
        assert f"submission {sid}: {own_hash}" in result.stderr


@pytest.mark.parametrize("column", sorted(EDITS))
def test_each_filed_column_edited_and_rehashed_is_named(db, column):
    sid = db.scalar("SELECT id FROM submission")
    sql, own_hash, against_filing = EDITS[column]
    tamper(db.url, f"UPDATE submission SET {sql} WHERE id = {sid}")
    rehash_submission(db, sid)
    result = verify(db)
    assert result.returncode == 1
    assert "do not match ledger_sha256" not in result.stderr  # the row agrees with itself again
    needle = against_filing or own_hash
    assert f"submission {sid}: {needle}" in result.stderr, result.stderr


def test_text_and_sha256_edited_together(db):
    """The case from the issue: the filed text changed and its sha256 recomputed to match."""
    sid = db.scalar("SELECT id FROM submission")
    engine = make_engine(db.url)
    with Session(engine) as session:
        sub = session.get(Submission, sid)
        text = sub.text.replace("NCSC", "NCSC (laat gemeld)", 1) + "\nNiets aan de hand."
        forged = sha256(text, sub.json_copy)
    engine.dispose()
    tamper(db.url, ("UPDATE submission SET text = :t, sha256 = :h WHERE id = :id", {"t": text, "h": forged, "id": sid}))
    result = verify(db)
    assert result.returncode == 1
    assert f"submission {sid}: the filed columns do not match ledger_sha256" in result.stderr
    assert f"submission {sid}: text or JSON (sha256) differs from the audit record of its filing" in result.stderr


def test_a_deleted_ledger_row_is_named(db):
    sid = db.scalar("SELECT id FROM submission")
    tamper(db.url, f"DELETE FROM submission WHERE id = {sid}")
    result = verify(db)
    assert result.returncode == 1
    assert f"records submission {sid}, which is not in the ledger" in result.stderr


def test_ledger_and_filing_record_rewritten_together_are_caught_by_the_checkpoints(db):
    sid, seq = db.scalar("SELECT id FROM submission"), filing_seq(db)
    tamper(db.url, f"UPDATE submission SET reference = 'NCSC-2026-0099' WHERE id = {sid}")
    rehash_submission(db, sid)
    engine = make_engine(db.url)
    with Session(engine) as session:
        entry = session.get(Submission, sid).ledger_sha256
    engine.dispose()

    def forge(row: AuditRecord) -> None:
        row.payload = {**row.payload, "reference": "NCSC-2026-0099", "ledger_sha256": entry}

    rewrite_chain(db, seq, forge)
    alone = verify(db)
    assert alone.returncode == 0, alone.stderr
    result = verify(db, checkpoints=True)
    assert result.returncode == 1
    assert f"record seq {seq} does not have the signed hash" in result.stderr


# --- rows from before hash version 2 ------------------------------------------------------------------------------


def test_a_version_1_row_verifies_and_its_edits_are_named(db):
    """A filing from before hash version 2: no ledger_sha256, and a filing record without the submission id."""
    sid, seq = db.scalar("SELECT id FROM submission"), filing_seq(db)
    tamper(db.url, f"UPDATE submission SET hash_version = NULL, ledger_sha256 = NULL WHERE id = {sid}")

    def as_before(row: AuditRecord) -> None:
        row.payload = {
            k: v for k, v in row.payload.items() if k not in {"submission_id", "hash_version", "ledger_sha256"}
        }

    rewrite_chain(db, seq, as_before)
    intact = verify(db)
    assert intact.returncode == 0, intact.stderr
    tamper(db.url, f"UPDATE submission SET reference = 'NCSC-2026-0099' WHERE id = {sid}")
    result = verify(db)
    assert result.returncode == 1
    assert f"submission {sid}: reference differs from the audit record of its filing (seq {seq})" in result.stderr


# --- the checkpoint file ------------------------------------------------------------------------------------------


def test_a_changed_checkpoint_line_fails_its_signature(db):
    lines = db.checkpoints.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["seq"] -= 1
    db.checkpoints.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    result = verify(db, checkpoints=True)
    assert result.returncode == 1
    assert "checkpoint line 2: signature invalid" in result.stderr


def test_checkpoints_need_the_right_public_key(db):
    other = Copy(url=db.url, var=db.var.parent / "other-var")
    printed = notifier("audit", "checkpoint", "--public-key", env=other.env())  # makes another key
    assert printed.returncode == 0, printed.stderr
    result = verify(db, checkpoints=True, extra=("--public-key", printed.stdout.strip()))
    assert result.returncode == 1
    assert "checkpoint line 1: signed with another key" in result.stderr
    own = notifier("audit", "checkpoint", "--public-key", env=db.env()).stdout.strip()
    assert verify(db, checkpoints=True, extra=("--public-key", own)).returncode == 0


def test_an_emptied_checkpoint_file_fails(db):
    db.checkpoints.write_text("")
    result = verify(db, checkpoints=True)
    assert result.returncode == 1
    assert "no valid signed checkpoint" in result.stderr
