"""No English message and no raw code on a Dutch page, where the words come from below the pages (issue 17, 2):
the assistants' proposals, a service's refusal (a Conflict, a FieldProblem) and a date the form could not read.
The English pages say the same in English. The API keeps its English (clients parse it)."""

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from notifier import clock, tenancy
from notifier.errors import FieldProblem
from notifier.products.models import Product
from notifier.products.service import resolve
from notifier.web.forms import local_input
from notifier.web.i18n_refusals import REFUSAL_MESSAGES
from notifier.web.refusals import field_message
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_assistant_page import officer  # noqa: F401  (the fixture)
from tests.web.test_avg_forms import errors, set_language
from tests.web.test_dora_assistant_page import ANSWERS as BANK_ANSWERS
from tests.web.test_no_raw_codes import _Visible, raw_codes
from tests.web.test_regimes_end_to_end import BANK

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Phrases the services and rules say in English: on a Dutch page any of them is a message not translated.
TRIPWIRES = (
    "already",
    "is not a date",
    "is required",
    "out of range",
    "lies in the future",
    "lies before",
    "linked to incident",
    "considerable damage",
    "No hard thresholds",
    "open rule",
    "True",
    "False",
    "choose a processor",
    # A refused state change, an event or stage the workflow lacks (the API's words and the English page's).
    "is not allowed while",
    "is not possible in the state",
    "is not possible in the incident's state",
    "Filing the",
    "reload the page",
    "unknown event",
    "unknown stage",
    "does not exist",
    "has no such report",
    # Facts that contradict each other.
    "smaller than",
    "the start of the incident",
    # A fact out of its bounds (the facts service's English and the English page's).
    "or less",
    "is longer than",
    "at most",
    "characters",
    # An assistant the workflows lack.
    "no assistant for regime",
    "no assessment assistant",
)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.text))


def english_on(html: str) -> list[str]:
    text = visible(html)
    return [phrase for phrase in TRIPWIRES if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]


def assert_dutch(html: str) -> None:
    assert english_on(html) == [] and raw_codes(html, "nl") == set()


def assistant_card(html: str, regime: str) -> str:
    found = re.search(rf'<details class="action assistant" id="assistant-{regime}".*?</details>', html, re.S)
    assert found, f"no {regime} assistant on the page"
    return found.group(0)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_significance_assistant_speaks_the_readers_language(client, officer, lang):  # noqa: F811
    put_organisation(client)  # a hospital: no hard thresholds, the open rule
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    answers = {"csrf_token": token, "q_deaths": "0", "q_health_damage": "yes", "q_severe_operational_disruption": "yes"}
    page = web.post(f"/incidents/{iid}/assessment", data=answers)
    assert page.status_code == 200
    card = visible(assistant_card(page.text, "cbw"))
    if lang == "nl":
        assert_dutch(assistant_card(page.text, "cbw"))
        assert "zorgaanbieder" in card.lower() and "open norm" in card
        assert "aanzienlijke schade aan de gezondheid" in card and ": ja" in card
    else:
        assert raw_codes(assistant_card(page.text, "cbw")) == set()
        assert "health care provider" in card.lower() and "open rule" in card
        assert "considerable damage to health" in card and ": yes" in card


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_classification_assistant_shows_values_in_words(client, officer, lang):  # noqa: F811
    put_organisation(client, **BANK)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    page = web.post(f"/incidents/{iid}/assessment?regime=dora", data={"csrf_token": token, **BANK_ANSWERS})
    card = assistant_card(page.text, "dora")
    text = visible(card)
    assert "{" not in text and "[" not in text, "a stored value printed as Python"
    if lang == "nl":
        assert_dutch(card)
        assert "6.000 van 50.000 (12 %)" in text and "kredietinstelling" in text.lower()
    else:
        assert raw_codes(card) == set()
        assert "6,000 of 50,000 (12 %)" in text and "credit institution" in text.lower()


