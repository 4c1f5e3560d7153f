"""The AVG track on the incident page (issue 12): the processor's clock warning, and forms for risk revisions,
art. 34(3) exceptions and art. 34(4) demands; a refused form comes back with 422, the input kept, the field named."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier import clock
from notifier.accounts.models import User
from notifier.web.forms import local_input
from tests.conftest import new_incident, post_event, put_organisation

ZONE = ZoneInfo("Europe/Amsterdam")


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', html))


def hours_ago(hours: float) -> str:
    return (clock.now() - timedelta(hours=hours)).isoformat()


def with_processor_notice(client) -> int:
    put_organisation(client)
    iid = new_incident(client)["id"]
    body = {
        "name": "CloudCo",
        "notification_term_hours": 24,
        "contacts": [{"level": 1, "name": "D", "email": "d@c.ex"}],
    }
    processor = client.post("/api/v1/processors", json=body).json()
    linked = client.post(
        f"/api/v1/incidents/{iid}/processors", json={"processor_id": processor["id"], "informed_at": hours_ago(5)}
    )
    assert linked.status_code == 201, linked.text
    return iid


def set_language(app, lang: str) -> None:
    with Session(app.state.engine) as session:
        for user in session.exec(select(User)).all():
            user.language = lang
            session.add(user)
        session.commit()


def test_the_breach_form_asks_the_awareness_reasoning_and_the_page_warns(app, client, signed_in):
    iid = with_processor_notice(client)
    web, token = signed_in("officer")
    form = {
        "csrf_token": token,
        "type": "avg.breach",
        "aware_at": local_input(clock.now() - timedelta(hours=2), ZONE),
        "risk": "risk",
        "reasoning": "Klantgegevens",
    }
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422 and "awareness_reasoning" in errors(page.text)
    assert "CloudCo" in errors(page.text)["awareness_reasoning"]
    assert 'value="Klantgegevens"' in page.text or ">Klantgegevens</textarea>" in page.text  # input kept

    page = web.post(f"/incidents/{iid}/events", data={**form, "awareness_reasoning": "Mail kwam in spam"})
    assert page.status_code == 200
    warning = re.search(r'<section class="card warn" id="warnings">(.*?)</section>', page.text, re.S)
    assert warning and "CloudCo" in warning.group(1) and "informed us" in warning.group(1)
    set_language(app, "nl")
    page = web.get(f"/incidents/{iid}")
    warning = re.search(r'<section class="card warn" id="warnings">(.*?)</section>', page.text, re.S)
    assert warning and "heeft ons" in warning.group(1) and "ingelicht" in warning.group(1)


def test_risk_revision_form_shows_the_target_and_keeps_input_when_refused(app, client, signed_in):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at=hours_ago(2), risk="risk", reasoning="adressen")
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{iid}")
    assert 'data-form="avg.risk_revised"' in page.text
    assert 'data-form="avg.ap_demanded_communication"' in page.text

    refused = web.post(
        f"/incidents/{iid}/events", data={"csrf_token": token, "type": "avg.risk_revised", "risk": "high"}
    )
    assert refused.status_code == 422 and "reasoning" in errors(refused.text)
    assert re.search(r'<option value="high" selected>', refused.text)

    page = web.post(
        f"/incidents/{iid}/events",
        data={"csrf_token": token, "type": "avg.risk_revised", "risk": "high", "reasoning": "BSN's gevonden"},
    )
    assert page.status_code == 200
    row = re.search(r'<tr class="deadline" data-stage="data_subject_communication"[^>]*>(.*?)</tr>', page.text, re.S)
    assert row and "(target)" in row.group(1)
    assert 'data-form="avg.subjects_not_informed"' in page.text
    set_language(app, "nl")
    page = web.get(f"/incidents/{iid}")
    row = re.search(r'<tr class="deadline" data-stage="data_subject_communication"[^>]*>(.*?)</tr>', page.text, re.S)
    assert row and "(streefdatum)" in row.group(1)


def test_disproportionate_effort_form_names_the_public_communication(client, signed_in):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at=hours_ago(2), risk="high", reasoning="wachtwoorden")
    web, token = signed_in("officer")
    form = {
        "csrf_token": token,
        "type": "avg.subjects_not_informed",
        "exception": "disproportionate_effort",
        "reasoning": "Geen adressen",
    }
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422 and "public_communication_at" in errors(page.text)
    assert "34(3)(c)" in errors(page.text)["public_communication_at"]
    assert re.search(r'<option value="disproportionate_effort" selected>', page.text)
    page = web.post(
        f"/incidents/{iid}/events", data={**form, "public_communication_at": local_input(clock.now(), ZONE)}
    )
    assert page.status_code == 200
    assert 'data-form="avg.subjects_not_informed"' not in page.text  # the duty is settled
    assert "disproportionate effort" in page.text.lower()


def test_ap_demand_form_records_a_request(client, signed_in):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at=hours_ago(2), risk="none", reasoning="versleuteld")
    web, token = signed_in("officer")
    form = {"csrf_token": token, "type": "avg.ap_demanded_communication", "reference": "AP-7"}
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422 and "due" in errors(page.text)
    due = local_input(clock.now() + timedelta(days=3), ZONE)
    page = web.post(f"/incidents/{iid}/events", data={**form, "due": due})
    assert page.status_code == 200
    assert "AP-7" in page.text
    # the communication can now be confirmed although our own assessment said no risk
    assert 'id="report-avg-data_subject_communication"' in page.text
