"""Who is covered (reference section 2): entity types covered or essential regardless of size, size unknown, regimes."""

import re

import pytest
from freezegun import freeze_time

from notifier.organisation.classification import classify, possible_sizes, size_class
from tests.conftest import new_incident, post_event, put_organisation


def _classify(sector, entity_type, staff=None, turnover=None, balance=None, **flags):
    return classify(
        sector=sector,
        entity_type=entity_type,
        staff_count=staff,
        annual_turnover_eur=turnover,
        balance_sheet_eur=balance,
        **flags,
    )


@pytest.mark.parametrize(
    ("entity_type", "staff", "turnover", "balance", "expected"),
    [
        ("qualified_trust_service", 10, 1_000_000, 1_000_000, "essential"),  # art. 3(1)(b)
        ("trust_service", 10, 1_000_000, 1_000_000, "important"),  # non-qualified, small: covered, important
        ("trust_service", 120, 20_000_000, 15_000_000, "important"),  # non-qualified, medium
        ("trust_service", 400, None, None, "essential"),  # non-qualified, large (Annex I, art. 3(1)(a))
    ],
)
def test_trust_services_qualified_or_not(entity_type, staff, turnover, balance, expected):
    result = _classify("digital_infrastructure", entity_type, staff, turnover, balance)
    assert result.classification == expected
    assert "regardless of size" in result.reason


def test_central_government_is_essential_whatever_its_size():
    result = _classify("public_administration", "central_government", 30)
    assert result.classification == "essential"
    assert "art. 2(2)(f)(i)" in result.reason and "3(1)(d)" in result.reason


def test_decentralised_government_follows_the_memorandum():
    result = _classify("public_administration", "decentralised_government", 12)
    assert result.classification == "essential"
    assert "5.1.2" in result.reason


def test_cer_critical_entity_is_essential_whatever_its_size():
    assert _classify("food", "other", 20, 1_000_000, 1_000_000).classification == "not_covered"
    result = _classify("food", "other", 20, 1_000_000, 1_000_000, cer_critical_entity=True)
    assert result.classification == "essential"
    assert "CER" in result.reason and "3(1)(f)" in result.reason


def test_medical_devices_is_a_manufacturing_type():
    result = _classify("manufacturing", "medical_devices", 300, None, None)
    assert result.classification == "important"  # Annex II is never essential by size


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "sizes"),
    [
        (49, None, None, {"small", "medium", "large"}),
        (49, 5_000_000, None, {"small"}),  # turnover at most EUR 10 m settles it whatever the balance sheet
        (49, 20_000_000, None, {"small", "medium"}),
        (120, None, None, {"medium", "large"}),
        (120, 20_000_000, None, {"medium"}),
        (None, 60_000_000, 50_000_000, {"large"}),  # large on finances whatever the staff count
        (None, 5_000_000, 5_000_000, {"small", "medium", "large"}),  # the staff count can still make it large
        (300, None, None, {"large"}),
    ],
)
def test_possible_sizes(staff, turnover, balance, sizes):
    assert possible_sizes(staff, turnover, balance) == sizes
    assert size_class(staff, turnover, balance) == (next(iter(sizes)) if len(sizes) == 1 else "unknown")


def test_49_staff_without_finances_in_annex_i_is_essential_until_settled():
    result = _classify("health", "healthcare_provider", 49)
    assert result.size == "unknown"
    assert result.classification == "essential"
    assert "annual turnover" in result.reason and "balance sheet" in result.reason
    # never a figure nobody entered
    assert "10 m" not in result.reason and "EUR" not in result.reason
    assert "49" in result.reason


def test_unknown_size_in_annex_ii_is_important():
    result = _classify("manufacturing", "other", 49)
    assert (result.size, result.classification) == ("unknown", "important")


def test_unknown_size_names_only_the_figures_that_settle_it():
    result = _classify("health", "healthcare_provider", None, 5_000_000, None)
    assert result.size == "unknown"
    assert "staff count" in result.reason
    assert "balance sheet" not in result.reason.split("Entering the")[-1]


def test_small_reason_states_only_what_was_entered():
    result = _classify("health", "healthcare_provider", 12, 5_000_000, None)
    assert (result.size, result.classification) == ("small", "not_covered")
    figures = {f.rstrip(",.") for f in re.findall(r"\d[\d,.]*", result.reason)}
    assert figures <= {"12", "5,000,000", "50", "10", "2", "1", "2003/361"} | {"2003", "361"}
    assert "balance sheet" not in result.reason


