"""The DORA report's JSON export against the ESAs' schema (IR 1.2.1), read from the shared reference beside the
repository (never copied into it).

The schema declares draft 2020-12 but puts what each kind of report requires under `dependencies`, a Draft 7
keyword that 2020-12 ignores: every document is validated with both, so the per-stage requirements are checked.
"""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker

from tests.conftest import new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, set_facts

SCHEMA_NAME = "dora-ir-schema-1.2.1.json"
# The repository's parent holds shared/reference; a worktree of it sits one level deeper.
ROOT = Path(__file__).parents[2]
CANDIDATES = [
    ROOT / ".." / "shared" / "reference" / SCHEMA_NAME,
    ROOT / ".." / ".." / "shared" / "reference" / SCHEMA_NAME,
]
SCHEMA_FILE = next((c for c in CANDIDATES if c.exists()), CANDIDATES[0])
REPORTS = ("initial_notification", "intermediate_report", "final_report")

BANK = {
    "name": "Spaarbank Noord N.V.",
    "kvk_number": "30123456",
    "sector": "banking",
    "entity_type": "other",
    "dora_entity_type": "credit_institution",
    "lei": "724500ABCDEFGHIJKL12",
    "country": "NL",
    "staff_count": 800,
    "timezone": "Europe/Amsterdam",
    "contacts": [
        {
            "name": "Marieke de Boer",
            "email": "incidenten@spaarbanknoord.example",
            "phone": "+31 50 555 0100",
            "role": "reporting_officer",
        },
        {
            "name": "Joost Hendriks",
            "email": "j.hendriks@spaarbanknoord.example",
            "phone": "050-5550101",
            "role": "deputy",
        },
        {"name": "Fatima El Amrani", "email": "ciso@spaarbanknoord.example", "role": "ciso"},
        {"name": "Peter Vos", "email": "fg@spaarbanknoord.example", "role": "dpo"},
    ],
}

INITIAL_FACTS = {
    "started_at": "2026-12-09T06:40:00+01:00",
    "discovered_how": "De monitoring van het betaalplatform meldde om 06:52 uur een sterke daling van geslaagde "
    "iDEAL-betalingen; de servicedesk kreeg vanaf 07:00 uur klachten van klanten.",
    "nature": "Storing in het betaalplatform na een mislukte database-failover: iDEAL-betalingen en "
    "overboekingen in de app en internetbankieren mislukten of werden vertraagd verwerkt.",
    "affected_services": "iDEAL, overboekingen via de app en internetbankieren (kritieke dienst: betalingsverkeer).",
    "dora_classification_criteria": [
        "critical_services_affected",
        "clients_financial_counterparts_and_transactions_affected",
        "duration_and_service_downtime",
        "geographical_spread",
    ],
    "dora_countries": ["NL", "BE"],
    "dora_discovery": "monitoring_systems",
    "dora_business_continuity": True,
    "dora_report_currency": "EUR",
}

INTERMEDIATE_FACTS = {
    "dora_incident_classification": ["system_failure"],
    "dora_relevant_clients_impact": True,
    "dora_clients_affected": 182_000,
    "dora_clients_affected_percentage": 23,
    "dora_counterparts_affected": 14,
    "dora_transactions_affected": 410_000,
    "dora_transactions_value": 38_500_000,
    "dora_figures": ["actual_figures_for_transactions_affected", "estimates_for_clients_affected"],
    "dora_service_downtime_minutes": 200,
    "dora_downtime_figures": "actual_figures",
    "dora_temporary_measures": True,
    "dora_temporary_measures_description": "Betalingen handmatig via de noodomgeving verwerkt.",
    "dora_member_states_impact": ["clients"],
    "dora_infrastructure_affected": "yes",
    "affected_systems": "Primaire betaaldatabase en de failover-cluster in het tweede datacenter.",
    "dora_financial_interest_impact": "yes",
    "dora_other_authorities": ["none"],
    "impact": "Ongeveer 182.000 klanten konden ruim drie uur niet of vertraagd betalen.",
    "measures_taken": "Failover teruggedraaid, database hersteld en achterstallige betalingen verwerkt.",
}

