"""A processor's reply link lives only as long as it should (issue 11, section 4): it stops when the incident
closes, when the chase moves up a level (the new level gets a link of its own) and at expiry; every answer is
audited with the link it came through."""

import json
from datetime import timedelta

from freezegun import freeze_time
from sqlmodel import Session, delete, select

from notifier.incidents.models import Incident
from notifier.processors import models
from notifier.processors.models import ProcessorAnswer
from tests.processors.test_processor_chase import T0, link, reply_path, setup_incident

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""}


def answer(client, path: str, body: str = "severity=high"):
    return client.post(path, content=body, headers=FORM)


def answers(app) -> list[ProcessorAnswer]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(ProcessorAnswer)).all())


def chase_to_level_2(client, app, smtp, tick) -> tuple[dict, dict, str, str]:
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    first = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)
    escalated = tick(T0 + timedelta(hours=5, minutes=1))  # the term is 4 h
    assert [a["to_level"] for a in escalated if a["action"] == "processor.escalated"] == [2]
    tick(T0 + timedelta(hours=5, minutes=2))
    second = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:2")[0].message)
    return incident, linked, first, second


def test_an_escalation_ends_the_previous_level_link_and_the_new_level_gets_its_own(client, app, smtp, tick):
    incident, linked, first, second = chase_to_level_2(client, app, smtp, tick)
    assert first != second
    with freeze_time(T0 + timedelta(hours=6)):
        old = client.get(first, headers={"Authorization": ""})
        assert old.status_code == 410 and "niet meer geldig" in old.text and "no longer valid" in old.text
        assert answer(client, first).status_code == 410
        assert answers(app) == []
        assert client.get(second, headers={"Authorization": ""}).status_code == 200
        assert answer(client, second).status_code == 200
    with Session(app.state.engine) as session:
        rows = session.exec(select(models.ReplyLink).order_by(models.ReplyLink.id)).all()
    assert [(r.level, r.revoked_at is not None) for r in rows] == [(1, True), (2, False)]
    [stored] = answers(app)
    assert stored.reply_link_id == rows[1].id


def test_every_answer_is_audited_with_the_link_it_came_through_not_its_secret(client, app, smtp, tick):
    incident, linked, _, second = chase_to_level_2(client, app, smtp, tick)
    with freeze_time(T0 + timedelta(hours=6)):
        assert answer(client, second, "severity=high").status_code == 200
        assert answer(client, second, "causes=Verlopen+certificaat").status_code == 200
    with Session(app.state.engine) as session:
        level_2 = session.exec(select(models.ReplyLink).where(models.ReplyLink.level == 2)).one()
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    answered = [r for r in audit if r["event_type"] == "processor.answered"]
    assert len(answered) == 2
    for record in answered:
        assert record["payload"]["reply_link_id"] == level_2.id
        assert record["payload"]["level"] == 2
        assert record["payload"]["link_id"] == linked["id"]
    token = second.removeprefix("/reply/")
    assert all(part not in json.dumps(audit) for part in token.split("."))


def test_the_link_stops_working_when_the_incident_closes(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    path = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)
    with freeze_time(T0 + timedelta(hours=2)):
        assert client.get(path, headers={"Authorization": ""}).status_code == 200
    for state in ("closed", "merged"):
        with Session(app.state.engine) as session:
            row = session.get(Incident, incident["id"])
            row.state = state
            session.add(row)
            session.commit()
        with freeze_time(T0 + timedelta(hours=2)):
            page = client.get(path, headers={"Authorization": ""})
            assert page.status_code == 410 and "gesloten" in page.text and "closed" in page.text
            assert answer(client, path).status_code == 410
    assert answers(app) == []


def test_the_link_expires_with_its_stored_expiry(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    path = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)
    with Session(app.state.engine) as session:
        [row] = session.exec(select(models.ReplyLink)).all()
        assert row.expires_at == T0 + timedelta(hours=1, days=14)  # NOTIFIER_REPLY_LINK_DAYS
        # Shortened by hand (say, the officer learned the mailbox was compromised): the stored expiry rules.
        row.expires_at = T0 + timedelta(hours=2)
        session.add(row)
        session.commit()
    with freeze_time(T0 + timedelta(hours=3)):
        assert client.get(path, headers={"Authorization": ""}).status_code == 410
        assert answer(client, path).status_code == 410
    assert answers(app) == []


def test_a_link_mailed_before_reply_link_rows_works_until_the_chase_moves_on(client, app, settings, smtp, tick):
    from notifier.processors import links

    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    with Session(app.state.engine) as session:  # as the mail of an older version carried it: no reply link id
        session.exec(delete(models.ReplyLink))
        session.commit()
    old = links.sign(settings.secret_key, link_id=linked["id"], expires_at=T0 + timedelta(days=14))
    with freeze_time(T0 + timedelta(hours=2)):
        assert client.get(f"/reply/{old}", headers={"Authorization": ""}).status_code == 200
        assert answer(client, f"/reply/{old}", "causes=Storing").status_code == 200
    assert [a.reply_link_id for a in answers(app)] == [None]
    with Session(app.state.engine) as session:
        row = session.get(models.IncidentProcessor, linked["id"])
        row.answered_at = None  # still unanswered, so the chase escalates
        session.add(row)
        session.commit()
    tick(T0 + timedelta(hours=5, minutes=1))
    with freeze_time(T0 + timedelta(hours=6)):
        assert client.get(f"/reply/{old}", headers={"Authorization": ""}).status_code == 410
