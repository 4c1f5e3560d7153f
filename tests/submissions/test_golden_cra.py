"""Golden files for the Cyber Resilience Act's reports (Regulation (EU) 2024/2847 art. 14): every stage of both kinds
of duty, in Dutch and English, for a manufacturer whose product is in the register. Each report is checked as the
draft the officer sees, then filed; the ledger must hold exactly that text. The completeness check names what each
kind's report still needs. Regenerate with UPDATE_GOLDEN=1 and review every changed file before accepting it."""

from freezegun import freeze_time

from tests.conftest import new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, set_facts
from tests.submissions.test_golden import file

MANUFACTURER = {
    "name": "Pompwerk Medical B.V.",
    "kvk_number": "62345678",
    "sector": "manufacturing",
    "entity_type": "medical_devices",
    "staff_count": 140,
    "annual_turnover_eur": 28_000_000,
    "balance_sheet_eur": 19_000_000,
    "cra_manufacturer": True,
    "timezone": "Europe/Amsterdam",
    "street": "Kanaalweg 12",
    "postcode": "3526 KL",
    "city": "Utrecht",
    "contacts": [
        {
            "name": "Iris Bos",
            "email": "psirt@pompwerk.example",
            "phone": "+31 30 555 0400",
            "role": "reporting_officer",
            "job_title": "PSIRT-lead",
        },
        {"name": "Tom Peters", "email": "t.peters@pompwerk.example", "role": "deputy"},
    ],
}
PUMP_APP = {"name": "InfuusApp", "version": "4.2", "member_states": ["NL", "BE", "DE"]}
GATEWAY = {"name": "PompGateway", "version": "2.1.0", "member_states": ["NL", "LU"]}


