"""End to end through the API and the pages (issue 16): a bank whose incident runs DORA and the AVG at once, and a
manufacturer whose exploited vulnerability runs the CRA beside the Cbw and the AVG. Times are frozen on a Wednesday
so no weekend rule interferes unless a test says so."""

import re

from freezegun import freeze_time

from tests.conftest import deadline, new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

BANK = {
    "name": "Spaarbank Noord",
    "kvk_number": "30123456",
    "sector": "banking",
    "entity_type": "other",
    "dora_entity_type": "credit_institution",
    "lei": "724500ABCDEFGHIJKL12",
    "country": "NL",
    "staff_count": 800,
}
NOW = "2026-12-09T12:00:00Z"  # Wednesday 13:00 in Amsterdam


def _track(incident: dict, regime: str) -> dict:
    return next(t for t in incident["tracks"] if t["regime"] == regime)


def _card(page: str, regime: str) -> str:
    """The regime's track card on the incident page."""
    match = re.search(rf'<div class="card track" data-regime="{regime}">(.*?)</table>', page, re.S)
    assert match, f"no track card with deadlines for {regime}"
    return match.group(1)


def test_a_bank_reports_a_major_incident_under_dora_and_the_breach_to_the_ap(app, client, signed_in):
    with freeze_time(NOW):
        profile = put_organisation(client, **BANK)
        assert profile["regimes"] == ["dora", "avg"]
        iid = new_incident(client, title="Storing betaalverkeer en datalek")["id"]
        post_event(
            client,
            iid,
            type="dora.major",
            aware_at="2026-12-09T08:00:00+01:00",
            classified_at="2026-12-09T12:30:00+01:00",
            reasoning="Critical payment services down for 3 h; clients affected above the threshold",
        )
        incident = post_event(
            client,
            iid,
            type="avg.breach",
            aware_at="2026-12-09T09:00:00+01:00",
            risk="high",
            reasoning="Account statements of clients readable by others",
        )
        # The Cbw is not the bank's regime: its events are refused naming DORA.
        refused = client.post(
            f"/api/v1/incidents/{iid}/events",
            json={"type": "cbw.significant", "aware_at": "2026-12-09T08:00:00+01:00", "reasoning": "x"},
        )
        assert refused.status_code == 409 and "DORA" in refused.json()["detail"]

        # 4 h after the classification, within 24 h of awareness; the AP 72 h after its own awareness.
        initial = deadline(incident, "dora", "initial_notification")
        assert initial["due"] == "2026-12-09T16:30:00+01:00" and initial["provisional"] is False
        assert deadline(incident, "dora", "intermediate_report")["provisional"] is True
        assert deadline(incident, "avg", "ap_notification")["due"] == "2026-12-12T09:00:00+01:00"
        assert _track(incident, "dora")["state"] == "initial_due"
        assert _track(incident, "dora")["workflow_version"] == 1

        # The draft is addressed to DNB through its portal, in Dutch.
        draft = client.get(f"/api/v1/incidents/{iid}/submissions/dora/initial_notification?lang=nl")
        assert draft.status_code == 200, draft.text
        names = [r["name"] for r in draft.json()["recipients"]]
        assert any("Nederlandsche Bank" in name for name in names), names

        # The officer files the initial notification through the page.
        web, token = signed_in("officer")
        page = web.post(
            f"/incidents/{iid}/events",
            data={
                "csrf_token": token,
                "type": "dora.submitted",
                "stage": "initial_notification",
                "submitted_at": "2026-12-09T13:00",
                "reference": "DNB-2026-0042",
                "language": "nl",
            },
        )
        # The draft still misses facts: filing it anyway is acknowledged, as for every regime.
        assert page.status_code == 422 and "ack_missing" in page.text
        assert client.get(f"/api/v1/incidents/{iid}/submissions").json() == []
        page = web.post(
            f"/incidents/{iid}/events",
            data={
                "csrf_token": token,
                "type": "dora.submitted",
                "stage": "initial_notification",
                "submitted_at": "2026-12-09T13:00",
                "reference": "DNB-2026-0042",
                "language": "nl",
                "ack_missing": "yes",
            },
        )
        assert page.status_code == 200, page.text
        incident = client.get(f"/api/v1/incidents/{iid}").json()
        assert _track(incident, "dora")["state"] == "intermediate_due"
        intermediate = deadline(incident, "dora", "intermediate_report")
        assert intermediate["due"] == "2026-12-12T13:00:00+01:00" and intermediate["provisional"] is False

        post_event(
            client,
            iid,
            type="avg.submitted",
            stage="ap_notification",
            submitted_at="2026-12-09T12:45:00+01:00",
            reference="AP-123456",
        )
        ledger = client.get(f"/api/v1/incidents/{iid}/submissions").json()
        assert {(e["regime"], e["stage"], e["reference"]) for e in ledger} == {
            ("dora", "initial_notification", "DNB-2026-0042"),
            ("avg", "ap_notification", "AP-123456"),
        }
        assert all(e["intact"] and e["regime_version"] == 1 for e in ledger)
        audit = client.get(f"/api/v1/incidents/{iid}/audit").json()
        kinds = {a["event_type"] for a in audit}
        assert {"dora.major", "dora.submitted", "avg.breach", "avg.submitted"} <= kinds, kinds
        filed = next(a for a in audit if a["event_type"] == "dora.submitted")
        assert filed["actor"].startswith("user:officer") and filed["payload"]["reference"] == "DNB-2026-0042"

        # The page shows both tracks with their next duties, in Dutch for a Dutch officer.
        set_language(app, "nl")
        page = web.get(f"/incidents/{iid}").text
        dora = _card(page, "dora")
        assert 'data-field="classified_at">Geclassificeerd als groot: ' in page
        assert "tussentijds verslag nodig" in dora and "Tussentijds verslag" in dora and "DNB-2026-0042" in page
        assert "Melding aan de AP" in _card(page, "avg") or "AP" in _card(page, "avg")
        board = web.get("/").text
        assert "Storing betaalverkeer en datalek" in board


