"""The reminder ladder end to end: real SMTP on loopback, frozen time, the real sweep and delivery pass."""

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlmodel import Session

from notifier.incidents.models import Incident
from tests.conftest import deadline, new_incident, post_event, put_organisation
from tests.reminders.conftest import outbox, steps

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Amsterdam
OFFICER, DEPUTY, CISO = "a.devries@zrl.example", "b.jansen@zrl.example", "c.smit@zrl.example"
EW = "reminder:{id}:cbw:early_warning:0:"


def significant_incident(client, at: datetime = T0, aware: datetime | None = None) -> dict:
    with freeze_time(at):
        put_organisation(client)
        incident = new_incident(client)
        return post_event(
            client, incident["id"], type="cbw.significant", aware_at=(aware or at).isoformat(), reasoning="EPD down"
        )


def test_full_ladder_of_a_24h_deadline_arrives_in_order_to_the_right_people(client, app, smtp, tick):
    incident = significant_incident(client)
    assert deadline(incident, "cbw", "early_warning")["due"].startswith("2026-11-17T09:00")
    prefix = EW.format(id=incident["id"])
    for hours in (0, 11, 12, 20, 23, 24, 27, 28, 32):
        tick(T0 + timedelta(hours=hours))
    mails = smtp.handler.by_key(prefix)
    keys = [str(m.message["X-Meldplicht-Key"]).removeprefix(prefix) for m in mails]
    assert keys == ["before:12h", "before:4h", "before:1h", "at", "overdue:1", "overdue:2"]
    for mail in mails[:3]:
        assert mail.rcpt_tos == [OFFICER]
        assert mail.message["Cc"] is None
    for mail in mails[3:]:
        assert mail.rcpt_tos == [OFFICER, DEPUTY, CISO]
        assert mail.message["To"] == OFFICER and mail.message["Cc"] == f"{DEPUTY}, {CISO}"
    first = mails[0].message
    text = first.get_body(("plain",)).get_content()
    assert "Vroegtijdige waarschuwing" in first["Subject"] and "nog 12 u 0 min" in first["Subject"]
    assert "2026-11-17 09:00 CET" in text  # local time of the organisation
    assert "Resterend:     12 u 0 min" in text
    assert "Z-CERT" in text  # the recipient party for the health sector
    assert "Vermoedelijk onrechtmatige of kwaadwillige handeling" in text  # a missing field, by its label
    assert f"https://mp.example/incidents/{incident['id']}" in text
    assert "TE LAAT" in mails[4].message["Subject"] and "4 u 0 min over de termijn" in mails[4].message["Subject"]
    assert first.get_body(("html",)).get_content().lstrip().startswith("<!DOCTYPE html>")
    # Stable, unique Message-IDs in the sender's domain.
    ids = [m.message["Message-ID"] for m in mails]
    assert len(set(ids)) == 6 and all(i.endswith("@zrl.example>") for i in ids)


def test_a_second_sweep_at_the_same_instant_sends_nothing_new(client, app, smtp, tick):
    incident = significant_incident(client)
    now = T0 + timedelta(hours=20)
    first = tick(now)
    assert [a["action"] for a in first].count("reminder.queued") == 2  # 12 h and 4 h before
    assert [a["action"] for a in first].count("mail.sent") == 2
    assert tick(now) == []
    assert tick(now) == []
    assert len(smtp.handler.by_key(EW.format(id=incident["id"]))) == 2


def test_a_met_deadline_stops_its_reminders(client, app, smtp, tick):
    incident = significant_incident(client)
    tick(T0 + timedelta(hours=12))
    with freeze_time(T0 + timedelta(hours=13)):
        post_event(
            client,
            incident["id"],
            type="cbw.submitted",
            stage="early_warning",
            submitted_at=(T0 + timedelta(hours=13)).isoformat(),
        )
    for hours in (20, 23, 24, 28, 40):
        tick(T0 + timedelta(hours=hours))
    mails = smtp.handler.by_key(EW.format(id=incident["id"]))
    assert [str(m.message["X-Meldplicht-Key"]) for m in mails] == [EW.format(id=incident["id"]) + "before:12h"]
    states = {s.step_key: s.status for s in steps(app, incident["id"], "early_warning")}
    assert states == {"before:12h": "sent", "before:4h": "dropped", "before:1h": "dropped", "at": "dropped"}


def test_steps_missed_while_down_are_sent_at_once_once_and_marked_late(client, app, smtp, tick):
    incident = significant_incident(client)
    actions = tick(T0 + timedelta(hours=26))  # the service was down from T0 until now
    queued = [a for a in actions if a["action"] == "reminder.queued" and a["stage"] == "early_warning"]
    assert [a["step"] for a in queued] == ["before:12h", "before:4h", "before:1h", "at"]
    assert all(a["late"] for a in queued)
    assert tick(T0 + timedelta(hours=26)) == []
    assert len(smtp.handler.by_key(EW.format(id=incident["id"]))) == 4
    assert all(s.late for s in steps(app, incident["id"], "early_warning") if s.status == "sent")


