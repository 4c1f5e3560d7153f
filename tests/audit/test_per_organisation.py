"""Each organisation has its own audit chain: two organisations writing interleaved events get two chains that
verify on their own; tampering with one breaks that one only; an organisation's chain and ledger exported to a
file verify offline (no database, no settings) through the real CLI, and a tampered file is refused. Runs on
SQLite, and on PostgreSQL when NOTIFIER_TEST_DATABASE_URL names a server."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from notifier import migrate, tenancy
from notifier.accounts import tokens
from notifier.audit import chain, checkpoint, guard
from notifier.audit.chain import GENESIS, genesis, record_hash
from notifier.audit.models import AuditHead, AuditRecord
from notifier.db import make_engine, session_scope
from notifier.mail.models import OutboxMail
from notifier.organisation import service as organisations
from notifier.submissions import filings_check
from tests.audit.tampering import tamper
from tests.conftest import HOSPITAL, fresh_database, new_incident, post_event, put_organisation

SLUG_B = "gemeente-oost"
CISO_B = "ciso@oost.example"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def notifier(*args: str, env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "notifier.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


@dataclass
class Two:
    a: int
    b: int
    db_url: str
    var: Path

    def env(self) -> dict:
        return {**os.environ, "NOTIFIER_DATABASE_URL": self.db_url, "NOTIFIER_VAR_DIR": str(self.var)}


def _file(client: TestClient, iid: int, reference: str) -> None:
    now = datetime.now(UTC)
    post_event(client, iid, type="cbw.significant", aware_at=_iso(now - timedelta(hours=2)), reasoning="plat")
    post_event(
        client,
        iid,
        type="cbw.submitted",
        stage="early_warning",
        submitted_at=_iso(now - timedelta(minutes=30)),
        reference=reference,
        language="nl",
    )


@pytest.fixture
def two(client, app, db_url, settings) -> Two:
    """Organisation A (the default one, through the bootstrap token) and B (created by an operator, through its
    own service token and a session bound to it), their events interleaved; each files one early warning."""
    engine = app.state.engine
    put_organisation(client)
    with session_scope(engine) as session:
        b = organisations.create(session, name="Gemeente Oost", slug=SLUG_B, actor="operator:test").id
        tenancy.bind(session, b)
        _, secret = tokens.create(
            session,
            organisation_id=b,
            name="ci",
            role="administrator",
            creator_role="administrator",
            actor="operator:test",
        )
    client_b = TestClient(app, headers={"Authorization": f"Bearer {secret}"})
    contacts = [{**c, "email": c["email"].replace("zrl.example", "oost.example")} for c in HOSPITAL["contacts"]]
    contacts = [{**c, "email": CISO_B} if c["role"] == "ciso" else c for c in contacts]
    put_organisation(client_b, name="Gemeente Oost", kvk_number="41234568", contacts=contacts)
    a_incident = new_incident(client)["id"]
    b_incident = new_incident(client_b, title="Datalek bij burgerzaken")["id"]
    _file(client, a_incident, "NCSC-A-1")
    with session_scope(engine) as session:
        tenancy.bind(session, b)
        chain.append(session, actor="user:b@oost.example", event_type="test.note", payload={"n": 1})
    _file(client_b, b_incident, "NCSC-B-1")
    new_incident(client, title="Phishing bij de administratie")
    with session_scope(engine) as session:
        tenancy.bind(session, b)
        chain.append_many(
            session, [{"actor": "intake:siem", "event_type": "test.bulk", "payload": {"n": n}} for n in range(3)]
        )
    return Two(a=tenancy.DEFAULT_ORGANISATION_ID, b=b, db_url=db_url, var=settings.var_dir)


def _records(engine, organisation_id: int) -> list[AuditRecord]:  # noqa: ANN001
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditRecord).where(AuditRecord.organisation_id == organisation_id).order_by(AuditRecord.seq)
            )
        )


# --- two chains ---------------------------------------------------------------------------------------------------


def test_interleaved_events_make_two_independent_chains(two, app):
    engine = app.state.engine
    a, b = _records(engine, two.a), _records(engine, two.b)
    assert [r.seq for r in a] == list(range(1, len(a) + 1))
    assert [r.seq for r in b] == list(range(1, len(b) + 1))
    assert {r.event_type for r in b} >= {"cbw.submitted", "test.note", "test.bulk", "incident.created"}
    assert "test.note" not in {r.event_type for r in a}
    # Each chain starts at its organisation's genesis and links only to its own records.
    assert a[0].prev_hash == GENESIS and b[0].prev_hash == genesis(two.b) != GENESIS
    for chain_records in (a, b):
        for before, after in zip(chain_records, chain_records[1:], strict=False):
            assert after.prev_hash == before.hash
    with Session(engine) as session:
        heads = {h.organisation_id: (h.seq, h.hash) for h in session.exec(select(AuditHead))}
        assert heads == {two.a: (a[-1].seq, a[-1].hash), two.b: (b[-1].seq, b[-1].hash)}
        for organisation_id in (two.a, two.b):
            result = chain.verify(session, organisation_id)
            assert result.ok, result.problems
            assert filings_check.verify(session, organisation_id) == []
        # Each organisation's ledger holds its own filing only.
        assert session.execute(text("SELECT organisation_id, reference FROM submission ORDER BY id")).all() == [
            (two.a, "NCSC-A-1"),
            (two.b, "NCSC-B-1"),
        ]


def test_verify_prints_one_line_per_organisation(two):
    result = notifier("audit", "verify", env=two.env())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("organisation default: audit chain intact:")
    assert lines[1].startswith(f"organisation {SLUG_B}: audit chain intact:")
    only_b = notifier("audit", "verify", "--organisation", SLUG_B, env=two.env())
    assert only_b.returncode == 0, only_b.stderr
    assert only_b.stdout.splitlines() == [lines[1]]


def test_an_unknown_organisation_is_one_line_and_exit_2(two):
    for words in (("verify",), ("export", "--to", str(two.var / "x.json")), ("checkpoint",)):
        result = notifier("audit", *words, "--organisation", "nobody", env=two.env())
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.strip().splitlines() == [
            "notifier audit: error: --organisation: no organisation with slug 'nobody'"
        ]


def test_tampering_with_a_record_of_b_breaks_b_only(two):
    tamper(
        two.db_url,
        ("UPDATE audit_record SET actor = 'mallory' WHERE organisation_id = :b AND seq = 2", {"b": two.b}),
    )
    result = notifier("audit", "verify", env=two.env())
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("organisation default: audit chain intact:")
    assert f"organisation {SLUG_B}: record seq 2: content does not match its hash" in result.stderr
    assert f"organisation {SLUG_B}: audit chain BROKEN: 1 problem(s)" in result.stderr
    assert "organisation default:" not in result.stderr
    assert notifier("audit", "verify", "--organisation", "default", env=two.env()).returncode == 0
    assert notifier("audit", "verify", "--organisation", SLUG_B, env=two.env()).returncode == 1


def test_a_record_moved_into_another_chain_breaks_that_chain(two, app):
    """Whoever moves B's last record to the end of A's chain (organisation and seq rewritten, both heads moved
    along) leaves a link in A that does not fit; B's shortened chain only B's checkpoints can tell."""
    a, b = _records(app.state.engine, two.a), _records(app.state.engine, two.b)
    moved = b[-1]
    tamper(
        two.db_url,
        (
            "UPDATE audit_record SET organisation_id = :a, seq = :seq WHERE id = :id",
            {"a": two.a, "seq": a[-1].seq + 1, "id": moved.id},
        ),
        (
            "UPDATE audit_head SET seq = :seq, hash = :hash WHERE organisation_id = :a",
            {"seq": a[-1].seq + 1, "hash": moved.hash, "a": two.a},
        ),
        (
            "UPDATE audit_head SET seq = :seq, hash = :hash WHERE organisation_id = :b",
            {"seq": b[-2].seq, "hash": b[-2].hash, "b": two.b},
        ),
    )
    result = notifier("audit", "verify", env=two.env())
    assert result.returncode == 1
    assert f"organisation default: record seq {a[-1].seq + 1}: prev_hash does not match" in result.stderr
    assert f"organisation default: record seq {a[-1].seq + 1}: content does not match its hash" in result.stderr


def test_every_organisation_has_its_own_head_from_its_first_append(app):
    """A new organisation's head is created at its genesis by its first record, not before."""
    engine = app.state.engine
    with session_scope(engine) as session:
        c = organisations.create(session, name="Waterschap", slug="waterschap", actor="operator:test").id
    with Session(engine) as session:
        assert session.get(AuditHead, c) is None
        assert chain.verify(session, c).ok and chain.verify(session, c).records == 0
    with session_scope(engine) as session:
        tenancy.bind(session, c)
        first = chain.append(session, actor="test", event_type="test.first")
    assert (first.seq, first.prev_hash) == (1, genesis(c))
    with Session(engine) as session:
        head = session.get(AuditHead, c)
        assert (head.seq, head.hash) == (1, first.hash)


