"""The significance assistant on the incident page, in Dutch and English (issue 12): the "can it still cause"
questions, and the flag when scheduled maintenance is answered together with an effect it cannot have planned."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier.accounts.models import User
from tests.conftest import new_incident, put_organisation
from tests.web.conftest import add_user, sign_in
from tests.web.test_pages import errors


@pytest.fixture
def officer(app):
    """officer(lang) -> (client, csrf) for a signed-in officer whose language is lang."""
    opened = []

    def make(lang: str):
        email = f"officer-{lang}-{len(opened)}@example.org"
        secret = add_user(app, email, "officer", totp=True)
        with Session(app.state.engine) as session:
            user = session.exec(select(User).where(User.email == email)).one()
            user.language = lang
            session.add(user)
            session.commit()
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client, sign_in(client, email, secret)

    yield make
    for c in opened:
        c.__exit__(None, None, None)


def warning_text(html: str) -> str:
    found = re.search(r'<p class="warning" id="assessment-warning-maintenance_contradiction" role="alert">(.*?)</p>',
                      html, re.S)  # fmt: skip
    assert found, "no maintenance warning on the page"
    return re.sub(r"\s+", " ", found.group(1))


@pytest.mark.parametrize(
    ("lang", "question", "warning", "criterion"),
    [
        (
            "en",
            "Can it still cause the death of a person?",
            "Scheduled maintenance was answered yes, but this is not a planned effect of maintenance",
            "suspectedly malicious unauthorised access",
        ),
        (
            "nl",
            "Kan het incident nog tot de dood van een persoon leiden?",
            "Gepland onderhoud is met ja beantwoord, maar dit is geen gepland gevolg van onderhoud",
            "vermoedelijk kwaadwillige onbevoegde toegang",
        ),
    ],
)
def test_maintenance_with_malicious_access_is_flagged_in_the_users_language(
    client, officer, lang, question, warning, criterion
):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    web, token = officer(lang)
    page = web.get(f"/incidents/{incident['id']}")
    assert question in page.text and 'name="q_death_possible"' in page.text
    answers = {"q_scheduled_maintenance": "yes", "q_unavailable_minutes": "240", "q_malicious_access": "yes"}
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 200 and 'class="proposal yes"' in page.text
    text = warning_text(page.text)
    assert warning in text and criterion in text and "2024/2690" in text
    # The planned outage itself is not among the criteria that fired.
    proposal = re.search(r'<div class="proposal yes">(.*?)</div>', page.text, re.S).group(1)
    assert criterion in proposal and "30 min" not in proposal


@pytest.mark.parametrize(("lang", "message"), [("en", "Enter a number."), ("nl", "Vul een getal in.")])
def test_a_bad_expected_loss_is_refused_at_its_field_in_the_users_language(client, officer, lang, message):
    put_organisation(client)
    incident = new_incident(client)
    web, token = officer(lang)
    data = {"csrf_token": token, "q_financial_loss_expected_eur": "veel", "q_death_possible": "yes"}
    page = web.post(f"/incidents/{incident['id']}/assessment", data=data)
    assert page.status_code == 422
    assert errors(page.text).get("q_financial_loss_expected_eur") == message
    assert 'value="veel"' in page.text
    assert client.get(f"/api/v1/incidents/{incident['id']}/assessments").json() == []


def test_only_planned_effects_give_no_warning(client, officer):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    web, token = officer("en")
    answers = {"q_scheduled_maintenance": "yes", "q_unavailable_minutes": "240"}
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 200 and 'class="proposal no"' in page.text
    assert "assessment-warning-" not in page.text


@pytest.mark.parametrize(("lang", "message"), [("en", "needed to compute U"), ("nl", "nodig om U")])
def test_a_missing_number_of_eu_users_is_asked_for_in_the_users_language(client, officer, lang, message):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    web, token = officer(lang)
    data = {"csrf_token": token, "q_users_limited": "10", "q_limited_minutes": "90"}
    page = web.post(f"/incidents/{incident['id']}/assessment", data=data)
    assert page.status_code == 422
    assert errors(page.text).get("q_eu_users", "").startswith(message)
    assert 'value="90"' in page.text