def test_a_late_dora_report_needs_the_reason_and_the_weekend_rule_moves_the_intermediate_report(client):
    with freeze_time("2026-12-03T20:00:00Z"):  # Thursday
        put_organisation(client, **{**BANK, "dora_entity_type": "payment_institution"})
        iid = new_incident(client)["id"]
        post_event(
            client,
            iid,
            type="dora.major",
            aware_at="2026-12-02T09:00:00+01:00",
            classified_at="2026-12-03T08:00:00+01:00",
            reasoning="Payment services degraded",
        )
    with freeze_time("2026-12-03T21:00:00Z"):
        late = client.post(
            f"/api/v1/incidents/{iid}/events",
            json={
                "type": "dora.submitted",
                "stage": "initial_notification",
                "submitted_at": "2026-12-03T21:30:00+01:00",
            },
        )
        assert late.status_code == 422 and "delay_reason" in late.text
        incident = post_event(
            client,
            iid,
            type="dora.submitted",
            stage="initial_notification",
            submitted_at="2026-12-03T21:30:00+01:00",
            delay_reason="The classification took longer than planned",
        )
        # Filed Thursday 21:30 + 72 h = Sunday 21:30: a payment institution may file by Monday noon (art. 5(4)).
        assert deadline(incident, "dora", "intermediate_report")["due"] == "2026-12-07T12:00:00+01:00"
        assert deadline(incident, "dora", "initial_notification")["status"] == "late"


def test_a_manufacturer_reports_an_exploited_vulnerability_under_the_cra(app, client, signed_in):
    with freeze_time(NOW):
        profile = put_organisation(client, cra_manufacturer=True)
        assert profile["regimes"] == ["cbw", "avg", "cra"]
        made = client.post("/api/v1/products", json={"name": "InfuusApp", "version": "4.2", "member_states": ["NL"]})
        assert made.status_code == 201, made.text
        iid = new_incident(client, title="Uitgebuite kwetsbaarheid in de infuuspomp-app")["id"]
        incident = post_event(
            client,
            iid,
            type="cra.exploited_vulnerability",
            aware_at="2026-12-09T10:00:00+01:00",
            product="InfuusApp 4.2",
            reasoning="Exploit seen in the wild against our app",
        )
        post_event(
            client,
            iid,
            type="cbw.significant",
            aware_at="2026-12-09T10:00:00+01:00",
            reasoning="The same exploit reached our own hospital systems",
        )
        assert deadline(incident, "cra", "early_warning")["due"] == "2026-12-10T10:00:00+01:00"
        assert deadline(incident, "cra", "notification")["due"] == "2026-12-12T10:00:00+01:00"
        assert deadline(incident, "cra", "final_report")["due"] is None  # waits for a fix

        web, token = signed_in("officer")
        page = web.get(f"/incidents/{iid}").text
        assert 'data-regime="cra"' in page and 'data-regime="cbw"' in page
        assert re.search(r'data-field="product">Product: InfuusApp, version 4.2; made available in NL<', page)
        assert "waits for a corrective or mitigating measure" in page
        set_language(app, "nl")
        assert "wacht op een beschikbare correctieve of beperkende maatregel" in web.get(f"/incidents/{iid}").text

        draft = client.get(f"/api/v1/incidents/{iid}/submissions/cra/early_warning?lang=en")
        assert draft.status_code == 200, draft.text
        names = " ".join(r["name"] for r in draft.json()["recipients"])
        assert "NCSC" in names and "ENISA" in names

        for stage, at, ref in (
            ("early_warning", "2026-12-09T11:00", "SRP-EW-1"),
            ("notification", "2026-12-09T12:00", "SRP-N-1"),
        ):
            page = web.post(
                f"/incidents/{iid}/events",
                data={
                    "csrf_token": token,
                    "type": "cra.submitted",
                    "stage": stage,
                    "submitted_at": at,
                    "reference": ref,
                    "language": "nl",
                    "ack_missing": "yes",
                },
            )
            assert page.status_code == 200, page.text
        page = web.post(
            f"/incidents/{iid}/events",
            data={"csrf_token": token, "type": "cra.fix_available", "available_at": "2026-12-09T12:30"},
        )
        assert page.status_code == 200, page.text
        incident = client.get(f"/api/v1/incidents/{iid}").json()
        assert _track(incident, "cra")["state"] == "final_report_due"
        assert deadline(incident, "cra", "final_report")["due"] == "2026-12-23T12:30:00+01:00"
        # The Cbw clock of the same incident runs on its own.
        assert deadline(incident, "cbw", "early_warning")["due"] == "2026-12-10T10:00:00+01:00"
        assert re.search(r"SRP-N-1", web.get(f"/incidents/{iid}").text)