FINAL_FACTS = {
    "ended_at": "2026-12-09T10:05:00+01:00",
    "dora_service_restored_at": "2026-12-09T10:00:00+01:00",
    "root_cause": "Een configuratiefout in de replicatie-instellingen liet de failover op een verouderde kopie "
    "van de database landen.",
    "dora_root_cause_types": ["system_failure_malfunction", "process_failure"],
    "dora_root_causes_detailed": ["system_failure_software_compatibility_configuration"],
    "dora_resolution_vs_planned": "Opgelost binnen de geplande hersteltijd van vier uur.",
    "dora_gross_costs": 240_000,
    "dora_financial_recoveries": 0,
}


@pytest.fixture(scope="module")
def schema() -> dict:
    assert SCHEMA_FILE.exists(), f"the ESAs' schema is read from {SCHEMA_FILE} (the shared reference)"
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def errors(schema: dict, document: dict) -> list[str]:
    """Both validators' complaints (2020-12 as declared; Draft 7 for the per-kind `dependencies`)."""
    out = []
    for validator in (Draft202012Validator, Draft7Validator):
        checker = validator(schema, format_checker=FormatChecker())
        out += [f"{validator.__name__}: {e.json_path}: {e.message}" for e in checker.iter_errors(document)]
    return out


def reasons(schema: dict, document: dict) -> list[str]:
    """Draft 7's innermost messages: a failed oneOf of the per-kind block says only "not valid under any"."""
    out, todo = [], list(Draft7Validator(schema).iter_errors(document))
    while todo:
        error = todo.pop()
        todo += error.context or []
        out.append(error.message)
    return out


def export(client: TestClient, iid: int, stage: str, expect: int = 200):
    response = client.get(f"/api/v1/incidents/{iid}/reports/dora/{stage}.json")
    assert response.status_code == expect, response.text
    return response


def gaps(client: TestClient, iid: int, stage: str) -> dict:
    response = client.get(f"/api/v1/incidents/{iid}/reports/dora/{stage}/gaps", params={"lang": "en"})
    assert response.status_code == 200, response.text
    return response.json()


def bank_incident(client: TestClient) -> int:
    put_organisation(client, **BANK)
    iid = new_incident(client, title="Storing betaalverkeer", detected_at="2026-12-09T05:52:00Z")["id"]
    post_event(
        client,
        iid,
        type="dora.major",
        aware_at="2026-12-09T07:10:00+01:00",
        classified_at="2026-12-09T08:30:00+01:00",
        reasoning="Betalingsverkeer (kritieke dienst) ruim drie uur verstoord; meer dan 10% van de klanten geraakt.",
    )
    return iid


