"""Inputs that answered 500 (issue 11, section 2): each is now refused as bad input, and nothing is stored.

The JSON API answers 422 (or 400 for a body that is not JSON) naming the field; the web forms answer the page again
with 422, the input kept and the field marked; the SIEM intake answers 400/422, never 500 or 503.
"""

import json
import math
import re

import pytest
from sqlmodel import Session, func, select

from notifier.assessment.models import SignificanceAssessment
from notifier.organisation.models import Organisation
from notifier.processors.models import Processor
from tests.conftest import new_incident, put_organisation
from tests.intake import payloads
from tests.intake.conftest import INTAKE_AUTH, alert_count, generic
from tests.intake.conftest import settings as settings  # fixture: the app with an intake token
from tests.web.conftest import signed_in  # noqa: F401  (fixture)

HUGE = "9" * 5000  # more digits than Python converts to int by default (4,300)


def form_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', html))


def profiles(app) -> int:
    """Organisations whose profile is filled in (an organisation is created with a name only)."""
    with Session(app.state.engine) as session:
        return len(session.exec(select(Organisation).where(Organisation.sector.is_not(None))).all())


def rows(app, model) -> int:
    with Session(app.state.engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


# --- the processor reply page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["abc.é", "é.é", "x.\u2603", "\u00b2"])
def test_reply_link_with_a_non_ascii_character_is_an_invalid_link(client, token):
    assert client.get(f"/reply/{token}").status_code == 403
    answer = client.post(f"/reply/{token}", data={"nature": "x"})
    assert answer.status_code == 403 and "invalid link" in answer.text


def test_csrf_token_with_a_non_ascii_character_is_the_forbidden_page(client, signed_in):  # noqa: F811
    web, _ = signed_in("officer")
    page = web.post("/settings/processors", data={"csrf_token": "é", "name": "x"})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")


# --- the dashboard's page number ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["\u00b2", "\u0661", HUGE, "-1", "1e3", ""])
def test_a_page_number_that_is_not_one_shows_a_page(signed_in, page):  # noqa: F811
    web, _ = signed_in("viewer")
    answer = web.get("/", params={"page": page})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")


# --- an instant the database driver cannot bind --------------------------------------------------------------------


def test_year_one_at_an_offset_is_422_and_nothing_is_stored(app, client):
    from notifier.incidents.models import Incident

    put_organisation(client)
    response = client.post("/api/v1/incidents", json={"title": "t", "detected_at": "0001-01-01T00:00+01:00"})
    assert response.status_code == 422, response.text
    assert rows(app, Incident) == 0


def test_a_generic_alert_observed_in_year_one_is_422_not_503(app, client):
    body = generic(observed_at="0001-01-01T00:00+01:00")
    response = client.post("/api/v1/intake/generic", json=body, headers=INTAKE_AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "observed_at"]
    assert alert_count(app) == 0


# --- an awareness years back -------------------------------------------------------------------------------------


def test_a_deadline_years_overdue_plans_a_handful_of_reminder_steps(app, client):
    from datetime import timedelta

    from notifier import clock
    from notifier.reminders.models import ReminderStep

    put_organisation(client)
    incident = new_incident(client)
    aware = (clock.now() - timedelta(days=3 * 365)).isoformat()  # in range, but 6,500 overdue repeats of 4 h back
    body = {"type": "cbw.significant", "aware_at": aware, "reasoning": "found in an old log"}
    assert client.post(f"/api/v1/incidents/{incident['id']}/events", json=body).status_code == 200
    # Each deadline: its reminders before and at it, and of the repeats already past only the last (as skipped).
    assert rows(app, ReminderStep) < 30


# --- the SIEM intake ---------------------------------------------------------------------------------------------

SEVEN = {
    "generic": generic(),
    "splunk": payloads.SPLUNK,
    "elastic": payloads.ELASTIC,
    "sentinel": payloads.SENTINEL,
    "wazuh": payloads.WAZUH,
    "graylog": payloads.GRAYLOG,
    "thehive": payloads.THEHIVE,
}


@pytest.mark.parametrize("source", sorted(SEVEN))
def test_an_integer_of_more_than_4300_digits_is_a_400_on_every_source(app, client, source):
    body = json.dumps(SEVEN[source])[:-1] + f', "extra": {HUGE}}}'
    response = client.post(f"/api/v1/intake/{source}", content=body.encode(), headers=INTAKE_AUTH)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("malformed JSON")
    assert alert_count(app) == 0


def test_a_lone_surrogate_in_a_splunk_result_is_stored_safely(app, client):
    body = json.dumps({**payloads.SPLUNK, "result": {**payloads.SPLUNK["result"], "user": "\ud800"}})
    response = client.post("/api/v1/intake/splunk", content=body.encode(), headers=INTAKE_AUTH)
    assert response.status_code == 202, response.text
    again = client.post("/api/v1/intake/splunk", content=body.encode(), headers=INTAKE_AUTH)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert alert_count(app) == 1


@pytest.mark.parametrize("level", ["\u00b2", "\u0661", "½", HUGE])
def test_a_wazuh_level_that_only_looks_like_digits_is_422_naming_it(app, client, level):
    body = {**payloads.WAZUH, "rule": {**payloads.WAZUH["rule"], "level": level}}
    response = client.post("/api/v1/intake/wazuh", json=body, headers=INTAKE_AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "rule", "level"]
    assert alert_count(app) == 0


# --- text the database cannot hold, through the JSON API ---------------------------------------------------------


@pytest.mark.parametrize("value", ["\ud800", "a\udfffb", "nul\x00here"])
def test_facts_with_a_lone_surrogate_or_nul_are_422_naming_the_fact(client, value):
    put_organisation(client)
    incident = new_incident(client)
    body = json.dumps({"nature": value})  # JSON escapes: "\ud800" and "\u0000"
    response = client.patch(
        f"/api/v1/incidents/{incident['id']}/facts", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "nature"]
    assert client.get(f"/api/v1/incidents/{incident['id']}/facts").json()["facts"] == {}


def test_a_lone_surrogate_in_a_nested_field_is_422_naming_the_path(client):
    contact = {"level": 1, "name": "\ud83d", "email": "a@b.example"}
    body = json.dumps({"name": "Nimbus", "notification_term_hours": 4, "contacts": [contact]})
    response = client.post("/api/v1/processors", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "contacts", 0, "name"]
    assert client.get("/api/v1/processors").json() == []


# --- the significance assistant ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_an_assessment_answer_that_is_not_finite_is_422(app, client, number):
    put_organisation(client)
    incident = new_incident(client)
    body = '{"answers": {"financial_loss_eur": NUMBER}}'.replace("NUMBER", number)
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/assessments", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][:3] == ["body", "answers", "financial_loss_eur"]
    assert rows(app, SignificanceAssessment) == 0
    assert client.get(f"/api/v1/incidents/{incident['id']}/assessments/export").status_code == 200


def assistant_answers(questions: list[dict]) -> dict[str, str]:
    answers = {f"q_{q['id']}": ("no" if q["kind"] == "bool" else "0") for q in questions}
    return {**answers, "q_recurrence_count": "1"}


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "-5", "1e999", HUGE])
def test_the_web_assistant_refuses_non_finite_and_negative_numbers_with_the_page(app, client, signed_in, raw):  # noqa: F811
    put_organisation(client)
    incident = new_incident(client)
    questions = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()["questions"]
    answers = assistant_answers(questions)
    answers["q_unavailable_minutes"] = raw
    web, token = signed_in("officer")
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 422, page.text[:500]
    assert page.headers["content-type"].startswith("text/html")
    assert "q_unavailable_minutes" in form_errors(page.text)
    assert f'value="{raw}"' in page.text
    assert rows(app, SignificanceAssessment) == 0
    for fmt in ("json", "csv", "md"):
        export = client.get(f"/api/v1/incidents/{incident['id']}/assessments/export", params={"format": fmt})
        assert export.status_code == 200


