"""Numbers typed as the Dutch write them (issue 17 §2): "20.000" and "20 000" are twenty thousand, "1.234,5" has a
decimal comma, "ca. 20.000" is refused with a message that says what to type; pydantic's refusals on a Dutch page
are Dutch."""

import re

import pytest
from pydantic import BaseModel, Field, ValidationError

from notifier.numbers import NotANumber, parse, show
from notifier.web.forms import validation_errors
from tests.conftest import new_incident, put_organisation
from tests.web.test_assistant_page import officer  # noqa: F401  (the fixture)
from tests.web.test_pages import errors

# pydantic's own words, none of which may reach a Dutch page.
ENGLISH = re.compile(r"Input should|String should|Field required|Value error|valid integer|valid number|at least \d")


@pytest.mark.parametrize(
    ("raw", "lang", "whole", "value"),
    [
        ("20.000", "nl", True, 20000),
        ("20 000", "nl", True, 20000),
        ("20\u00a0000", "nl", True, 20000),
        ("20,000", "en", True, 20000),
        ("12.000", "en", True, 12000),  # a count has no decimals, so the separator groups in either language
        ("1.234.567", "nl", True, 1234567),
        ("20.000", "nl", False, 20000),
        ("1.234,5", "nl", False, 1234.5),
        ("1,234.5", "en", False, 1234.5),
        ("240,5", "nl", False, 240.5),
        ("240,5", "en", False, 240.5),
        ("1,234", "nl", False, 1.234),  # the Dutch decimal comma
        ("1.234", "en", False, 1.234),  # the English decimal point
        ("0.500", "nl", False, 0.5),  # no thousands group starts with 0
        ("7", "nl", True, 7),
    ],
)
def test_numbers_in_dutch_and_english_notation(raw, lang, whole, value):
    assert parse(raw, lang, whole=whole) == value


@pytest.mark.parametrize(
    ("raw", "kind", "word", "example"),
    [
        ("ca. 20.000", "approximate", "ca.", "20.000"),
        ("ongeveer 500", "approximate", "ongeveer", "500"),
        ("~20000", "approximate", "~", "20000"),
        ("20.000+", "approximate", "+", "20.000"),
        ("18.000-24.000", "range", "", "18.000"),
        ("18.000 tot 24.000", "range", "", "18.000"),
        ("veel", "invalid", "", ""),
        ("-5", "invalid", "", ""),
        ("1e5", "invalid", "", ""),
        ("1.23.456", "invalid", "", ""),
        ("1.234,5,6", "invalid", "", ""),
    ],
)
def test_what_is_not_one_number_is_refused_with_why(raw, kind, word, example):
    with pytest.raises(NotANumber) as refused:
        parse(raw, "nl")
    assert (refused.value.kind, refused.value.word, refused.value.example) == (kind, word, example)


def facts(client, iid: int) -> dict:
    return client.get(f"/api/v1/incidents/{iid}/facts").json()["facts"]


@pytest.mark.parametrize("typed", ["20.000", "20 000"])
def test_the_facts_form_reads_dutch_thousands(client, officer, typed):  # noqa: F811
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    page = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_subjects_min": typed})
    assert page.status_code == 200, errors(page.text)
    assert facts(client, iid)["subjects_min"] == 20000


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Geef een getal, zonder 'ca.'; bijvoorbeeld 20.000."),
        ("en", "Give a number without 'ca.'; for example 20.000."),
    ],
)
def test_an_approximate_number_is_refused_at_its_field_saying_what_to_type(client, officer, lang, message):  # noqa: F811
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    page = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_subjects_min": "ca. 20.000"})
    assert page.status_code == 422
    assert errors(page.text)["fact_subjects_min"] == message.replace("'", "&#39;")
    assert 'value="ca. 20.000"' in page.text and 'aria-describedby="fact_subjects_min-error"' in page.text
    assert "subjects_min" not in facts(client, iid)