def test_steps_already_past_when_the_deadline_was_created_are_skipped(client, app, smtp, tick):
    # Entered 22 h after awareness: only the 1 h reminder, the deadline itself and the repeats remain.
    incident = significant_incident(client, at=T0 + timedelta(hours=22), aware=T0)
    for hours in (22, 23, 24, 28):
        tick(T0 + timedelta(hours=hours))
    keys = [
        str(m.message["X-Meldplicht-Key"]).rsplit(":", 1)[-1] for m in smtp.handler.by_key(EW.format(id=incident["id"]))
    ]
    assert keys == ["1h", "at", "1"]
    states = {s.step_key: s.status for s in steps(app, incident["id"], "early_warning")}
    assert states["before:12h"] == "skipped" and states["before:4h"] == "skipped"


def test_a_deadline_entered_long_overdue_gets_one_overdue_notice_not_a_burst(client, app, smtp, tick):
    incident = significant_incident(client, at=T0 + timedelta(hours=40), aware=T0)  # 16 h overdue when entered
    tick(T0 + timedelta(hours=40))
    keys = [
        str(m.message["X-Meldplicht-Key"]).rsplit(":", 1)[-1] for m in smtp.handler.by_key(EW.format(id=incident["id"]))
    ]
    assert keys == ["at"]
    tick(T0 + timedelta(hours=44))
    keys = [
        str(m.message["X-Meldplicht-Key"]).split(":")[-2:] for m in smtp.handler.by_key(EW.format(id=incident["id"]))
    ]
    assert keys[-1] == ["overdue", "5"]


def test_no_reporting_officer_is_recorded_not_lost(client, app, smtp, tick):
    with freeze_time(T0):
        from tests.conftest import HOSPITAL

        contacts = [c for c in HOSPITAL["contacts"] if c["role"] != "reporting_officer"]
        put_organisation(client, contacts=contacts)
        incident = new_incident(client)
        post_event(client, incident["id"], type="cbw.significant", aware_at=T0.isoformat(), reasoning="x")
    actions = tick(T0 + timedelta(hours=12))
    missing = [a for a in actions if a["action"] == "reminder.no_recipient"]
    assert {a["stage"] for a in missing} == {"early_warning"}
    assert missing[0]["missing_roles"] == ["reporting_officer"]
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    assert any(r["event_type"] == "reminder.no_recipient" for r in audit)
    assert smtp.handler.received == []
    assert tick(T0 + timedelta(hours=12)) == []  # recorded once, not retried forever


def test_mail_language_english(client, app, smtp, settings, tick):
    settings.mail_language = "en"
    incident = significant_incident(client)
    tick(T0 + timedelta(hours=12))
    mail = smtp.handler.by_key(EW.format(id=incident["id"]))[0].message
    assert mail["Subject"].startswith("Reminder: Early warning") and "12 h 0 min left" in mail["Subject"]
    assert "Still missing:" in mail.get_body(("plain",)).get_content()


def test_missing_list_follows_the_incident_facts(client, app, smtp, tick):
    incident = significant_incident(client)
    with Session(app.state.engine) as session:
        row = session.get(Incident, incident["id"])
        row.facts = {"malicious_suspected": True, "cross_border_possible": False}
        session.add(row)
        session.commit()
    tick(T0 + timedelta(hours=12))
    text = smtp.handler.by_key(EW.format(id=incident["id"]))[0].message.get_body(("plain",)).get_content()
    assert "Alle verplichte gegevens voor deze melding zijn ingevuld." in text
    assert len(outbox(app)) == 1


def test_the_notice_at_the_deadline_says_due_now(client, app, smtp, tick):
    incident = significant_incident(client)
    tick(T0 + timedelta(hours=24, seconds=20))
    [mail] = smtp.handler.by_key(EW.format(id=incident["id"]) + "at")
    assert mail.message["Subject"].startswith("NU VERLOPEN: Vroegtijdige waarschuwing")
    assert "verstrijkt nu" in mail.message.get_body(("plain",)).get_content()


def test_every_reminder_of_a_breach_copies_the_data_protection_officer(client, app, smtp, tick):
    dpo = "fg@zrl.example"
    with freeze_time(T0):
        put_organisation(client)
        incident = new_incident(client)
        post_event(client, incident["id"], type="avg.breach", aware_at=T0.isoformat(), risk="risk", reasoning="Leak")
    for hours in (60, 72):
        tick(T0 + timedelta(hours=hours))
    mails = smtp.handler.by_key(f"reminder:{incident['id']}:avg:ap_notification:0:")
    keys = [str(m.message["X-Meldplicht-Key"]).rsplit(":", 1)[-1] for m in mails]
    assert keys[0] == "12h" and keys[-1] == "at", keys
    assert mails[0].message["To"] == OFFICER and mails[0].message["Cc"] == dpo
    assert mails[-1].message["Cc"] == f"{dpo}, {DEPUTY}, {CISO}"
    assert mails[-1].rcpt_tos == [OFFICER, dpo, DEPUTY, CISO]
