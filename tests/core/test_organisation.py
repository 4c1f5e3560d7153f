"""The organisation profile and the essential / important / not covered classification."""

import pytest

from notifier.organisation.classification import classify, size_class
from tests.conftest import HOSPITAL, put_organisation


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "expected"),
    [
        (250, None, None, "large"),
        (249, None, None, "unknown"),  # medium, or large on its finances (reference: size unknown)
        (249, 50_000_000, None, "medium"),
        (10, 50_000_001, 43_000_001, "large"),
        (10, 50_000_001, 43_000_000, "medium"),  # both financial thresholds must be exceeded
        (50, None, None, "unknown"),
        (50, 1_000_000, 1_000_000, "medium"),
        (49, 10_000_001, 10_000_001, "medium"),
        (49, 10_000_001, 10_000_000, "small"),
        (49, 10_000_000, 10_000_001, "small"),
        (None, None, None, "unknown"),
    ],
)
def test_size_thresholds(staff, turnover, balance, expected):
    assert size_class(staff, turnover, balance) == expected


@pytest.mark.parametrize(
    ("sector", "entity_type", "staff", "expected"),
    [
        ("health", "healthcare_provider", 3000, "essential"),
        ("health", "healthcare_provider", 120, "important"),
        ("health", "healthcare_provider", 12, "not_covered"),
        ("manufacturing", "other", 3000, "important"),  # Annex II is never essential by size
        ("digital_infrastructure", "dns", 3, "essential"),  # regardless of size
        ("digital_infrastructure", "tld", 3, "essential"),
        ("digital_infrastructure", "qualified_trust_service", 3, "essential"),
        ("digital_infrastructure", "trust_service", 3, "important"),  # non-qualified and small (issue 12)
        ("digital_infrastructure", "public_electronic_communications", 3, "important"),
        ("other", "other", 5000, "not_covered"),
    ],
)
def test_classification(sector, entity_type, staff, expected):
    # Small finances, so the staff count settles the size (without them, tests/core/test_coverage.py: unknown).
    result = classify(
        sector=sector,
        entity_type=entity_type,
        staff_count=staff,
        annual_turnover_eur=1_000_000,
        balance_sheet_eur=1_000_000,
    )
    assert result.classification == expected
    assert result.reason


def test_banking_mentions_dora():
    result = classify(
        sector="banking", entity_type="other", staff_count=900, annual_turnover_eur=None, balance_sheet_eur=None
    )
    assert result.classification == "essential" and "DORA" in result.reason


def test_put_and_get_profile(client):
    stored = put_organisation(client)
    assert stored["classification"] == "essential"
    assert "Annex I" in stored["classification_reason"]
    fetched = client.get("/api/v1/organisation").json()
    assert fetched == stored
    assert [c["role"] for c in fetched["contacts"]] == ["reporting_officer", "deputy", "ciso", "dpo"]


def test_profile_is_replaced_whole_and_audited(client, session):
    put_organisation(client)
    smaller = put_organisation(
        client,
        staff_count=80,
        annual_turnover_eur=20_000_000,
        balance_sheet_eur=15_000_000,
        contacts=[HOSPITAL["contacts"][0]],
    )
    assert smaller["classification"] == "important"
    assert len(smaller["contacts"]) == 1
    from sqlmodel import select

    from notifier.audit.models import AuditRecord

    events = session.exec(select(AuditRecord).where(AuditRecord.event_type == "organisation.updated")).all()
    assert len(events) == 2
    assert events[1].previous_state["staff_count"] == 2400 and events[1].new_state["staff_count"] == 80


def test_get_before_put_is_404(client):
    assert client.get("/api/v1/organisation").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sector": "retail"}, "sector"),
        ({"entity_type": "bakery"}, "entity_type"),
        ({"kvk_number": "12-34"}, "kvk_number"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"staff_count": -1}, "staff_count"),
        ({"contacts": [{"name": "X", "email": "not-an-address", "role": "dpo"}]}, "email"),
        ({"contacts": [{"name": "X", "email": "x@y.nl", "role": "boss"}]}, "role"),
    ],
)
def test_bad_profile_names_the_field_and_keeps_the_stored_one(client, change, field):
    put_organisation(client)
    response = client.put("/api/v1/organisation", json={**HOSPITAL, **change})
    assert response.status_code == 422
    assert field in str(response.json()["detail"][0]["loc"])
    assert client.get("/api/v1/organisation").json()["staff_count"] == HOSPITAL["staff_count"]