# --- checkpoints --------------------------------------------------------------------------------------------------


def _checkpoint_lines(two: Two) -> list[dict]:
    path = two.var / "audit-checkpoints.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_checkpoints_are_per_organisation(two, app):
    # Each filing signed its own organisation's chain end after its commit.
    after_filings = _checkpoint_lines(two)
    assert [(c["organisation"], c["organisation_id"]) for c in after_filings] == [("default", two.a), (SLUG_B, two.b)]
    ended = notifier("audit", "checkpoint", env=two.env())
    assert ended.returncode == 0, ended.stderr
    printed = [json.loads(line) for line in ended.stdout.splitlines()]
    ends = {r.organisation_id: r for r in (_records(app.state.engine, o)[-1] for o in (two.a, two.b))}
    assert [(c["organisation"], c["seq"], c["hash"]) for c in printed] == [
        ("default", ends[two.a].seq, ends[two.a].hash),
        (SLUG_B, ends[two.b].seq, ends[two.b].hash),
    ]
    checkpoints = str(two.var / "audit-checkpoints.jsonl")
    held = notifier("audit", "verify", "--checkpoints", checkpoints, env=two.env())
    assert held.returncode == 0, held.stderr
    assert [line.split(":")[0] for line in held.stdout.splitlines()] == [
        "organisation default",
        f"organisation {SLUG_B}",
    ]
    assert all("2 signed checkpoint(s) hold" in line for line in held.stdout.splitlines())
    # B's chain rewritten from seq 2 with every hash recomputed: consistent in itself, caught by B's checkpoints.
    b = _records(app.state.engine, two.b)
    statements, prev = [], b[0].hash
    for row in b[1:]:
        row.actor = "user:someone-else" if row.seq == 2 else row.actor
        row.prev_hash = prev
        row.hash = prev = record_hash(row)
        statements.append(
            (
                "UPDATE audit_record SET actor = :actor, prev_hash = :prev, hash = :hash WHERE id = :id",
                {"actor": row.actor, "prev": row.prev_hash, "hash": row.hash, "id": row.id},
            )
        )
    statements.append(("UPDATE audit_head SET hash = :h WHERE organisation_id = :b", {"h": prev, "b": two.b}))
    tamper(two.db_url, *statements)
    assert notifier("audit", "verify", env=two.env()).returncode == 0  # the database alone cannot tell
    caught = notifier("audit", "verify", "--checkpoints", checkpoints, env=two.env())
    assert caught.returncode == 1
    assert caught.stdout.startswith("organisation default: audit chain intact:")
    assert f"organisation {SLUG_B}: checkpoint line 2 (seq" in caught.stderr
    assert "does not have the signed hash" in caught.stderr and "organisation default:" not in caught.stderr