def test_an_unreadable_date_on_the_decision_is_said_in_dutch(client, officer):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, "q_health_damage": "yes"})
    page = web.post(
        f"/incidents/{iid}/assessment/1/confirm",
        data={"csrf_token": token, "agree": "yes", "aware_at": "2026-13-01T10"},
    )
    assert page.status_code == 422
    assert errors(page.text)["aware_at"] == "Geen geldige datum en tijd (dd-mm-jjjj uu:mm)."
    assert_dutch(assistant_card(page.text, "cbw"))
    page = web.post(
        f"/incidents/{iid}/assessment/1/confirm",
        data={"csrf_token": token, "agree": "yes", "aware_at": "1980-01-01T10:00"},
    )
    assert page.status_code == 422 and "buiten" in errors(page.text)["aware_at"]
    assert_dutch(assistant_card(page.text, "cbw"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_processor_linked_twice_is_refused_in_the_readers_language(client, officer, lang):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    body = {
        "name": "CloudCo",
        "notification_term_hours": 24,
        "contacts": [{"level": 1, "name": "D", "email": "d@c.ex"}],
    }
    processor = client.post("/api/v1/processors", json=body).json()
    web, token = officer(lang)
    form = {"csrf_token": token, "processor_id": str(processor["id"])}
    assert web.post(f"/incidents/{iid}/processors", data=form).status_code == 200
    page = web.post(f"/incidents/{iid}/processors", data=form)
    assert page.status_code == 409
    said = errors(page.text)["processor-form"] if "processor-form" in errors(page.text) else visible(page.text)
    if lang == "nl":
        assert "CloudCo is al gekoppeld aan dit incident" in said
        assert english_on(page.text) == []
    else:
        assert "CloudCo is linked to this incident already" in said
    again = client.post(f"/api/v1/incidents/{iid}/processors", json={"processor_id": processor["id"]})
    assert again.status_code == 409 and "already linked" in again.text  # the API keeps its English


def test_a_processor_form_with_a_future_time_is_refused_in_dutch(client, officer):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    body = {
        "name": "CloudCo",
        "notification_term_hours": 24,
        "contacts": [{"level": 1, "name": "D", "email": "d@c.ex"}],
    }
    processor = client.post("/api/v1/processors", json=body).json()
    web, token = officer("nl")
    form = {"csrf_token": token, "processor_id": str(processor["id"]), "informed_at": "2099-01-01T10:00"}
    page = web.post(f"/incidents/{iid}/processors", data=form)
    assert page.status_code == 422 and "toekomst" in errors(page.text)["informed_at"]
    assert english_on(page.text) == []
    page = web.post(f"/incidents/{iid}/processors", data={"csrf_token": token, "processor_id": "x"})
    assert page.status_code == 422 and english_on(page.text) == []


def test_agreeing_without_reasoning_records_the_assistants_reasoning_in_dutch(client, officer):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, "q_health_damage": "yes"})
    confirm = {"csrf_token": token, "agree": "yes", "aware_at": "2026-12-07T08:00"}
    page = web.post(f"/incidents/{iid}/assessment/1/confirm", data=confirm)
    assert page.status_code == 200
    reasons = [r["reason"] for r in client.get(f"/api/v1/incidents/{iid}/audit").json() if r.get("reason")]
    stored = next(r for r in reasons if "v1" in r)
    assert "Hulp bij de beoordeling (significant?) v1 (Zorgaanbieder; open norm van Cbw art. 25(2))" in stored
    assert "aanzienlijke schade aan de gezondheid" in stored and ": ja" in stored
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", stored) == [] and "Significance assessment" not in stored
    assert_dutch(page.text.split('id="audit"', 1)[-1])


def test_the_decision_refused_by_the_service_is_said_in_dutch(client, officer):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, "q_health_damage": "yes"})
    page = web.post(f"/incidents/{iid}/assessment/1/confirm", data={"csrf_token": token, "agree": "no"})
    assert page.status_code == 422 and "onderbouwing" in errors(page.text)["reasoning"].lower()
    future = {"csrf_token": token, "agree": "yes", "aware_at": "2099-01-01T10:00"}
    page = web.post(f"/incidents/{iid}/assessment/1/confirm", data=future)
    assert page.status_code == 422 and "toekomst" in errors(page.text)["aware_at"]
    assert_dutch(assistant_card(page.text, "cbw"))


