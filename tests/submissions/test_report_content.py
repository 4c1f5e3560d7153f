"""What the reports carry (issue 12): address, classification, DPO registration, the reporter's job title and
availability, the number of data subjects informed; placeholders only for required fields; verified Cbw articles;
routing per sector, with a setting for the authorities the software cannot know."""

import re

import pytest
import yaml
from fastapi.testclient import TestClient
from freezegun import freeze_time

from notifier.config import PROJECT_ROOT, Settings
from notifier.main import create_app
from tests.conftest import AUTH, HOSPITAL, TOKEN, new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, set_facts

LANGS = ("nl", "en")
PLACEHOLDER = re.compile(r"\[(?:ontbreekt|missing): ([^\]]+)\]")

ADDRESS = {"street": "Ringweg 12", "postcode": "4101 aa", "city": "Culemborg"}
OFFICER = {
    "name": "Anna de Vries",
    "email": "a.devries@zrl.example",
    "phone": "+31 88 123 4567",
    "role": "reporting_officer",
    "job_title": "Informatiebeveiligingsfunctionaris",
    "availability": "24/7 via de piketlijn +31 88 123 4500",
}
DPO = {"name": "Dirk Bakker", "email": "fg@zrl.example", "phone": "+31 88 123 4570", "role": "dpo"}
FULL_PROFILE = {
    **ADDRESS,
    "dpo_registered_with_ap": True,
    "dpo_ap_registration_number": "FG012345",
    "contacts": [OFFICER, DPO],
}


def _declare_both(client: TestClient, risk: str = "high") -> int:
    iid = new_incident(client, title="Ransomware", detected_at="2026-11-23T05:55:00Z")["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-11-23T07:15:00Z", reasoning="EPD versleuteld")
    post_event(client, iid, type="avg.breach", aware_at="2026-11-23T08:00:00Z", risk=risk, reasoning="Lek")
    return iid


# --- the profile -----------------------------------------------------------------------------------------------


def test_profile_keeps_address_dpo_registration_and_contact_details(client):
    body = put_organisation(client, **FULL_PROFILE)
    assert (body["street"], body["postcode"], body["city"]) == ("Ringweg 12", "4101 AA", "Culemborg")
    assert body["dpo_registered_with_ap"] is True and body["dpo_ap_registration_number"] == "FG012345"
    officer = next(c for c in body["contacts"] if c["role"] == "reporting_officer")
    assert officer["job_title"] == OFFICER["job_title"] and officer["availability"] == OFFICER["availability"]
    assert client.get("/api/v1/organisation").json() == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postcode": "ABCD 12"}, "postcode"),
        ({"street": "Ringweg 12"}, "postcode"),  # an address is street, postcode and city together
        ({"street": "Ringweg 12", "postcode": "4101 AA"}, "city"),
        ({"dpo_registered_with_ap": True}, "dpo_ap_registration_number"),
        ({"dpo_ap_registration_number": "FG012345"}, "dpo_registered_with_ap"),
        ({"contacts": [{**OFFICER, "job_title": "x" * 201}]}, "job_title"),
    ],
)
def test_profile_refuses_bad_report_fields_naming_the_field(client, change, field):
    response = client.put("/api/v1/organisation", json={**HOSPITAL, **change})
    assert response.status_code == 422, response.text
    assert field in response.text
    assert client.get("/api/v1/organisation").status_code == 404


# --- the Cbw header and the AP notification --------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_cbw_header_prints_address_classification_and_the_reporters_job_title_and_availability(client):
    put_organisation(client, **FULL_PROFILE)
    iid = _declare_both(client)
    nl = draft(client, iid, "cbw", "early_warning", "nl")["text"]
    assert "- **Adres:** Ringweg 12, 4101 AA Culemborg" in nl
    assert "- **Soort entiteit (Cbw):** essentiële entiteit" in nl
    assert "  - **Functie:** Informatiebeveiligingsfunctionaris" in nl
    assert "  - **Bereikbaarheid:** 24/7 via de piketlijn +31 88 123 4500" in nl
    en = draft(client, iid, "cbw", "incident_notification", "en")["text"]
    assert "- **Address:** Ringweg 12, 4101 AA Culemborg" in en
    assert "- **Entity class (Cbw):** essential entity" in en
    assert "  - **Job title:** Informatiebeveiligingsfunctionaris" in en
    assert "  - **Availability:** 24/7 via de piketlijn +31 88 123 4500" in en