def test_a_checkpoint_line_moved_to_another_organisation_fails_its_signature(two):
    path = two.var / "audit-checkpoints.jsonl"
    lines = path.read_text().splitlines()
    forged = json.loads(lines[1])
    forged["organisation_id"], forged["organisation"] = two.a, "default"
    path.write_text("\n".join([lines[0], json.dumps(forged)]) + "\n")
    result = notifier("audit", "verify", "--checkpoints", str(path), env=two.env())
    assert result.returncode == 1
    assert "checkpoint line 2: signature invalid" in result.stderr


def test_the_checkpoint_mail_goes_to_the_organisations_own_ciso(two, app, settings):
    witness = checkpoint.Witness.from_settings(settings.model_copy(update={"audit_checkpoint_email": "ops@d.example"}))
    written = checkpoint.write(app.state.engine, witness, organisation_id=two.b)
    checkpoint.write(app.state.engine, witness, organisation_id=two.a)
    with Session(app.state.engine) as session:
        mails = {
            m.organisation_id: m
            for m in session.exec(select(OutboxMail).where(OutboxMail.kind == "audit_checkpoint")).all()
        }
    assert mails[two.b].to_addrs == [CISO_B]
    assert mails[two.a].to_addrs == ["ops@d.example"]  # the default organisation: the deployment's address
    assert SLUG_B in mails[two.b].subject and "Gemeente Oost" in mails[two.b].text_body
    assert json.dumps(written, sort_keys=True, separators=(",", ":")) in mails[two.b].text_body