def test_account_and_token_refusals_are_said_in_dutch(app, signed_in):
    web, token = signed_in("administrator")
    set_language(app, "nl")
    new_user = {
        "csrf_token": token,
        "email": "x@example.org",
        "name": "X",
        "role": "officer",
        "password": "aaaaaaaaaaaaaaa",
    }
    page = web.post("/settings/users", data=new_user)
    assert (
        page.status_code == 422
        and errors(page.text)["password"] == "Dit wachtwoord heeft te weinig verschillende tekens."
    )
    page = web.post("/settings/users", data={**new_user, "password": "kort"})
    assert page.status_code == 422 and errors(page.text)["password"].startswith("Ten minste")
    page = web.post("/settings/tokens", data={"csrf_token": token, "name": "", "role": "viewer"})
    assert page.status_code == 422 and errors(page.text)["name"].startswith("Geef de sleutel een naam")
    page = web.post(
        "/settings/tokens",
        data={"csrf_token": token, "name": "SIEM", "role": "viewer", "expires_at": "2020-01-01T10:00"},
    )
    assert page.status_code == 422 and errors(page.text)["expires_at"] == "Deze vervaldatum ligt in het verleden."
    assert english_on(page.text) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_product_the_register_lacks_is_refused_in_the_readers_language(app, lang):
    with Session(app.state.engine) as session:
        tenancy.bind(session, tenancy.DEFAULT_ORGANISATION_ID)
        for version in ("1.0", "2.0"):
            session.add(Product(organisation_id=tenancy.DEFAULT_ORGANISATION_ID, name="Pomp", version=version))
        session.flush()
        said = {}
        for reference in ("Infuuspomp X", 999_999, "Pomp"):
            with pytest.raises(FieldProblem) as refused:
                resolve(session, "product", reference)
            assert refused.value.message.startswith(("no product", "the register has"))  # the API's English
            said[reference] = field_message(refused.value, lang, ZoneInfo("Europe/Amsterdam"))
    if lang == "nl":
        assert (
            said["Infuuspomp X"] == "Product Infuuspomp X staat niet in het productregister (Instellingen › Producten)."
        )
        assert said["Pomp"].startswith("Het productregister heeft meer versies van Pomp (1.0, 2.0)")
        assert not any(english_on(text) for text in said.values())
    else:
        assert said[999_999] == "Product 999999 is not in the product register (Settings › Products)."