def test_a_bank_classifies_with_the_assistant_exports_the_report_and_reclassifies(app, client, signed_in):
    import json

    from tests.assessment.test_dora_routes import MAJOR
    from tests.submissions.test_dora_export import BANK as FULL_BANK
    from tests.submissions.test_dora_export import INITIAL_FACTS, SCHEMA_FILE, errors, schema  # noqa: F401 - schema: a fixture

    ims = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    with freeze_time(NOW) as clock:
        put_organisation(client, **FULL_BANK)
        iid = new_incident(client, title="Storing betaalverkeer")["id"]
        url = f"/api/v1/incidents/{iid}/assessments"
        # The assistant proposes (2024/1772), a person decides: agreeing posts dora.major, classified now.
        proposed = client.post(url, params={"regime": "dora"}, json={"answers": MAJOR})
        assert proposed.status_code == 201, proposed.text
        confirmed = client.post(
            f"{url}/1/confirm", params={"regime": "dora"}, json={"aware_at": "2026-12-09T08:00:00+01:00"}
        )
        assert confirmed.status_code == 200, confirmed.text
        incident = confirmed.json()
        assert _track(incident, "dora")["state"] == "initial_due"
        assert deadline(incident, "dora", "initial_notification")["due"] == "2026-12-09T17:00:00+01:00"

        # The facts in, the page's link answers the ESAs' JSON, the same document the API gives, valid.
        assert client.patch(f"/api/v1/incidents/{iid}/facts", json=INITIAL_FACTS).status_code == 200
        web, _ = signed_in("viewer")
        link = f"/incidents/{iid}/reports/dora/initial_notification.json"
        assert f'href="{link}"' in web.get(f"/incidents/{iid}").text
        exported = web.get(link)
        assert exported.status_code == 200 and "X-Schema-Gaps" not in exported.headers
        assert exported.json() == client.get(f"/api/v1{link}").json()
        assert errors(ims, exported.json()) == []

        # Found not to be major after all: {reasoning} alone reclassifies it, at the moment it is recorded.
        clock.move_to("2026-12-09T13:00:00Z")
        reason = "Geen cliënten geraakt en geen andere drempel bereikt (Verordening 2024/1772 art. 8(1))."
        incident = post_event(client, iid, type="dora.reclassified_non_major", reasoning=reason)
        assert _track(incident, "dora")["state"] == "reclassified"
        assert deadline(incident, "dora", "reclassification")["due"] == "2026-12-10T14:00:00+01:00"
        record = next(
            a
            for a in client.get(f"/api/v1/incidents/{iid}/audit").json()
            if a["event_type"] == "dora.reclassified_non_major"
        )
        assert record["reason"] == reason
        assert record["payload"]["reclassified_at"].startswith("2026-12-09T13:00:00")
        document = client.get(f"/api/v1/incidents/{iid}/reports/dora/reclassification.json").json()
        assert document["incidentSubmission"] == "major_incident_reclassified_as_non-major"
        assert errors(ims, document) == []
