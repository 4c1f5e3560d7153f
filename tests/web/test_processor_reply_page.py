"""Issue 17 section 5: the processor's reply page looks like the rest of meldplicht (the base template and its CSS),
in Dutch and English, names the incident by its title and the organisation asking, asks only the facts a processor
can know and refuses any other field; the officer reads the answer on the incident page, with labels, and sees when
the chase moves up a level."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.incidents.models import Incident
from notifier.processors.models import IncidentProcessor, ProcessorAnswer
from tests.processors.test_processor_chase import T0, link, reply_path, setup_incident
from tests.reminders.conftest import settings, tick  # noqa: F401  (SMTP-backed fixtures)
from tests.reminders.smtp import smtp  # noqa: F401
from tests.web.conftest import add_user, sign_in
from tests.web.test_avg_forms import set_language

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""}


@pytest.fixture
def chase(client, app, smtp, tick):  # noqa: F811
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    path = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)
    return incident["id"], linked["id"], path


@pytest.mark.parametrize(
    ("lang", "label", "other_label"),
    [("nl", "(Vermoedelijke) ernst", "(Suspected) severity"), ("en", "(Suspected) severity", "(Vermoedelijke) ernst")],
)
def test_the_reply_page_is_styled_titled_and_in_the_readers_language(app, chase, web_client, lang, label, other_label):
    _, _, path = chase
    with freeze_time(T0 + timedelta(hours=2)):
        page = web_client.get(path, headers={"Accept-Language": lang})
    assert page.status_code == 200
    assert f'<html lang="{lang}"' in page.text and 'href="/static/style.css"' in page.text
    assert "Ransomware op het EPD" in page.text and "Ziekenhuis Rivierenland" in page.text
    assert "Incident #" not in page.text
    assert label in page.text and other_label not in page.text
    assert 'name="severity"' in page.text and 'name="remark"' in page.text
    # Still no account and no session: the page sets no cookie.
    assert "set-cookie" not in page.headers


def test_a_link_that_asked_a_controller_fact_shows_only_what_a_processor_can_know(app, chase, web_client):
    _, link_id, path = chase
    with Session(app.state.engine) as s:  # a link stored before the catalogue marked the processor's facts
        row = s.get(IncidentProcessor, link_id)
        row.requested_facts = [*row.requested_facts, "subjects_informed", "other_supervisors"]
        s.add(row)
        s.commit()
    with freeze_time(T0 + timedelta(hours=2)):
        page = web_client.get(path)
    assert 'name="severity"' in page.text
    assert 'name="subjects_informed"' not in page.text and 'name="other_supervisors"' not in page.text


@pytest.mark.parametrize("extra", ["subjects_informed=ja", "nature=overschreven", "incident_title=x"])
def test_a_field_the_page_does_not_ask_is_refused_and_nothing_is_stored(app, chase, web_client, extra):
    incident_id, _, path = chase
    with freeze_time(T0 + timedelta(hours=2)):
        page = web_client.post(path, content=f"severity=high&{extra}", headers=FORM)
    assert page.status_code == 422, page.text
    name = extra.partition("=")[0]
    assert name in page.text  # the refusal names the field
    with Session(app.state.engine) as s:
        assert s.exec(select(ProcessorAnswer)).all() == []
        assert s.get(Incident, incident_id).facts == {"nature": "Versleuteling van de opslag (ingevuld door ons)"}
        assert s.exec(select(IncidentProcessor)).one().answered_at is None


@pytest.fixture
def officer(app):
    """Signed in over https (the chase's settings have an https base URL, so the session cookie is Secure) at the
    time the test reads the page."""
    secret = add_user(app, "officer@example.org", "officer", totp=True)
    with TestClient(app, base_url="https://testserver") as web, freeze_time(T0 + timedelta(hours=2)):
        sign_in(web, "officer@example.org", secret)
        yield web


def test_the_officer_sees_the_answer_in_words_and_when_the_chase_escalates(app, chase, web_client, officer):
    incident_id, _, path = chase
    web = officer
    set_language(app, "nl")
    with freeze_time(T0 + timedelta(hours=2)):
        waiting = web.get(f"/incidents/{incident_id}")
        # Linked at 09:00 UTC, 4 h term: level 2 is asked at 14:00 Amsterdam time.
        assert "16-11-2026 14:00 CET" in waiting.text and "niveau 2" in waiting.text
        answered = web_client.post(
            path,
            content="severity=high&causes=Verlopen+certificaat&remark=Wij+bellen+u+morgen+om+10+uur",
            headers=FORM,
        )
        assert answered.status_code == 200, answered.text
        page = web.get(f"/incidents/{incident_id}")
    section = page.text.split('id="processors"', 1)[1].split("</section>", 1)[0]
    assert "(Vermoedelijke) ernst" in section and "high" in section
    assert "Mogelijke oorzaken" in section and "Verlopen certificaat" in section
    assert "Wij bellen u morgen om 10 uur" in section
    assert "niveau 2" not in section  # answered: the chase stops
    with Session(app.state.engine) as s:
        assert s.exec(select(ProcessorAnswer)).one().remark == "Wij bellen u morgen om 10 uur"


def test_a_remark_alone_is_an_answer_and_is_audited(app, client, chase, web_client):
    incident_id, _, path = chase
    with freeze_time(T0 + timedelta(hours=2)):
        page = web_client.post(
            path, content="remark=Wij+zijn+niet+getroffen", headers={**FORM, "Accept-Language": "en"}
        )
    assert page.status_code == 200 and "Your answer was received" in page.text
    with Session(app.state.engine) as s:
        answer = s.exec(select(ProcessorAnswer)).one()
        assert (answer.answers, answer.applied, answer.remark) == ({}, [], "Wij zijn niet getroffen")
        assert s.exec(select(IncidentProcessor)).one().answered_at is not None
    audit = client.get(f"/api/v1/incidents/{incident_id}/audit").json()
    [record] = [r for r in audit if r["event_type"] == "processor.answered"]
    assert record["payload"]["remark"] == "Wij zijn niet getroffen"


@pytest.mark.parametrize(("lang", "stolen", "yes"), [("nl", "gestolen", "ja"), ("en", "stolen", "yes")])
def test_choices_are_offered_in_words_and_a_ticked_multichoice_is_stored(app, chase, web_client, lang, stolen, yes):
    """Issue 17: the page listed codes to type ("read, copied, altered, deleted_or_destroyed, stolen")."""
    incident_id, link_id, path = chase
    with Session(app.state.engine) as s:
        row = s.get(IncidentProcessor, link_id)
        row.requested_facts = [*row.requested_facts, "breach_nature", "malicious_suspected"]
        s.add(row)
        s.commit()
    with freeze_time(T0 + timedelta(hours=2)):
        page = web_client.get(path, headers={"Accept-Language": lang})
        assert "deleted_or_destroyed" not in page.text.replace('value="deleted_or_destroyed"', "")
        assert f"> {stolen}</label>" in page.text.lower()
        assert 'type="checkbox" name="breach_nature" value="stolen"' in page.text
        assert '<select id="malicious_suspected" name="malicious_suspected"' in page.text
        assert f'<option value="true">{yes}</option>' in page.text.lower()
        body = "breach_nature=copied&breach_nature=stolen&malicious_suspected=true"
        answered = web_client.post(f"{path}?lang={lang}", content=body, headers=FORM)
    assert answered.status_code == 200, answered.text
    with Session(app.state.engine) as s:
        assert s.exec(select(ProcessorAnswer)).one().answers["breach_nature"] == "copied,stolen"  # as given
        incident = s.get(Incident, incident_id)
        assert incident.facts["breach_nature"] == ["copied", "stolen"]
        assert incident.facts["malicious_suspected"] is True