def test_the_web_assistant_applies_the_apis_rules(app, client, signed_in):  # noqa: F811
    put_organisation(client)
    incident = new_incident(client)
    questions = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()["questions"]
    web, token = signed_in("officer")
    answers = {**assistant_answers(questions), "q_recurrence_count": "0"}  # "this one included": at least 1
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 422
    assert form_errors(page.text)["q_recurrence_count"] == "Enter a number of at least 1."
    assert rows(app, SignificanceAssessment) == 0


def test_stored_answers_are_finite_numbers(client, signed_in):  # noqa: F811
    put_organisation(client)
    incident = new_incident(client)
    questions = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()["questions"]
    answers = assistant_answers(questions)
    answers["q_unavailable_minutes"] = "240,5"
    web, token = signed_in("officer")
    assert web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers}).status_code == 200
    stored = client.get(f"/api/v1/incidents/{incident['id']}/assessments").json()[0]["answers"]
    assert stored["unavailable_minutes"] == 240.5
    assert all(math.isfinite(v) for v in stored.values() if isinstance(v, float))


# --- the settings forms ------------------------------------------------------------------------------------------

ORG_FORM = {
    "name": "Ziekenhuis",
    "sector": "health",
    "entity_type": "healthcare_provider",
    "timezone": "Europe/Amsterdam",
}