@freeze_time("2026-11-23T09:00:00Z")
def test_ap_notification_prints_address_dpo_registration_reporter_and_number_informed(client):
    put_organisation(client, **FULL_PROFILE)
    iid = _declare_both(client)
    set_facts(client, iid, subjects_informed=True, subjects_informed_count=21_300)
    nl = draft(client, iid, "avg", "ap_notification", "nl")["text"]
    assert "- **Adres:** Ringweg 12, 4101 AA Culemborg" in nl
    assert "- **FG aangemeld bij de AP:** Ja (registratienummer FG012345)" in nl
    assert "  - **Functie:** Informatiebeveiligingsfunctionaris" in nl
    assert "  - **Telefoon:** +31 88 123 4567" in nl
    assert "- **Aantal geïnformeerde betrokkenen:** 21.300" in nl
    en = draft(client, iid, "avg", "ap_notification", "en")["text"]
    assert "- **DPO registered with the AP:** Yes (registration number FG012345)" in en
    assert "  - **Phone:** +31 88 123 4567" in en and "  - **Job title:** Informatiebeveiligingsfunctionaris" in en
    assert "- **Number of data subjects informed:** 21,300" in en
    # The Cbw class belongs to the Cbw reports, not to the AP's form.
    assert "Cbw" not in nl.split("## 1.")[0]


@freeze_time("2026-11-23T09:00:00Z")
def test_dpo_not_registered_is_said_and_optional_report_fields_are_left_out(client):
    put_organisation(client)  # no address, no job titles, no registration
    iid = _declare_both(client)
    nl = draft(client, iid, "avg", "ap_notification", "nl")["text"]
    assert "- **FG aangemeld bij de AP:** Nee" in nl
    assert "Functie" not in nl and "Bereikbaarheid" not in nl and "geïnformeerde betrokkenen" not in nl
    cbw = draft(client, iid, "cbw", "early_warning", "nl")["text"]
    assert "Adres" not in cbw and "Functie" not in cbw


# --- the data-subject letter ---------------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_data_subject_letter_names_the_dpo_or_else_another_contact_point(client):
    point = {"name": "Privacyloket", "email": "privacy@zrl.example", "phone": "+31 88 123 4999"}
    put_organisation(client, contacts=[OFFICER, {**point, "role": "contact_point"}])
    iid = _declare_both(client)
    body = draft(client, iid, "avg", "data_subject_communication", "nl")
    assert "Neem contact op met ons contactpunt: Privacyloket, privacy@zrl.example, +31 88 123 4999." in body["text"]
    assert "contact.privacy" in body["present"]
    en = draft(client, iid, "avg", "data_subject_communication", "en")["text"]
    assert "Please contact our contact point: Privacyloket, privacy@zrl.example, +31 88 123 4999." in en

    put_organisation(client, contacts=[OFFICER, DPO, {**point, "role": "contact_point"}])
    text = draft(client, iid, "avg", "data_subject_communication", "nl")["text"]
    assert "Neem contact op met onze functionaris gegevensbescherming: Dirk Bakker, fg@zrl.example" in text

    put_organisation(client, contacts=[OFFICER])
    body = draft(client, iid, "avg", "data_subject_communication", "nl")
    assert "contact.privacy" in body["missing"]
    assert "[ontbreekt: Functionaris gegevensbescherming of ander contactpunt]" in body["text"]


# --- placeholders and the completeness check agree -----------------------------------------------------------------


def _stages(client: TestClient) -> list[tuple[str, str]]:
    """Every stage of the regimes the organisation answers to (a regime's own facts are refused elsewhere)."""
    registry = client.app.state.context.registry
    regimes = client.get("/api/v1/organisation").json()["regimes"]
    return [(regime, stage) for regime, wf in registry.workflows.items() if regime in regimes for stage in wf.stages]


# A financial entity: DORA instead of the Cbw, beside the AVG (its reports need the LEI and the entity type).
BANK_PROFILE = {
    **FULL_PROFILE,
    "name": "Spaarbank Noord N.V.",
    "sector": "banking",
    "entity_type": "other",
    "dora_entity_type": "credit_institution",
    "lei": "724500ABCDEFGHIJKL12",
}


