"""Signed checkpoints: after a filing's commit (never for a rolled-back one), hourly from the scheduler, mailed to
the audit address through the outbox, signed with a key that is not in the database."""

import base64
import json
import stat
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import text
from sqlmodel import Session, select

from notifier import scheduler
from notifier.audit import checkpoint
from notifier.incidents.models import Incident
from notifier.lifecycle import events as lifecycle
from notifier.mail.models import OutboxMail
from notifier.main import create_app
from notifier.workflow.events import build_event_models, event_union
from tests.audit.test_append_only import file_early_warning
from tests.conftest import AUTH, new_incident, post_event


def lines(settings) -> list[dict]:  # noqa: ANN001
    path = settings.var_dir / "audit-checkpoints.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def chain_end(app) -> tuple[int, str]:  # noqa: ANN001
    with app.state.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1")).one())


def test_a_filing_writes_a_signed_checkpoint_after_its_commit(client, app, settings):
    assert lines(settings) == []
    file_early_warning(client)
    written = lines(settings)
    assert len(written) == 1
    assert (written[0]["seq"], written[0]["hash"]) == chain_end(app)
    key_file = settings.var_dir / "audit-signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = checkpoint.Witness.from_settings(settings).public_key()
    with Session(app.state.engine) as session:
        result = checkpoint.verify(session, settings.var_dir / "audit-checkpoints.jsonl", public)
    assert result.problems == [] and result.checked == 1
    with app.state.engine.connect() as conn:  # the key is nowhere in the database
        pem = key_file.read_text()
        for (row,) in conn.execute(text("SELECT payload FROM audit_record")):
            assert pem.splitlines()[1] not in str(row)


def test_a_rolled_back_filing_writes_no_checkpoint(client, app, settings):
    iid = new_incident(client)["id"]
    now = datetime.now(UTC)
    post_event(client, iid, type="cbw.significant", aware_at=(now - timedelta(hours=2)).isoformat(), reasoning="x")
    events = TypeAdapter(event_union(build_event_models(app.state.registry)))
    event = events.validate_python(
        {"type": "cbw.submitted", "stage": "early_warning", "submitted_at": (now - timedelta(minutes=5)).isoformat()}
    )
    with Session(app.state.engine) as session:
        incident = session.get(Incident, iid)
        lifecycle.apply_event(session, app.state.context, incident=incident, event=event, actor="user:test")
        session.rollback()
        session.commit()  # a later commit in the same session must not write the rolled-back filing's checkpoint
    assert lines(settings) == []
    assert client.get(f"/api/v1/incidents/{iid}/submissions").json() == []


def test_the_checkpoint_is_mailed_to_the_audit_address(settings):
    app = create_app(settings.model_copy(update={"audit_checkpoint_email": "ciso-archive@extern.example"}))
    with TestClient(app, headers=AUTH) as client:
        file_early_warning(client)
    with Session(app.state.engine) as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.kind == "audit_checkpoint")).all()
    app.state.engine.dispose()
    assert len(mails) == 1
    written = lines(settings)[0]
    assert mails[0].to_addrs == ["ciso-archive@extern.example"]
    assert str(written["seq"]) in mails[0].subject
    assert json.dumps(written, sort_keys=True, separators=(",", ":")) in mails[0].text_body


def test_no_mail_without_an_audit_address(client, app, settings):
    file_early_warning(client)
    with Session(app.state.engine) as session:
        assert session.exec(select(OutboxMail).where(OutboxMail.kind == "audit_checkpoint")).all() == []
    assert len(lines(settings)) == 1


def test_the_hourly_job_signs_the_end_when_the_chain_grew(client, app, settings):
    started = scheduler.start(app.state.engine, settings, app.state.registry)
    try:
        job = started.get_job("audit_checkpoint")
        assert job is not None and job.trigger.interval == timedelta(hours=1)
    finally:
        started.shutdown(wait=True)
    lines_at_start = len(lines(settings))  # the job runs once at start (nothing to sign in an empty chain)
    new_incident(client)
    scheduler._checkpoint_job(app.state.engine, settings)
    assert len(lines(settings)) == lines_at_start + 1 and (
        lines(settings)[-1]["seq"],
        lines(settings)[-1]["hash"],
    ) == chain_end(app)
    scheduler._checkpoint_job(app.state.engine, settings)  # nothing new: nothing to sign again
    assert len(lines(settings)) == lines_at_start + 1


def test_the_key_can_come_from_the_environment_setting(client, app, settings):
    key = Ed25519PrivateKey.generate()
    seed = base64.b64encode(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())).decode()
    own = settings.model_copy(update={"audit_signing_key": seed})
    new_incident(client)
    written = checkpoint.write(app.state.engine, checkpoint.Witness.from_settings(own))
    assert not (settings.var_dir / "audit-signing-key.pem").exists()
    assert written["key"] == checkpoint.key_id(key.public_key())
    with Session(app.state.engine) as session:
        assert checkpoint.verify(session, settings.var_dir / "audit-checkpoints.jsonl", key.public_key()).problems == []