def test_dora_sector_keeps_classification_but_has_no_cbw_regime(client):
    out = put_organisation(client, sector="banking", entity_type="other")
    assert out["regimes"] == ["dora", "avg"]
    assert "DORA" in out["classification_reason"]
    health = put_organisation(client)
    assert health["regimes"] == ["cbw", "avg"]


@freeze_time("2026-06-01T10:00:00Z")
def test_cbw_significant_for_a_dora_entity_is_409_naming_dora(client):
    put_organisation(client, sector="financial_market_infrastructure", entity_type="other")
    iid = new_incident(client)["id"]
    response = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.significant", "aware_at": "2026-06-01T08:00:00Z", "reasoning": "betaalverkeer plat"},
    )
    assert response.status_code == 409
    assert "DORA" in response.json()["detail"]
    assert "DORA track" in response.json()["detail"]
    incident = client.get(f"/api/v1/incidents/{iid}").json()
    assert [t for t in incident["tracks"] if t["regime"] == "cbw" and t["state"] != "pending"] == []
    # the AVG track is unaffected
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")


def test_profile_accepts_the_new_types_and_flag(client):
    out = put_organisation(
        client,
        sector="public_administration",
        entity_type="central_government",
        staff_count=30,
        annual_turnover_eur=None,
        balance_sheet_eur=None,
    )
    assert out["classification"] == "essential"
    out = put_organisation(client, sector="food", entity_type="other", staff_count=20, cer_critical_entity=True)
    assert out["cer_critical_entity"] is True and out["classification"] == "essential"
    assert client.get("/api/v1/organisation").json()["cer_critical_entity"] is True


@pytest.mark.parametrize(("entity_type", "sector"), [("central_government", "health"), ("medical_devices", "health")])
def test_entity_type_in_the_wrong_sector_is_422_naming_the_field(client, entity_type, sector):
    response = client.put(
        "/api/v1/organisation",
        json={"name": "X", "sector": sector, "entity_type": entity_type, "staff_count": 10},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "entity_type"
    assert sector not in response.json()["detail"][0]["msg"] or "sector" in response.json()["detail"][0]["msg"]


def test_trust_service_provider_flag_without_a_trust_service_type_is_read_as_qualified():
    """The old boolean does not say whether the provider is qualified: the stricter reading, and it says so."""
    result = _classify(
        "digital_infrastructure", "cloud_computing", 10, 1_000_000, 1_000_000, trust_service_provider=True
    )
    assert result.classification == "essential"
    assert "qualified_trust_service" in result.reason and "trust_service" in result.reason


def test_trust_service_provider_flag_with_non_qualified_type_is_not_upgraded():
    result = _classify("digital_infrastructure", "trust_service", 10, 1_000_000, 1_000_000, trust_service_provider=True)
    assert result.classification == "important"


@freeze_time("2026-06-01T10:00:00Z")
@pytest.mark.parametrize("entity_type", ["trust_service", "qualified_trust_service"])
def test_both_trust_service_types_notify_within_24_hours(client, entity_type):
    put_organisation(client, sector="digital_infrastructure", entity_type=entity_type, staff_count=10)
    iid = new_incident(client)["id"]
    incident = post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    due = next(d for d in incident["deadlines"] if d["stage"] == "incident_notification")["due"]
    assert due == "2026-06-02T10:00:00+02:00"


@freeze_time("2026-06-01T10:00:00Z")
def test_medical_devices_manufacturer_reports_to_z_cert_and_igj(client):
    put_organisation(client, sector="manufacturing", entity_type="medical_devices", staff_count=300)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    draft = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning").json()
    names = [r["name"] for r in draft["recipients"]]
    assert names == ["Z-CERT", "Inspectie Gezondheidszorg en Jeugd (IGJ)"]
    other = put_organisation(client, sector="manufacturing", entity_type="other", staff_count=300)
    assert other["entity_type"] == "other"
    draft = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning").json()
    assert [r["name"] for r in draft["recipients"]][1] == "Rijksinspectie Digitale Infrastructuur (RDI)"