def _declare_bank(client: TestClient) -> int:
    iid = new_incident(client, title="Storing betaalverkeer", detected_at="2026-11-23T05:55:00Z")["id"]
    post_event(
        client,
        iid,
        type="dora.major",
        aware_at="2026-11-23T07:15:00Z",
        classified_at="2026-11-23T08:00:00Z",
        reasoning="Betalingsverkeer verstoord",
    )
    post_event(client, iid, type="avg.breach", aware_at="2026-11-23T08:00:00Z", risk="high", reasoning="Lek")
    return iid


def _placeholders_match(client: TestClient, iid: int) -> None:
    for regime, stage in _stages(client):
        for lang in LANGS:
            body = draft(client, iid, regime, stage, lang)
            shown = sorted(PLACEHOLDER.findall(body["text"]))
            missing = sorted(r["label"] for r in body["required"] if not r["present"])
            assert shown == missing, f"{regime}.{stage}.{lang}: text marks {shown}, completeness says {missing}"
            assert [r["key"] for r in body["required"] if not r["present"]] == body["missing"]


@pytest.mark.parametrize("bank", [False, True], ids=["hospital", "bank"])
@freeze_time("2026-11-23T09:00:00Z")
def test_without_facts_every_placeholder_is_a_missing_required_field(client, bank):
    if bank:
        put_organisation(client, **{**BANK_PROFILE, "lei": None, "dora_entity_type": None, "contacts": []})
    else:
        put_organisation(client, contacts=[])
    iid = _declare_bank(client) if bank else _declare_both(client)
    _placeholders_match(client, iid)


@pytest.mark.parametrize("bank", [False, True], ids=["hospital", "bank"])
@freeze_time("2026-11-23T09:00:00Z")
def test_with_only_the_required_facts_no_stage_marks_anything_missing(client, bank):
    profile = {**FULL_PROFILE, "dpo_registered_with_ap": False, "dpo_ap_registration_number": None}
    put_organisation(client, **({**BANK_PROFILE, **profile} if bank else profile))
    iid = _declare_bank(client) if bank else _declare_both(client)
    registry = client.app.state.context.registry
    regimes = {regime for regime, _ in _stages(client)}
    required = {
        f
        for wf in registry.workflows.values()
        if wf.regime in regimes
        for s in wf.stages.values()
        for f in s.fields
        if "." not in f
    }
    example = {"text": "Tekst", "datetime": "2026-11-23T03:10:00+01:00", "bool": True, "int": 10}
    values = {}
    for key in sorted(required):
        fact = registry.facts[key]
        values[key] = (fact.choices or [None])[0] if fact.type == "choice" else example.get(fact.type)
        if fact.type == "multichoice":
            values[key] = [fact.choices[0]]
    set_facts(client, iid, **values)
    for regime, stage in _stages(client):
        for lang in LANGS:
            body = draft(client, iid, regime, stage, lang)
            assert body["missing"] == [], f"{regime}.{stage}.{lang}: {body['missing']}"
            assert PLACEHOLDER.findall(body["text"]) == [], f"{regime}.{stage}.{lang}:\n{body['text']}"


# --- Cbw article numbers -------------------------------------------------------------------------------------------

# Verified against the bill (Kamerstuk 36 764, nr. 2; sources cited in workflows/cbw.yaml): art. 28 is the early
# warning, and its first paragraph names "de in artikel 29, eerste lid, bedoelde melding", the incident notification.
VERIFIED_CBW = {"28", "29(1)"}
CBW_ARTICLE = re.compile(r"Cbw art\. ([0-9]+(?:\([0-9]+\))?)")


def _printed_texts() -> dict[str, str]:
    texts = {}
    for file in (PROJECT_ROOT / "templates" / "submissions").rglob("*.md.j2"):
        texts[str(file)] = file.read_text(encoding="utf-8")
    cbw = yaml.safe_load((PROJECT_ROOT / "workflows" / "cbw.yaml").read_text(encoding="utf-8"))
    for name, stage in cbw["stages"].items():
        texts[f"cbw.yaml:{name}"] = stage["legal_basis"]
        for i, variant in enumerate(stage.get("variants", [])):
            texts[f"cbw.yaml:{name}.variants[{i}]"] = variant.get("legal_basis", "")
    return texts