def test_a_bank_exports_all_three_reports_valid_against_the_schema(client, schema):
    with freeze_time("2026-12-09T09:00:00Z") as clock:
        iid = bank_incident(client)
        set_facts(client, iid, **INITIAL_FACTS)
        response = export(client, iid, "initial_notification")
        document = response.json()
        assert "X-Schema-Gaps" not in response.headers, response.headers.get("X-Schema-Gaps")
        assert errors(schema, document) == []
        assert document["incidentSubmission"] == "initial_notification"
        assert document["submittingEntity"] == {
            "entityType": "SUBMITTING_ENTITY",
            "name": "Spaarbank Noord N.V.",
            "LEI": "724500ABCDEFGHIJKL12",
            "code": "30123456",
        }
        assert document["affectedEntity"][0]["affectedEntityType"] == ["credit_institution"]
        assert document["primaryContact"]["phone"] == "+31 50 555 0100"
        # A national number the schema's pattern refuses is left out rather than filed wrong.
        assert "phone" not in document["secondaryContact"]
        assert document["incident"]["classificationDateTime"] == "2026-12-09T07:30:00Z"
        assert document["incident"]["detectionDateTime"] == "2026-12-09T06:10:00Z"
        assert "impactAssessment" not in document, "the initial notification carries sections 1 and 2 only"
        assert gaps(client, iid, "initial_notification") == {
            "regime": "dora",
            "stage": "initial_notification",
            "kind": "initial_notification",
            "complete": True,
            "gaps": [],
        }
        post_event(
            client, iid, type="dora.submitted", stage="initial_notification", submitted_at="2026-12-09T09:00:00Z"
        )

        clock.move_to("2026-12-10T09:00:00Z")
        set_facts(client, iid, **INTERMEDIATE_FACTS)
        document = export(client, iid, "intermediate_report").json()
        assert errors(schema, document) == []
        assert document["incident"]["competentAuthorityCode"] == "DNB"
        assets = document["impactAssessment"]["affectedAssets"]
        assert assets["affectedClients"] == {"number": 182_000, "percentage": 23}
        assert document["impactAssessment"]["serviceImpact"]["serviceDowntime"] == "0:03:20"
        post_event(client, iid, type="dora.submitted", stage="intermediate_report", submitted_at="2026-12-10T09:00:00Z")

        clock.move_to("2026-12-20T09:00:00Z")
        set_facts(client, iid, **FINAL_FACTS)
        response = export(client, iid, "final_report")
        document = response.json()
        assert "X-Schema-Gaps" not in response.headers
        assert errors(schema, document) == []
        assert document["incident"]["incidentDuration"] == "0:03:25"
        assert document["incident"]["incidentResolutionDateTime"] == "2026-12-09T09:05:00Z"
        assert document["incident"]["rootCauseHLClassification"] == ["process_failure", "system_failure_malfunction"]
        assert document["reportCurrency"] == "EUR"


def test_a_missing_required_field_is_named_by_the_gaps_the_header_and_the_completeness_check(client, schema):
    with freeze_time("2026-12-09T09:00:00Z"):
        iid = bank_incident(client)
        facts = {
            k: v for k, v in {**INITIAL_FACTS, **INTERMEDIATE_FACTS}.items() if k != "dora_incident_classification"
        }
        set_facts(client, iid, **facts)

        # The intermediate report requires the incident type (field 3.23): the schema refuses the document without
        # it, and every place that checks the report says so.
        response = export(client, iid, "intermediate_report")
        assert response.headers["X-Schema-Gaps"] == "incident.incidentType.incidentClassification"
        assert "'incidentType' is a required property" in reasons(schema, response.json())
        answer = gaps(client, iid, "intermediate_report")
        assert answer["complete"] is False
        assert answer["gaps"] == [
            {
                "field": "incident.incidentType.incidentClassification",
                "template_field": "3.23",
                "label": "Incident type (DORA) (DORA field 3.23)",
                "sources": ["dora_incident_classification"],
            }
        ]
        # The completeness check names the schema field; what to fill in is the fact the stage requires for it.
        body = draft(client, iid, "dora", "intermediate_report", "en")
        assert body["schema_gaps"] == ["incident.incidentType.incidentClassification"]
        assert body["missing"] == ["dora_incident_classification"]
        assert "[missing: Incident type (DORA)]" in body["text"]

        # The initial notification does not need it: it is complete.
        assert "X-Schema-Gaps" not in export(client, iid, "initial_notification").headers

        set_facts(client, iid, dora_incident_classification=["system_failure"])
        response = export(client, iid, "intermediate_report")
        assert "X-Schema-Gaps" not in response.headers
        assert errors(schema, response.json()) == []
        body = draft(client, iid, "dora", "intermediate_report")
        assert body["schema_gaps"] == [] and body["missing"] == []