@pytest.mark.parametrize("field", ["staff_count", "annual_turnover_eur", "balance_sheet_eur"])
@pytest.mark.parametrize("raw", ["\u00b2", HUGE, "-5", "12a"])
def test_a_count_on_the_organisation_form_that_is_not_a_number_is_the_page_again(app, signed_in, field, raw):  # noqa: F811
    web, token = signed_in("administrator")
    page = web.post("/settings", data={"csrf_token": token, **ORG_FORM, field: raw})
    assert page.status_code == 422, page.text[:500]
    assert page.headers["content-type"].startswith("text/html")
    assert field in form_errors(page.text)
    assert f'value="{raw}"' in page.text
    assert profiles(app) == 0  # the default organisation exists; its profile was not written


def test_the_organisation_form_speaks_the_users_language(app, signed_in):  # noqa: F811
    web, token = signed_in("administrator")
    page = web.post("/settings", data={"csrf_token": token, **ORG_FORM, "staff_count": "\u00b2"})
    english = form_errors(page.text)["staff_count"]
    page = web.post("/account", data={"csrf_token": token, "language": "nl"})
    page = web.post("/settings", data={"csrf_token": token, **ORG_FORM, "staff_count": "\u00b2"})
    assert page.status_code == 422
    assert form_errors(page.text)["staff_count"] != english


PROCESSOR_FORM = {"name": "CloudCo", "notification_term_hours": "24", "level1_name": "Desk", "level1_email": "d@c.nl"}


@pytest.mark.parametrize(("field", "raw"), [("id", "\u00b2"), ("id", HUGE), ("id", str(2**70)), ("id", "-3"),
                                            ("notification_term_hours", "\u00b2"),
                                            ("notification_term_hours", HUGE)])  # fmt: skip
def test_a_processor_form_number_that_is_not_one_is_the_page_again(app, signed_in, field, raw):  # noqa: F811
    web, token = signed_in("administrator")
    page = web.post("/settings/processors", data={"csrf_token": token, **PROCESSOR_FORM, field: raw})
    assert page.status_code == 422, page.text[:500]
    assert page.headers["content-type"].startswith("text/html")
    assert field in form_errors(page.text)
    assert rows(app, Processor) == 0


def test_editing_a_processor_id_too_large_is_not_a_server_error(signed_in):  # noqa: F811
    web, _ = signed_in("administrator")
    page = web.get("/settings/processors", params={"edit": str(2**70)})
    assert page.status_code in (404, 422)


# --- web pages never answer a JSON body --------------------------------------------------------------------------


@pytest.mark.parametrize("incident_id", ["\u00b2", "abc", str(2**70), HUGE, "999"])
def test_an_incident_address_that_names_none_is_the_not_found_page(signed_in, incident_id):  # noqa: F811
    web, _ = signed_in("viewer")
    page = web.get(f"/incidents/{incident_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html") and "Not found" in page.text


@pytest.mark.parametrize(
    "path",
    [f"/incidents/{2**70}/facts", "/incidents/\u00b2/facts", "/incidents/999/facts", f"/settings/users/{2**70}"],
)
def test_a_form_posted_to_an_address_that_names_nothing_is_a_page(signed_in, path):  # noqa: F811
    web, token = signed_in("administrator")
    page = web.post(path, data={"csrf_token": token, "fact_nature": "x", "role": "viewer"})
    assert 400 <= page.status_code < 500
    assert page.headers["content-type"].startswith("text/html"), page.text


@pytest.mark.parametrize("expires_at", ["2027-11-23T09:00", "0001-01-01T00:00:00Z", "2100-01-02T00:00:00+00:00"])
def test_a_token_expiry_without_offset_or_out_of_range_is_422_naming_it(app, client, expires_at):
    """Found by tests/fuzz/test_bad_values_property.py: a naive expiry was compared with the aware clock (500)."""
    answer = client.post(
        "/api/v1/organisations/default/tokens", json={"name": "n", "role": "officer", "expires_at": expires_at}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "expires_at"
    assert client.get("/api/v1/organisations/default/tokens").json() == []
