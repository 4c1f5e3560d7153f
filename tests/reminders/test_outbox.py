"""Delivery: a refusing server gets the mail later exactly once; a crash after the SMTP hand-off loses nothing."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from notifier.mail.delivery import LEASE, deliver_due
from notifier.mail.models import OutboxMail
from notifier.mail.outbox import message_id
from notifier.mail.sender import EmlSender, SmtpSender
from notifier.reminders.sweep import sweep
from tests.reminders.conftest import MAIL_FROM, outbox
from tests.reminders.test_ladder import EW, T0, significant_incident


def test_a_refusing_mail_server_gets_the_mail_later_exactly_once(client, app, smtp, tick):
    incident = significant_incident(client)
    smtp.handler.refuse_remaining = 3
    now = T0 + timedelta(hours=12)
    first = tick(now)
    assert [a["action"] for a in first] == ["reminder.queued", "mail.retry"]
    assert tick(now) == []  # backing off: nothing is attempted before next_attempt_at
    retries = [tick(now + timedelta(seconds=s)) for s in (30, 90, 210)]
    assert [a["action"] for batch in retries for a in batch] == ["mail.retry", "mail.retry", "mail.sent"]
    assert smtp.handler.refused == 3
    mails = smtp.handler.by_key(EW.format(id=incident["id"]))
    assert len(mails) == 1
    row = outbox(app)[0]
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)
    assert tick(now + timedelta(hours=1)) == []
    assert len(smtp.handler.received) == 1


class SimulatedCrash(BaseException):
    """Stands for the process dying: not an Exception, so no handler of ours may swallow it."""


class CrashAfterHandOff(SmtpSender):
    def send(self, message, recipients):  # noqa: ANN001
        super().send(message, recipients)  # the SMTP server has accepted the mail...
        raise SimulatedCrash  # ...and the process dies before recording it


def test_a_crash_between_smtp_and_recording_loses_nothing_and_resends_with_the_same_message_id(
    client, app, smtp, settings
):
    incident = significant_incident(client)
    now = T0 + timedelta(hours=12)
    engine = app.state.engine
    sweep(engine, settings=settings, registry=app.state.registry, now=now)
    with pytest.raises(SimulatedCrash):
        deliver_due(engine, sender=CrashAfterHandOff(settings), mail_from=MAIL_FROM, now=now)
    assert len(smtp.handler.received) == 1
    row = outbox(app)[0]
    assert row.status == "sending"  # claimed, never recorded: not lost
    # Within the lease nobody touches it (the crashed pass might still be alive).
    assert deliver_due(engine, sender=SmtpSender(settings), mail_from=MAIL_FROM, now=now + timedelta(minutes=5)) == []
    later = now + LEASE + timedelta(seconds=1)
    actions = deliver_due(engine, sender=SmtpSender(settings), mail_from=MAIL_FROM, now=later)
    assert [a["action"] for a in actions] == ["mail.sent"]
    copies = smtp.handler.by_key(EW.format(id=incident["id"]))
    assert len(copies) == 2  # at least once
    assert copies[0].message["Message-ID"] == copies[1].message["Message-ID"] == row.message_id
    assert row.message_id == message_id(row.idempotency_key, "zrl.example")
    with Session(engine) as session:
        assert session.get(OutboxMail, row.id).status == "sent"


def test_without_an_smtp_host_mail_is_written_as_eml_files(client, app, settings, tmp_path):
    settings = settings.model_copy(update={"smtp_host": None})
    incident = significant_incident(client)
    now = T0 + timedelta(hours=12)
    from notifier.scheduler import run_once

    actions = run_once(app.state.engine, settings=settings, registry=app.state.registry, now=now)
    assert [a["action"] for a in actions] == ["reminder.queued", "mail.sent"]
    files = sorted((settings.var_dir / "outbox").glob("*.eml"))
    assert [f.name for f in files] == [f"reminder_{incident['id']}_cbw_early_warning_0_before_12h.eml"]
    content = files[0].read_text()
    assert "Message-ID: <" in content and "To: a.devries@zrl.example" in content
    assert not list((settings.var_dir / "outbox").glob("*.tmp*"))
    assert EmlSender(settings.var_dir / "outbox").path_for("../../etc/passwd").parent == settings.var_dir / "outbox"


def test_queueing_the_same_key_twice_is_harmless(app, settings):
    from notifier.db import session_scope
    from notifier.mail.outbox import enqueue
    from notifier.mail.render import Rendered

    mail = Rendered("s", "t", "<p>h</p>")
    same = {"key": "k:1", "kind": "test", "to": ["x@y.example"], "cc": [], "mail": mail, "mail_from": MAIL_FROM}
    with session_scope(app.state.engine) as session:
        first = enqueue(session, **same, now=T0, organisation_id=1)
        second = enqueue(session, **same, now=T0, organisation_id=1)
    assert first is not None and second is None
    assert len(outbox(app)) == 1
