"""The classification assistant (2024/1772) on a bank's incident page, in Dutch and English: the questions, the
proposal with its thresholds and the art. 8 verdict, the decision with the classification's moment, refusals at
their field in the user's language."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.assessment.test_dora_routes import MAJOR
from tests.conftest import new_incident, put_organisation
from tests.web.test_assistant_page import officer  # noqa: F401  (the fixture)
from tests.web.test_pages import errors
from tests.web.test_regimes_end_to_end import BANK

ZONE = ZoneInfo("Europe/Amsterdam")
ANSWERS = {
    "q_critical_functions_affected": "yes",
    "q_downtime_hours": "3",
    "q_clients_total": "50000",
    "q_clients_affected": "6000",
}
WORDS = {
    "en": {
        "title": "Classification assistant (major incident?)",
        "question": "Does or did the incident affect ICT services or network and information systems",
        "positive": "Major ICT-related incident",
        "threshold": "&gt; 10 % of all clients using the affected service",
        "verdict": "Critical services affected and 2 other criteria met",
        "classified": "Classified as major",
        "number": "Enter a number.",
        "total": "needed for art. 9(1)(a)",
    },
    "nl": {
        "title": "Hulp bij de classificatie (groot incident?)",
        "question": "Treft of trof het incident ICT-diensten of netwerk- en informatiesystemen",
        "positive": "Groot ICT-gerelateerd incident",
        "threshold": "&gt; 10 % van alle cliënten die de getroffen dienst gebruiken",
        "verdict": "Kritieke diensten getroffen en 2 andere criteria gehaald",
        "classified": "Geclassificeerd als groot",
        "number": "Vul een getal in.",
        "total": "nodig om te bepalen of meer dan 10 % van de cliënten",
    },
}


def _proposal(html: str) -> str:
    found = re.search(r'<div class="proposal (yes|no)">(.*?)</div>', html, re.S)
    assert found, "no proposal on the page"
    return found.group(1) + " " + re.sub(r"\s+", " ", found.group(2))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_bank_classifies_an_incident_as_major_in_the_users_language(client, officer, lang):  # noqa: F811
    words = WORDS[lang]
    put_organisation(client, **BANK)
    iid = new_incident(client, title="Storing betaalverkeer")["id"]
    web, token = officer(lang)
    page = web.get(f"/incidents/{iid}")
    assert words["title"] in page.text and words["question"] in page.text
    assert f'action="/incidents/{iid}/assessment?regime=dora"' in page.text
    assert 'id="assistant-cbw"' not in page.text  # the Cbw is not the bank's regime
    page = web.post(f"/incidents/{iid}/assessment?regime=dora", data={"csrf_token": token, **ANSWERS})
    assert page.status_code == 200
    proposal = _proposal(page.text)
    assert proposal.startswith("yes ") and words["positive"] in proposal
    assert words["threshold"] in proposal and words["verdict"] in proposal and "2024/1772 art. 9(3)(b)" in proposal
    assert words["classified"] in page.text and 'name="classified_at"' in page.text
    now = datetime.now(ZONE).replace(second=0, microsecond=0)
    aware, classified = now - timedelta(hours=5), now - timedelta(minutes=30)
    confirm = {"csrf_token": token, "agree": "yes", "aware_at": aware.strftime("%Y-%m-%dT%H:%M"),
               "classified_at": classified.strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    page = web.post(f"/incidents/{iid}/assessment/1/confirm?regime=dora", data=confirm)
    assert page.status_code == 200 and 'class="proposal' not in page.text
    incident = client.get(f"/api/v1/incidents/{iid}").json()
    assert next(t for t in incident["tracks"] if t["regime"] == "dora")["state"] == "initial_due"
    initial = next(d for d in incident["deadlines"] if d["stage"] == "initial_notification")
    assert datetime.fromisoformat(initial["due"]) == classified + timedelta(hours=4)
    version = client.get(f"/api/v1/incidents/{iid}/assessments/1", params={"regime": "dora"}).json()
    assert version["decision"] == "major" and version["answers"] == {**MAJOR}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_refusals_are_shown_at_their_field_in_the_users_language(client, officer, lang):  # noqa: F811
    words = WORDS[lang]
    put_organisation(client, **BANK)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    page = web.post(f"/incidents/{iid}/assessment?regime=dora", data={"csrf_token": token, "q_costs_eur": "veel"})
    assert page.status_code == 422
    assert errors(page.text).get("q_costs_eur") == words["number"] and 'value="veel"' in page.text
    page = web.post(f"/incidents/{iid}/assessment?regime=dora", data={"csrf_token": token, "q_clients_affected": "10"})
    assert page.status_code == 422
    assert errors(page.text).get("q_clients_total", "").startswith(words["total"])
    assert 'value="10"' in page.text
    assert client.get(f"/api/v1/incidents/{iid}/assessments", params={"regime": "dora"}).json() == []


def test_a_viewer_cannot_classify(client, signed_in):
    put_organisation(client, **BANK)
    iid = new_incident(client)["id"]
    web, token = signed_in("viewer")
    answer = web.post(f"/incidents/{iid}/assessment?regime=dora", data={"csrf_token": token, **ANSWERS})
    assert answer.status_code == 403
    assert client.get(f"/api/v1/incidents/{iid}/assessments", params={"regime": "dora"}).json() == []