def test_gaps_of_the_profile_and_of_a_criterion_and_the_json_built_so_far(client, schema):
    with freeze_time("2026-12-09T09:00:00Z"):
        put_organisation(client, **{**BANK, "lei": None, "kvk_number": None, "dora_entity_type": None})
        iid = new_incident(client, title="Storing")["id"]
        post_event(
            client,
            iid,
            type="dora.major",
            aware_at="2026-12-09T07:10:00+01:00",
            classified_at="2026-12-09T08:30:00+01:00",
            reasoning="x",
        )
        set_facts(client, iid, dora_classification_criteria=["geographical_spread"])
        response = export(client, iid, "initial_notification")
        assert response.headers["X-Schema-Gaps"].split(", ") == [
            "submittingEntity.LEI",
            "affectedEntity.affectedEntityType",
            "incident.classificationTypes.countryCodeMaterialityThresholds",
        ]
        document = response.json()
        assert document["incident"]["classificationTypes"] == [{"classificationCriterion": "geographical_spread"}]
        assert document["incident"]["incidentDescription"] == "Systemen versleuteld"  # the summary, until `nature`
        assert errors(schema, document), "the schema refuses what the gaps name"
        # A criterion's detail has no fact line of its own among the stage's fields: the draft names the schema field.
        body = draft(client, iid, "dora", "initial_notification", "en")
        assert "incident.classificationTypes.countryCodeMaterialityThresholds" in body["missing"]
        label = "Member states for the geographical spread criterion (DORA field 2.6)"
        assert f"[missing: {label}]" in body["text"]
        assert {"organisation.lei", "organisation.dora_entity_type"} <= set(body["missing"])


def test_stages_without_an_export_and_other_regimes_are_404_problems(client):
    with freeze_time("2026-12-09T09:00:00Z"):
        iid = bank_incident(client)
        for path in (
            f"/api/v1/incidents/{iid}/reports/dora/client_communication.json",
            f"/api/v1/incidents/{iid}/reports/avg/ap_notification.json",
            f"/api/v1/incidents/{iid}/reports/dora/no_such_stage/gaps",
            f"/api/v1/incidents/{iid + 100}/reports/dora/initial_notification.json",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("application/problem+json"), path


def test_an_incident_of_an_organisation_outside_dora_has_no_dora_export(client):
    with freeze_time("2026-12-09T09:00:00Z"):
        put_organisation(client)  # the hospital: Cbw and AVG
        iid = new_incident(client)["id"]
        for path in (
            f"/api/v1/incidents/{iid}/reports/dora/initial_notification.json",
            f"/api/v1/incidents/{iid}/reports/dora/intermediate_report/gaps",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "regime 'dora' for this incident" in response.json()["detail"]


def test_the_export_needs_a_token_and_stays_in_its_organisation(app, client):
    with freeze_time("2026-12-09T09:00:00Z"):
        iid = bank_incident(client)
        set_facts(client, iid, **INITIAL_FACTS)
        paths = (
            f"/api/v1/incidents/{iid}/reports/dora/initial_notification.json",
            f"/api/v1/incidents/{iid}/reports/dora/initial_notification/gaps",
        )
        with TestClient(app) as anonymous:
            for path in paths:
                assert anonymous.get(path).status_code == 401
                assert anonymous.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        made = client.post("/api/v1/organisations", json={"name": "Bravo Verzekeringen", "slug": "bravo"})
        assert made.status_code == 201, made.text
        token = client.post("/api/v1/organisations/bravo/tokens", json={"name": "bravo", "role": "administrator"})
        assert token.status_code == 201, token.text
        with TestClient(app, headers={"Authorization": f"Bearer {token.json()['token']}"}) as other:
            for path in paths:
                response = other.get(path)
                assert response.status_code == 404, path
                assert "Spaarbank" not in response.text


def test_dora_facts_are_refused_on_an_incident_without_dora(client):
    with freeze_time("2026-12-09T09:00:00Z"):
        put_organisation(client)  # the hospital: Cbw and AVG
        iid = new_incident(client)["id"]
        refused = client.patch(f"/api/v1/incidents/{iid}/facts", json={"dora_clients_affected": 10})
        assert refused.status_code == 422
        assert "dora_clients_affected" in refused.text and "only for an incident under dora" in refused.text
        assert set_facts(client, iid, dora_clients_affected=None)["facts"] == {}
        # Percentages stop at 100, on a bank's incident too.
        iid = bank_incident(client)
        assert (
            client.patch(f"/api/v1/incidents/{iid}/facts", json={"dora_clients_affected_percentage": 101}).status_code
            == 422
        )