def test_every_printed_cbw_article_is_verified_and_has_nis2_beside_it():
    for where, text in _printed_texts().items():
        for article in CBW_ARTICLE.findall(text):
            assert article in VERIFIED_CBW, f"{where}: Cbw art. {article} is not verified against the bill"
    cbw = yaml.safe_load((PROJECT_ROOT / "workflows" / "cbw.yaml").read_text(encoding="utf-8"))
    bases = {name: stage["legal_basis"] for name, stage in cbw["stages"].items()}
    assert bases["early_warning"] == "Cbw art. 28; NIS2 art. 23(4)(a)"
    assert bases["incident_notification"] == "Cbw art. 29(1); NIS2 art. 23(4)(b)"
    for name, basis in bases.items():
        assert "NIS2 art. 23(4)" in basis, name
    source = (PROJECT_ROOT / "workflows" / "cbw.yaml").read_text(encoding="utf-8")
    assert "36 764" in source and "2025D26059" in source  # the bill is cited where the numbers are kept


@freeze_time("2026-11-23T09:00:00Z")
def test_reports_print_the_verified_articles(client):
    put_organisation(client)
    iid = _declare_both(client)
    assert "Cbw art. 28; NIS2 art. 23(4)(a)" in draft(client, iid, "cbw", "early_warning", "en")["text"]
    progress = draft(client, iid, "cbw", "progress_report", "nl")["text"]
    assert "NIS2 art. 23(4)(e)" in progress and "Cbw art. 29(2)" not in progress


# --- routing ---------------------------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
@pytest.mark.parametrize(
    ("sector", "entity_type", "expected"),
    [
        ("digital_providers", "online_marketplace", ["ncsc", "rdi"]),
        ("drinking_water", "other", ["ncsc", "ilt"]),
        ("transport", "other", ["ncsc", "ilt"]),
        ("manufacturing", "medical_devices", ["z_cert", "igj"]),
    ],
)
def test_recipients_follow_the_reference_table(client, sector, entity_type, expected):
    put_organisation(client, sector=sector, entity_type=entity_type)
    iid = _declare_both(client)
    assert [r["id"] for r in draft(client, iid, "cbw", "early_warning")["recipients"]] == expected


@freeze_time("2026-11-23T09:00:00Z")
def test_an_unknown_authority_is_said_and_names_the_setting(client):
    put_organisation(client, sector="waste_water", entity_type="other", staff_count=300)
    iid = _declare_both(client)
    for lang in LANGS:
        body = draft(client, iid, "cbw", "early_warning", lang)
        authority = next(r for r in body["recipients"] if r["role"] == "authority")
        assert "NOTIFIER_COMPETENT_AUTHORITIES" in authority["name"] and "waste_water" in authority["name"]
        assert "NOTIFIER_COMPETENT_AUTHORITIES" in body["text"]


def test_a_configured_authority_is_named(db_url, tmp_path):
    settings = Settings(
        database_url=db_url,
        api_token=TOKEN,
        env="test",
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-" + "y" * 24,
        scheduler_enabled=False,
        competent_authorities={"waste_water": "Inspectie Leefomgeving en Transport (ILT)"},
    )
    app = create_app(settings)
    try:
        with TestClient(app, headers=AUTH) as client, freeze_time("2026-11-23T09:00:00Z"):
            put_organisation(client, sector="waste_water", entity_type="other", staff_count=300)
            iid = _declare_both(client)
            body = draft(client, iid, "cbw", "early_warning", "nl")
            authority = next(r for r in body["recipients"] if r["role"] == "authority")
            assert authority["name"] == "Inspectie Leefomgeving en Transport (ILT)"
            assert "NOTIFIER_COMPETENT_AUTHORITIES" not in body["text"]
    finally:
        app.state.engine.dispose()


def test_a_misspelt_sector_in_the_authority_setting_is_refused(db_url, tmp_path):
    with pytest.raises(ValueError, match="waste_watter"):
        Settings(database_url=db_url, env="test", competent_authorities={"waste_watter": "ILT"})