def _product(client, body: dict) -> dict:  # noqa: ANN001
    made = client.post("/api/v1/products", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def test_an_actively_exploited_vulnerability_all_stages(client, golden):
    with freeze_time("2026-12-09T09:00:00Z") as clock:
        put_organisation(client, **MANUFACTURER)
        _product(client, PUMP_APP)
        iid = new_incident(
            client, title="Uitgebuite kwetsbaarheid in de InfuusApp", detected_at="2026-12-09T08:10:00Z"
        )["id"]
        # Before the declaration the draft says what it waits for and names no product.
        early = draft(client, iid, "cra", "early_warning", "en")
        assert "not yet declared" in early["text"]
        post_event(
            client,
            iid,
            type="cra.exploited_vulnerability",
            aware_at="2026-12-09T08:30:00Z",
            product="InfuusApp",
            reasoning="Een onderzoeker meldt aanvallen op de koppeling tussen app en pomp; ons SOC ziet ze ook.",
        )
        before = draft(client, iid, "cra", "notification", "en")
        assert before["missing"] == [
            "vulnerability_nature",
            "measures_taken",
            "user_measures",
            "information_sensitivity",
        ]
        final = draft(client, iid, "cra", "final_report", "nl")
        assert final["missing"] == ["vulnerability_nature", "severity", "impact", "security_update"]

        clock.move_to("2026-12-09T15:00:00Z")
        set_facts(
            client,
            iid,
            vulnerability_nature=(
                "De InfuusApp accepteert via Bluetooth opdrachten van een pomp zonder de koppelcode te controleren; "
                "een aanvaller binnen bereik kan de ingestelde dosering uitlezen."
            ),
        )
        entry = file(client, golden, iid, "vulnerability", "cra", "early_warning", "2026-12-09T15:00:00Z",
                     reference="SRP-2026-EW-0117")  # fmt: skip
        assert [r["id"] for r in entry["recipients"]] == ["csirt_coordinator", "enisa"]
        assert entry["missing"] == []

        clock.move_to("2026-12-10T10:00:00Z")
        set_facts(
            client,
            iid,
            severity="high",
            measures_taken=(
                "Koppelen van nieuwe pompen tijdelijk uitgeschakeld in de backend; ziekenhuizen met de app zijn "
                "gebeld en gemaild."
            ),
            user_measures=(
                "Bluetooth op de tablet uitzetten buiten het koppelen; alleen pompen koppelen in een afgeschermde "
                "ruimte; de app niet op privételefoons gebruiken."
            ),
            information_sensitivity="tlp_amber",
        )
        file(client, golden, iid, "vulnerability", "cra", "notification", "2026-12-10T10:00:00Z",
             reference="SRP-2026-N-0117")  # fmt: skip
        clock.move_to("2026-12-10T11:00:00Z")
        file(client, golden, iid, "vulnerability", "cra", "user_information", "2026-12-10T11:00:00Z")

        clock.move_to("2026-12-14T12:00:00Z")
        post_event(client, iid, type="cra.fix_available", available_at="2026-12-14T11:00:00Z")
        clock.move_to("2026-12-21T09:00:00Z")
        set_facts(
            client,
            iid,
            impact=(
                "Uitlezen van doseringen en pompinstellingen binnen Bluetooth-bereik; het wijzigen van een dosering "
                "is niet aangetoond."
            ),
            malicious_actor="Onbekend; de aanvallen kwamen uit twee ziekenhuizen in België (meldingen bij CCB).",
            security_update="InfuusApp 4.2.1 (14-12-2026) controleert de koppelcode; verspreid via de app-winkels.",
        )
        file(client, golden, iid, "vulnerability", "cra", "final_report", "2026-12-21T09:00:00Z",
             reference="SRP-2026-F-0117", language="en")  # fmt: skip
        track = next(t for t in client.get(f"/api/v1/incidents/{iid}").json()["tracks"] if t["regime"] == "cra")
        assert track["state"] == "closed"


def test_a_severe_incident_all_stages(client, golden):
    with freeze_time("2026-12-02T07:00:00Z") as clock:
        put_organisation(client, **MANUFACTURER)
        gateway = _product(client, GATEWAY)
        iid = new_incident(client, title="Inbraak in de updateserver van de PompGateway")["id"]
        post_event(
            client,
            iid,
            type="cra.severe_incident",
            aware_at="2026-12-02T06:40:00Z",
            product=gateway["id"],
            reasoning="Aanvaller had toegang tot de server die firmware-updates voor de gateway ondertekent.",
        )
        early = draft(client, iid, "cra", "early_warning", "nl")
        assert early["missing"] == ["malicious_suspected"]
        assert draft(client, iid, "cra", "notification", "en")["missing"] == [
            "nature",
            "initial_assessment",
            "measures_taken",
            "user_measures",
            "information_sensitivity",
        ]
        set_facts(client, iid, malicious_suspected=True)
        file(client, golden, iid, "incident", "cra", "early_warning", "2026-12-02T07:00:00Z",
             reference="SRP-2026-EW-0098", language="en")  # fmt: skip

        clock.move_to("2026-12-04T14:00:00Z")
        set_facts(
            client,
            iid,
            nature=(
                "Onbevoegde toegang tot de buildserver van de PompGateway-firmware via een gestolen SSH-sleutel van "
                "een ontwikkelaar. Er is geen gemanipuleerde firmware verspreid."
            ),
            initial_assessment=(
                "De ondertekeningssleutel kan zijn ingezien; daarmee zou gemanipuleerde firmware als echt worden "
                "geaccepteerd. Geen aanwijzingen dat dat is gebeurd."
            ),
            measures_taken="Server offline gehaald; ondertekeningssleutel ingetrokken; alle SSH-sleutels vervangen.",
            user_measures="Automatische updates van de gateway tijdelijk uitzetten tot versie 2.1.1 beschikbaar is.",
            information_sensitivity="tlp_red",
        )
        file(client, golden, iid, "incident", "cra", "notification", "2026-12-04T14:00:00Z",
             reference="SRP-2026-N-0098")  # fmt: skip
        clock.move_to("2026-12-04T16:00:00Z")
        file(client, golden, iid, "incident", "cra", "user_information", "2026-12-04T16:00:00Z")

        clock.move_to("2026-12-30T10:00:00Z")
        set_facts(
            client,
            iid,
            severity="high",
            impact=(
                "Geen gemanipuleerde firmware in omloop; 1.900 gateways bij 31 klanten kregen een nieuwe "
                "vertrouwensketen."
            ),
            root_cause="Gestolen SSH-sleutel (infostealer op een privélaptop) en een buildserver zonder 2FA.",
            mitigation_ongoing="Overstap naar een HSM voor de ondertekeningssleutel (gereed in februari 2027).",
        )
        file(client, golden, iid, "incident", "cra", "final_report", "2026-12-30T10:00:00Z",
             reference="SRP-2026-F-0098")  # fmt: skip


def test_a_draft_names_the_product_and_its_member_states_and_the_json_carries_them(client):
    with freeze_time("2026-12-09T09:00:00Z"):
        put_organisation(client, **MANUFACTURER)
        pump = _product(client, PUMP_APP)
        iid = new_incident(client)["id"]
        post_event(client, iid, type="cra.exploited_vulnerability", aware_at="2026-12-09T08:30:00Z",
                   product="InfuusApp 4.2", reasoning="x")  # fmt: skip
        for lang, states in (("nl", "Nederland (NL), België (BE), Duitsland (DE)"), ("en", "Netherlands (NL)")):
            body = draft(client, iid, "cra", "early_warning", lang)
            assert states in body["text"] and "InfuusApp" in body["text"] and "4.2" in body["text"]
        assert body["json"]["track"]["declaration"]["product"] == pump
        assert body["json"]["track"]["declaration"]["kind"] == "vulnerability"
        assert {r["id"] for r in body["json"]["recipients"]} == {"csirt_coordinator", "enisa"}
        users = draft(client, iid, "cra", "user_information", "en")
        assert [r["id"] for r in users["json"]["recipients"]] == ["users"]