def test_the_assistant_reads_a_dutch_decimal_amount(client, officer):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    answers = {"q_financial_loss_eur": "1.234,5", "q_deaths": "1.000", "q_death_possible": "nee"}
    page = web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, **answers, "q_death_possible": "no"})
    assert page.status_code == 200, errors(page.text)
    stored = client.get(f"/api/v1/incidents/{iid}/assessments").json()[0]["answers"]
    assert stored["financial_loss_eur"] == 1234.5 and stored["deaths"] == 1000
    assert 'value="1234,5"' in page.text  # shown back as it reads again, with the Dutch decimal comma
    page = web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, "q_deaths": "ca. 3"})
    assert page.status_code == 422
    assert errors(page.text)["q_deaths"] == "Geef een getal, zonder &#39;ca.&#39;; bijvoorbeeld 3."


class Everything(BaseModel):
    count: int
    amount: float
    kvk_number: str = Field(pattern=r"^\d{8}$")
    name: str = Field(max_length=5)
    hours: int = Field(ge=1, le=24)
    term: int = Field(gt=0)
    flag: bool


@pytest.mark.parametrize(
    ("field", "value", "dutch"),
    [
        ("count", "20 thousand", "Vul een geheel getal in."),
        ("amount", "veel", "Vul een getal in."),
        ("kvk_number", "1234", "Vul 8 cijfers in, zonder spaties of punten."),
        ("name", "Ziekenhuis", "Ten hoogste 5 tekens."),
        ("hours", 0, "Vul een getal van ten minste 1 in."),
        ("hours", 25, "Vul een getal van ten hoogste 24 in."),
        ("term", 0, "Vul een getal groter dan 0 in."),
        ("flag", "misschien", "Kies ja of nee."),
        ("missing", None, "Dit veld is verplicht."),
    ],
)
def test_pydantic_refusals_are_said_in_dutch(field, value, dutch):
    good = {"count": 1, "amount": 1.5, "kvk_number": "12345678", "name": "A", "hours": 2, "term": 1, "flag": True}
    data = {k: v for k, v in good.items() if k != "count"} if field == "missing" else {**good, field: value}
    with pytest.raises(ValidationError) as refused:
        Everything.model_validate(data)
    said = validation_errors(refused.value, lang="nl")
    assert said == {"count" if field == "missing" else field: dutch}
    assert not ENGLISH.search(dutch)


def test_a_dutch_settings_page_says_pydantics_refusals_in_dutch(app, signed_in):
    from tests.web.test_avg_forms import set_language

    web, token = signed_in("administrator")
    set_language(app, "nl")
    form = {"csrf_token": token, "name": "Nimbus", "notification_term_hours": "1.000", "level1_name": "D",
            "level1_email": "geen-adres"}  # fmt: skip
    page = web.post("/settings/processors", data=form)
    assert page.status_code == 422
    said = errors(page.text)
    assert said["level1_email"] == "Vul een e-mailadres in, zoals naam@voorbeeld.nl."
    assert said["notification_term_hours"] == "Vul een getal van ten hoogste 720 in."  # 1.000 read as 1000
    assert not ENGLISH.search(page.text), ENGLISH.search(page.text)
    page = web.post("/settings/processors", data={**form, "notification_term_hours": "ca. 24"})
    assert errors(page.text)["notification_term_hours"] == "Geef een getal, zonder &#39;ca.&#39;; bijvoorbeeld 24."
    page = web.post("/settings/processors", data={**form, "notification_term_hours": "", "level1_email": "d@c.ex"})
    assert errors(page.text) == {"notification_term_hours": "Dit veld is verplicht."}
    assert not ENGLISH.search(page.text)
    page = web.post("/settings", data={"csrf_token": token, "name": "Ziekenhuis", "kvk_number": "1234 567"})
    assert page.status_code == 422
    assert errors(page.text)["kvk_number"] == "Vul 8 cijfers in, zonder spaties of punten."
    assert not ENGLISH.search(page.text), ENGLISH.search(page.text)


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (20000, "20.000", "20,000"),
        (20000.0, "20.000", "20,000"),
        (12.5, "12,5", "12.5"),
        (1234567.25, "1.234.567,25", "1,234,567.25"),
        (7, "7", "7"),
    ],
)
def test_a_number_is_shown_as_its_reader_writes_it_and_read_back_as_the_same(value, nl, en):
    assert (show(value, "nl"), show(value, "en")) == (nl, en)
    assert parse(nl, "nl") == value and parse(en, "en") == value