def refused_form(html: str) -> str:
    """The form-level refusal of the error summary (a 409: the state machine or stored data said no)."""
    found = re.findall(r'<div class="error-summary".*?<p class="error">([^<]+)</p>', html, re.S)
    assert found, "no refusal on the page"
    return visible(found[0])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_refused_state_change_names_the_event_and_the_state_in_words(client, officer, lang):  # noqa: F811
    """A second assessment after the track moved on, a filing the track is not at and a second resolution: the page
    names what was asked and the state it is in, by the workflow's labels, instead of a general sentence."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    aware = (clock.now() - timedelta(minutes=5)).isoformat()
    post_event(client, iid, type="cbw.significant", aware_at=aware, reasoning="EPD plat")
    web, token = officer(lang)
    page = web.post(
        f"/incidents/{iid}/events", data={"csrf_token": token, "type": "cbw.not_significant", "reasoning": "toch niet"}
    )
    assert page.status_code == 409
    said = {"event": refused_form(page.text)}
    form = {"csrf_token": token, "type": "cbw.submitted", "stage": "final_report", "ack_missing": "yes"}
    page = web.post(f"/incidents/{iid}/events", data={**form, "submitted_at": local_input(clock.now(), AMSTERDAM)})
    assert page.status_code == 409
    said["filing"] = refused_form(page.text)
    resolved = {"csrf_token": token, "type": "incident.resolved", "resolved_at": local_input(clock.now(), AMSTERDAM)}
    assert web.post(f"/incidents/{iid}/events", data=resolved).status_code == 200
    page = web.post(f"/incidents/{iid}/events", data=resolved)
    assert page.status_code == 409
    said["resolved"] = refused_form(page.text)
    if lang == "nl":
        assert said["event"].startswith("‘Niet significant’ kan niet in de toestand ‘vroegtijdige waarschuwing nodig’")
        assert said["filing"].startswith(
            "‘Eindverslag’ indienen kan niet in de toestand ‘vroegtijdige waarschuwing nodig’"
        )
        assert said["resolved"].startswith("‘Het incident oplossen’ kan niet in de toestand ‘opgelost’")
        assert_dutch(page.text)
    else:
        assert said["event"].startswith("‘Not significant’ is not possible in the state ‘early warning due’")
        assert said["filing"].startswith("Filing ‘Final report’ is not possible in the state ‘early warning due’")
        assert said["resolved"].startswith("‘Resolve the incident’ is not possible in the state ‘resolved’")
    assert not any("cbw." in text or "stage=" in text for text in said.values()), said
    again = client.post(f"/api/v1/incidents/{iid}/events", json={"type": "incident.resolved", "resolved_at": aware})
    assert again.status_code == 409 and "is not allowed while the incident is 'resolved'" in again.text  # the API's


def test_the_new_incident_page_says_the_services_refusals_in_dutch(client, officer):  # noqa: F811
    """What the services refuse on the new-incident form (a detection or awareness time in the future, a time not
    read) is said in Dutch at its field, not in the service's English."""
    put_organisation(client)
    web, token = officer("nl")
    future = local_input(clock.now() + timedelta(days=2), AMSTERDAM)
    form = {"csrf_token": token, "title": "Spam", "significant": "yes", "cbw_reasoning": "EPD plat"}
    past = local_input(clock.now() - timedelta(hours=1), AMSTERDAM)
    page = web.post("/incidents/new", data={**form, "detected_at": future, "cbw_aware_at": past})
    assert page.status_code == 422
    assert errors(page.text)["detected_at"].startswith("Dit moment ligt in de toekomst")
    assert_dutch(page.text)
    page = web.post("/incidents/new", data={**form, "cbw_aware_at": future})
    assert page.status_code == 422
    assert errors(page.text)["cbw_aware_at"].startswith("Dit moment ligt in de toekomst")
    assert_dutch(page.text)
    page = web.post("/incidents/new", data={**form, "title": "x" * 301, "cbw_aware_at": past})
    assert page.status_code == 422 and errors(page.text)["title"] == "Ten hoogste 300 tekens."
    page = web.post("/incidents/new", data={**form, "detected_at": "2026-13-01T10", "cbw_aware_at": past})
    assert (
        page.status_code == 422 and errors(page.text)["detected_at"] == "Geen geldige datum en tijd (dd-mm-jjjj uu:mm)."
    )
    assert client.get("/api/v1/incidents").json() == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_facts_that_contradict_each_other_are_refused_in_the_readers_language(client, officer, lang):  # noqa: F811
    """An end before the start and a maximum below the minimum: the facts form says which and why, with the start
    on the organisation's clock in words, not ISO; the API keeps its English."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    form = {"csrf_token": token, "fact_started_at": "2026-01-05T03:10", "fact_ended_at": "2026-01-04T10:00"}
    page = web.post(f"/incidents/{iid}/facts", data=form)
    assert page.status_code == 422
    said = html.unescape(errors(page.text)["fact_ended_at"])
    assert "T03" not in said and "+01:00" not in said, said
    counted = {"csrf_token": token, "fact_subjects_min": "200", "fact_subjects_max": "20"}
    page = web.post(f"/incidents/{iid}/facts", data=counted)
    assert page.status_code == 422
    counted_said = html.unescape(errors(page.text)["fact_subjects_max"])
    if lang == "nl":
        assert said == "Het einde ligt vóór de aanvang van het incident (05-01-2026 03:10 CET).", said
        assert counted_said == "Het maximale aantal betrokkenen is kleiner dan het minimale (200).", counted_said
        assert_dutch(page.text)
    else:
        assert said == "The end lies before the start of the incident (05 Jan 2026 03:10 CET).", said
        assert counted_said == "The maximum number of data subjects is smaller than the minimum (200)."
    api = client.patch(f"/api/v1/incidents/{iid}/facts", json={"subjects_min": 200, "subjects_max": 20})
    assert api.status_code == 422 and "is smaller than subjects_min" in api.text  # the API keeps its English


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_unknown_stage_or_event_on_the_event_form_is_said_in_the_readers_language(client, officer, lang):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    form = {"csrf_token": token, "type": "cbw.submitted", "stage": "brief_aan_de_koning", "ack_missing": "yes"}
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422
    stage_said = refused_form(page.text)  # the page has no form for a stage the regime lacks: said at the top
    page = web.post(f"/incidents/{iid}/events", data={"csrf_token": token, "type": "cbw.breech"})
    assert page.status_code == 422
    event_said = refused_form(page.text)
    if lang == "nl":
        assert html.unescape(stage_said).startswith("Deze regeling kent deze melding niet"), stage_said
        assert html.unescape(event_said).startswith("Deze actie bestaat niet (meer)"), event_said
        assert_dutch(page.text)
    else:
        assert html.unescape(stage_said).startswith("This regime has no such report"), stage_said
        assert html.unescape(event_said).startswith("This action does not exist (any more)"), event_said


KEYED_HERE = (
    "refused_transition_event",
    "refused_transition_filing",
    "refused_transition_state",
    "refused_unknown_event",
    "refused_unknown_stage",
    "refused_ended_before_start",
    "refused_subjects_max_below_min",
    "refused_required_when",
    "refused_no_assistant_for",
)


@pytest.mark.parametrize("key", KEYED_HERE)
def test_the_tripwires_catch_these_refusals_in_english_and_not_in_dutch(key):
    """Were a page to say one of these in English again, the tripwires above would catch it."""
    dutch, english = REFUSAL_MESSAGES[key]
    values = {
        "event": "Niet significant",
        "stage": "Eindverslag",
        "state": "afgesloten",
        "started": "",
        "low": 2,
        "when": "Grond",
        "value": "Andere grond",
    }
    assert english_on(english.format_map(values)) != [], english
    assert english_on(dutch.format_map(values)) == [], dutch


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_fact_out_of_its_bounds_is_refused_in_the_readers_language(client, officer, lang):  # noqa: F811
    """A percentage above its maximum and a text longer than a fact may be: the facts service's bounds, which the
    form does not check itself, are said at the field in the reader's language; the API keeps its English."""
    put_organisation(client, **BANK)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    page = web.post(
        f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_dora_clients_affected_percentage": "150"}
    )
    assert page.status_code == 422
    said = {"percentage": errors(page.text)["fact_dora_clients_affected_percentage"]}
    page = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_nature": "x" * 20_001})
    assert page.status_code == 422
    said["nature"] = errors(page.text)["fact_nature"]
    if lang == "nl":
        assert said == {"percentage": "Vul een getal van ten hoogste 100 in.", "nature": "Ten hoogste 20.000 tekens."}
        assert_dutch(page.text)
    else:
        assert said == {"percentage": "Enter a number of at most 100.", "nature": "At most 20,000 characters."}
    api = client.patch(f"/api/v1/incidents/{iid}/facts", json={"dora_clients_affected_percentage": 150})
    assert api.status_code == 422 and "must be 100 or less" in api.text  # the API keeps its English


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_assistant_the_workflows_lack_is_refused_in_the_readers_language(client, officer, lang):  # noqa: F811
    """A page older than the workflows posts to the assistant of a regime that has none (any more): the top of the
    page says so in the reader's language (the page has no card for it to say it on); the API keeps its English."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    page = web.post(f"/incidents/{iid}/assessment?regime=nis9", data={"csrf_token": token, "q_deaths": "0"})
    assert page.status_code == 422
    said = html.unescape(refused_form(page.text))
    if lang == "nl":
        assert said.startswith("Deze regeling heeft geen hulp bij de beoordeling"), said
        assert_dutch(page.text)
    else:
        assert said.startswith("This regime has no assessment assistant"), said
    page = web.post(f"/incidents/{iid}/assessment/1/confirm?regime=nis9", data={"csrf_token": token, "agree": "yes"})
    assert page.status_code == 422 and refused_form(page.text) == said
    api = client.post(f"/api/v1/incidents/{iid}/assessments?regime=nis9", json={"answers": {}})
    assert api.status_code == 422 and "no assistant for regime 'nis9'" in api.text  # the API keeps its English


def test_an_event_on_a_merged_incident_names_the_incidents_state_in_dutch(client, officer):  # noqa: F811
    """A page of an incident merged into another meanwhile: the track would start a clock, the incident's own state
    (merged) refuses it; the page names that state rather than a general sentence."""
    put_organisation(client)
    source, into = new_incident(client)["id"], new_incident(client, title="Hetzelfde incident")["id"]
    merged = client.post(f"/api/v1/incidents/{into}/merge", json={"from_incident_id": source})
    assert merged.status_code == 200, merged.text
    web, token = officer("nl")
    aware = local_input(clock.now() - timedelta(minutes=5), AMSTERDAM)
    form = {"csrf_token": token, "type": "cbw.significant", "aware_at": aware, "reasoning": "EPD plat"}
    page = web.post(f"/incidents/{source}/events", data=form)
    assert page.status_code == 409
    said = refused_form(page.text)
    assert said.startswith("Dit kan niet in de toestand ‘samengevoegd’ van het incident"), said
    assert_dutch(page.text)


def test_a_late_report_asks_the_delay_reason_in_good_dutch_whatever_the_stage(client, officer):  # noqa: F811
    """The delay-reason sentence names the stage without an article of its own: 'de tussentijds verslag' is not
    Dutch (het verslag). The deadline on the organisation's clock in words, not ISO."""
    put_organisation(client, **BANK)
    iid = new_incident(client)["id"]
    days_ago = lambda days, hours=0: (clock.now() - timedelta(days=days, hours=hours)).isoformat()  # noqa: E731
    post_event(client, iid, type="dora.major", aware_at=days_ago(10), classified_at=days_ago(10, -1), reasoning="x")
    filed = {"type": "dora.submitted", "stage": "initial_notification", "submitted_at": days_ago(10, -2)}
    post_event(client, iid, **filed)
    web, token = officer("nl")
    form = {"csrf_token": token, "type": "dora.submitted", "stage": "intermediate_report", "ack_missing": "yes"}
    page = web.post(f"/incidents/{iid}/events", data={**form, "submitted_at": local_input(clock.now(), AMSTERDAM)})
    assert page.status_code == 422
    said = html.unescape(errors(page.text)["delay_reason"])
    assert said.startswith("De termijn voor ‘tussentijds verslag’ is verstreken op "), said
    assert said.endswith(": geef bij een te late indiening de reden van de vertraging."), said
    assert "T" not in said.split(" op ", 1)[1][:12] and "intermediate_report" not in said, said
    assert_dutch(page.text)


def test_a_fact_time_in_the_future_is_refused_in_dutch(client, officer):  # noqa: F811
    """Facts record what has happened: the facts service refuses a start in the future, said in Dutch at the field."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    future = local_input(clock.now() + timedelta(days=2), AMSTERDAM)
    page = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_started_at": future})
    assert page.status_code == 422
    assert errors(page.text)["fact_started_at"].startswith("Dit moment ligt in de toekomst")
    assert_dutch(page.text)