# --- export and offline verification ------------------------------------------------------------------------------


def _offline_env(tmp_path: Path) -> dict:
    """No database and no settings: every NOTIFIER_ variable gone, run from an empty directory."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NOTIFIER_")} | {"HOME": str(tmp_path)}


@pytest.fixture
def exported(two, tmp_path) -> Path:
    target = tmp_path / "export" / f"{SLUG_B}.json"
    target.parent.mkdir()
    result = notifier("audit", "export", "--organisation", SLUG_B, "--to", str(target), env=two.env())
    assert result.returncode == 0, result.stderr
    assert f"organisation {SLUG_B}:" in result.stdout and "1 ledger entries" in result.stdout
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left beside it
    return target


def verify_export(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    offline = tmp_path / "offline"
    offline.mkdir(exist_ok=True)
    return notifier("audit", "verify-export", str(path), env=_offline_env(offline), cwd=offline)


def test_the_export_holds_the_organisations_chain_ledger_and_head(two, app, exported):
    document = json.loads(exported.read_text())
    b = _records(app.state.engine, two.b)
    assert (document["format"], document["version"]) == ("meldplicht-audit-export", 1)
    assert document["organisation"] == {"id": two.b, "slug": SLUG_B, "name": "Gemeente Oost"}
    assert datetime.fromisoformat(document["exported_at"]).tzinfo is not None
    assert [r["seq"] for r in document["records"]] == [r.seq for r in b]
    assert [r["hash"] for r in document["records"]] == [r.hash for r in b]
    assert document["head"] == {"seq": b[-1].seq, "hash": b[-1].hash}
    [entry] = document["ledger"]
    assert entry["reference"] == "NCSC-B-1" and entry["hash_version"] == 2 and len(entry["ledger_sha256"]) == 64
    assert "NCSC-A-1" not in exported.read_text() and "Phishing" not in exported.read_text()  # nothing of A
    assert oct(exported.stat().st_mode & 0o777) == "0o600"


def test_export_and_offline_verification_round_trip(exported, tmp_path):
    result = verify_export(exported, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"organisation {SLUG_B} (id ") and "export intact" in result.stdout
    assert "1 ledger entries match" in result.stdout
    assert list((tmp_path / "offline").iterdir()) == []  # no database file, no var directory, no key made


def _edit_actor(d: dict) -> None:
    d["records"][1]["actor"] = "mallory"


def _drop_middle(d: dict) -> None:
    del d["records"][2]


def _edit_ledger_text(d: dict) -> None:
    d["ledger"][0]["text"] += "\nNiets aan de hand."


def _edit_ledger_reference(d: dict) -> None:
    d["ledger"][0]["reference"] = "NCSC-B-99"


def _other_organisation(d: dict) -> None:
    d["organisation"]["id"] = 1


def _head_moved(d: dict) -> None:
    d["head"]["hash"] = "e" * 64


def _tail_cut(d: dict) -> None:
    del d["records"][-1]


TAMPERED = {
    "actor": (_edit_actor, "record seq 2: content does not match its hash"),
    "removed": (_drop_middle, "record seq 4: expected seq 3 (a record is missing)"),
    "ledger-text": (_edit_ledger_text, "text and JSON do not match sha256"),
    "ledger-reference": (_edit_ledger_reference, "the filed columns do not match ledger_sha256"),
    "organisation": (_other_organisation, "record seq 1: prev_hash does not match the chain's genesis"),
    "head": (_head_moved, "chain head hash does not match the hash of the last record"),
    "tail": (_tail_cut, "chain head says seq"),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_a_tampered_export_is_refused(exported, tmp_path, case):
    change, needle = TAMPERED[case]
    document = json.loads(exported.read_text())
    change(document)
    exported.write_text(json.dumps(document))
    result = verify_export(exported, tmp_path)
    assert result.returncode == 1, result.stdout
    assert needle in result.stderr
    assert "export BROKEN" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    "content",
    [None, "not json {", '{"format": "something-else"}', '{"format": "meldplicht-audit-export", "version": 99}'],
)
def test_an_unreadable_export_exits_2_with_one_line(tmp_path, content):
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content)
    result = verify_export(path, tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("notifier audit: error:")


# --- the migration ------------------------------------------------------------------------------------------------


def test_the_single_chain_becomes_the_default_organisations_without_rehashing(tmp_path):
    with fresh_database(tmp_path, "chain") as url:
        migrate.upgrade(url, "d4f6a8b0c2e4")  # one global chain, audit_head id 1
        engine = make_engine(url)
        try:
            prev, rows = GENESIS, []
            for seq in (1, 2, 3):
                row = {
                    "organisation_id": 1,
                    "seq": seq,
                    "at": datetime(2026, 12, 1, 10, seq, tzinfo=UTC),
                    "actor": "test",
                    "incident_id": None,
                    "event_type": "test.before",
                    "reason": None,
                    "payload": {"n": seq},
                    "previous_state": None,
                    "new_state": None,
                    "prev_hash": prev,
                }
                row["hash"] = prev = record_hash(SimpleNamespace(**row))
                rows.append(row)
            with engine.begin() as conn:
                conn.execute(AuditRecord.__table__.insert(), rows)
                conn.execute(text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": prev})
            migrate.upgrade(url)
            with Session(engine) as session:
                result = chain.verify(session, 1)
                assert result.ok and result.records == 3, result.problems
                head = session.get(AuditHead, 1)
                assert (head.seq, head.hash) == (3, prev)
            with session_scope(engine) as session:
                fourth = chain.append(session, actor="test", event_type="test.after")
            assert (fourth.seq, fourth.prev_hash, fourth.organisation_id) == (4, prev, 1)
            with engine.connect() as conn:  # the rebuilt table kept its append-only guard
                assert guard.missing_triggers(conn) == []
        finally:
            engine.dispose()


def test_downgrade_refuses_to_fold_other_organisations_chains_into_one(two):
    with pytest.raises(RuntimeError, match="belong to organisations other than the default one"):
        command.downgrade(migrate.alembic_config(two.db_url), "d4f6a8b0c2e4")
