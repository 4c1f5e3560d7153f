"""Golden files: every stage of both regimes, in Dutch and English, for two realistic incidents.

Each report is checked at the moment it would be filed (the draft the officer sees), then confirmed; the ledger must
hold exactly that text. Stages a case does not file are checked as drafts at a fitting moment.
Regenerate with UPDATE_GOLDEN=1 and review every changed file before accepting it.
"""

from freezegun import freeze_time

from tests.conftest import HOSPITAL, new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, ledger, set_facts

LANGS = ("nl", "en")


def check(client, golden, incident_id: int, case: str, regime: str, stage: str) -> dict[str, dict]:
    bodies = {lang: draft(client, incident_id, regime, stage, lang) for lang in LANGS}
    for lang, body in bodies.items():
        golden(f"{case}/{regime}.{stage}.{lang}.md", body["text"])
        assert body["json"]["schema"] == "meldplicht.submission/v1"
        assert body["sections"][0]["title"] == body["title"]
    return bodies


def file(client, golden, incident_id: int, case: str, regime: str, stage: str, at: str, **extra) -> dict:
    """Check the draft, confirm it as filed at `at` (the frozen now), and prove the ledger holds that very text."""
    shown = check(client, golden, incident_id, case, regime, stage)[extra.get("language", "nl")]
    post_event(client, incident_id, type=f"{regime}.submitted", stage=stage, submitted_at=at, **extra)
    entry = ledger(client, incident_id)[-1]
    assert (entry["regime"], entry["stage"]) == (regime, stage)
    assert entry["text"] == shown["text"], "what was filed differs from what the officer saw"
    assert entry["missing"] == shown["missing"]
    assert entry["intact"] is True
    return entry


# What the NCSC and AP forms ask beyond the basic profile (issue 12): address, DPO registration, the reporter's job
# title and availability.
HOSPITAL_PROFILE = {
    "street": "Ziekenhuislaan 1",
    "postcode": "4101 AB",
    "city": "Culemborg",
    "dpo_registered_with_ap": True,
    "dpo_ap_registration_number": "FG001234",
    "contacts": [
        {
            **HOSPITAL["contacts"][0],
            "job_title": "Informatiebeveiligingsfunctionaris",
            "availability": "24/7 via de piketlijn +31 88 123 4500",
        },
        {**HOSPITAL["contacts"][1], "job_title": "Teamleider IT-beheer"},
        *HOSPITAL["contacts"][2:],
    ],
}

HOSPITAL_START = {
    "started_at": "2026-11-23T03:10:00+01:00",
    "discovered_how": (
        "De nachtdienst van de servicedesk zag om 06:55 uur dat het EPD niet meer te openen was; op de "
        "bestandsservers stonden losgeldbriefjes. Het securityteam bevestigde om 08:15 uur dat het om ransomware gaat."
    ),
    "incident_type": "ransomware",
    "malicious_suspected": True,
    "cross_border_possible": False,
    "nature": (
        "Ransomware-aanval op het ziekenhuisnetwerk. Het elektronisch patiëntendossier (EPD), het "
        "laboratoriumsysteem en de beeldvorming (PACS) zijn versleuteld en niet beschikbaar. De spoedeisende hulp "
        "verwijst patiënten door naar omliggende ziekenhuizen; geplande operaties zijn uitgesteld."
    ),
    "affected_services": "Spoedeisende hulp, operatiekamers, polikliniek, laboratorium en radiologie.",
    "affected_systems": "EPD (ChipSoft HiX), laboratoriumsysteem, PACS, 41 Windows-servers en 380 werkplekken.",
}

HOSPITAL_ASSESSMENT = {
    "severity": "critical",
    "impact": (
        "Acute zorg is beperkt beschikbaar: ambulances worden omgeleid en circa 160 operaties zijn uitgesteld. "
        "Er zijn aanwijzingen dat vóór de versleuteling patiëntgegevens zijn weggesluisd."
    ),
    "causes": (
        "Vermoedelijk toegang via een gecompromitteerd VPN-account van een externe beheerder zonder "
        "tweefactorauthenticatie, gevolgd door laterale beweging naar de domeincontroller."
    ),
    "measures_taken": (
        "Netwerk gesegmenteerd en internetverbinding verbroken; VPN-toegang voor externe partijen ingetrokken; "
        "alle beheerwachtwoorden vervangen; noodprocedures (papieren dossiers) in werking; Z-CERT en een extern "
        "forensisch bureau ingeschakeld; aangifte gedaan bij de politie."
    ),
    "measures_planned": (
        "Herstel van het EPD vanuit offline back-ups (verwacht binnen vijf dagen); tweefactorauthenticatie "
        "verplicht voor alle externe toegang; EDR uitrollen op alle servers."
    ),
    "technical_details": (
        "Variant: Akira (Windows en ESXi). Versleuteling gestart om 03:10 uur via een GPO vanaf de "
        "domeincontroller. Exfiltratie via rclone naar een externe opslagdienst (circa 310 GB)."
    ),
    "indicators": (
        "IP-adressen: 185.220.101.34, 45.141.215.17\n"
        "SHA-256 encryptor: 3f1a9c0e5b7d2a4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\n"
        "Bestandsextensie: .akira; losgeldbrief: akira_readme.txt"
    ),
}

HOSPITAL_BREACH = {
    "breach_nature": ["read", "copied"],
    "data_categories": "NAW-gegevens, geboortedatum, BSN, verzekeringsgegevens, afspraken.",
    "special_categories": "Gezondheidsgegevens: diagnoses, medicatie, laboratoriumuitslagen en verwijsbrieven.",
    "records_count": 240_000,
    "subject_groups": "Patiënten die in 2024 en 2025 in het ziekenhuis zijn behandeld.",
    "subjects_min": 18_000,
    "subjects_max": 24_000,
    "data_unintelligible": False,
    "protection_explained": "De bestanden op de fileserver waren niet versleuteld opgeslagen.",
    "consequences": (
        "Kans op openbaarmaking van medische gegevens, afpersing van patiënten, identiteitsfraude met het BSN "
        "en phishing uit naam van het ziekenhuis. Door de gezondheidsgegevens is het risico hoog."
    ),
    "other_supervisors": "Geen; alle betrokkenen wonen in Nederland. De IGJ is via Z-CERT geïnformeerd.",
    "other_organisations": "De externe beheerpartij van de VPN-omgeving (verwerker).",
    "subjects_informed": False,
    "subjects_not_informed_reason": (
        "De omvang van de weggesluisde gegevens wordt nog vastgesteld; betrokkenen worden uiterlijk 27-11-2026 "
        "per brief en via het patiëntenportaal geïnformeerd."
    ),
}


def test_hospital_ransomware_all_stages(client, golden):
    with freeze_time("2026-11-23T07:30:00Z") as clock:
        put_organisation(client, **HOSPITAL_PROFILE)
        incident = new_incident(client, title="Ransomware-aanval op het EPD", detected_at="2026-11-23T05:55:00Z")
        iid = incident["id"]
        post_event(
            client,
            iid,
            type="cbw.significant",
            aware_at="2026-11-23T07:15:00Z",
            reasoning="EPD versleuteld; acute zorg beperkt beschikbaar: ernstige operationele verstoring "
            "(art. 25(2)(a)).",
        )
        set_facts(client, iid, **HOSPITAL_START)

        clock.move_to("2026-11-23T09:00:00Z")
        file(
            client,
            golden,
            iid,
            "hospital",
            "cbw",
            "early_warning",
            "2026-11-23T09:00:00Z",
            reference="NCSC-2026-1123-0042",
        )

        clock.move_to("2026-11-23T14:00:00Z")
        post_event(
            client,
            iid,
            type="avg.breach",
            aware_at="2026-11-23T13:20:00Z",
            risk="high",
            reasoning="Patiëntgegevens (gezondheidsgegevens) zijn vermoedelijk weggesluisd: hoog risico voor "
            "betrokkenen.",
        )
        set_facts(client, iid, **HOSPITAL_ASSESSMENT, **HOSPITAL_BREACH)

        clock.move_to("2026-11-24T15:00:00Z")
        file(
            client,
            golden,
            iid,
            "hospital",
            "cbw",
            "incident_notification",
            "2026-11-24T15:00:00Z",
            reference="NCSC-2026-1123-0042",
        )

        clock.move_to("2026-11-25T10:00:00Z")
        entry = file(
            client, golden, iid, "hospital", "avg", "ap_notification", "2026-11-25T10:00:00Z", reference="M-2026-118204"
        )
        golden("hospital/avg.ap_notification.json", _json(entry["json"]))

        clock.move_to("2026-11-27T09:00:00Z")
        set_facts(
            client,
            iid,
            subjects_informed=True,
            subjects_informed_how="Per brief (27-11-2026) en via een bericht in het patiëntenportaal.",
            subjects_not_informed_reason=None,
        )
        file(client, golden, iid, "hospital", "avg", "data_subject_communication", "2026-11-27T09:00:00Z")

        clock.move_to("2026-11-30T08:00:00Z")
        post_event(client, iid, type="cbw.intermediate_requested", due="2026-12-04T12:00:00Z", requested_by="Z-CERT")
        set_facts(
            client,
            iid,
            status_update=(
                "EPD en laboratoriumsysteem zijn hersteld vanuit offline back-ups; de PACS-omgeving wordt nog "
                "opnieuw opgebouwd. De spoedeisende hulp is sinds 28-11-2026 weer volledig open."
            ),
            mitigation_ongoing="Herbouw van de PACS-omgeving; verscherpte monitoring door het SOC.",
            measures_planned=(
                "Herbouw van de PACS-omgeving afronden (verwacht half december); tweefactorauthenticatie verplicht "
                "voor alle externe toegang; EDR uitrollen op alle servers."
            ),
        )
        clock.move_to("2026-12-03T10:00:00Z")
        file(
            client,
            golden,
            iid,
            "hospital",
            "cbw",
            "intermediate_report",
            "2026-12-03T10:00:00Z",
            reference="ZCERT-2026-0917",
        )

        clock.move_to("2026-12-04T09:00:00Z")
        set_facts(
            client,
            iid,
            status_update=(
                "Het forensisch onderzoek naar de weggesluisde bestanden is afgerond: het gaat om 21.300 patiënten "
                "en ongeveer 236.000 records. Alle betrokkenen zijn op 27-11-2026 geïnformeerd."
            ),
            subjects_min=21_300,
            subjects_max=21_300,
            records_count=236_000,
            subjects_informed_count=21_300,
        )
        file(client, golden, iid, "hospital", "avg", "follow_up", "2026-12-04T09:00:00Z")

        clock.move_to("2026-12-08T11:00:00Z")
        set_facts(
            client,
            iid,
            started_at="2026-11-20T22:05:00+01:00",
            status_update=(
                "Correctie van de aanvang: de aanvaller had al op 20-11-2026 om 22:05 uur toegang via het "
                "VPN-account, niet pas bij de versleuteling op 23-11-2026 om 03:10 uur."
            ),
        )
        file(client, golden, iid, "hospital", "avg", "correction", "2026-12-08T11:00:00Z")
        # The AP now has a different start time than the NCSC: the incident must show it.
        shown = client.get(f"/api/v1/incidents/{iid}").json()
        assert [i["fact"] for i in shown["inconsistencies"]] == ["started_at"]
        assert {v["regime"]: v["value"] for v in shown["inconsistencies"][0]["values"]} == {
            "cbw": "2026-11-23T02:10:00+00:00",
            "avg": "2026-11-20T21:05:00+00:00",
        }

        # Still ongoing when the final report falls due (one month after the notification): a progress report.
        clock.move_to("2026-12-22T10:00:00Z")
        set_facts(
            client,
            iid,
            status_update=(
                "De PACS-omgeving is grotendeels hersteld; de laatste archieven worden teruggezet. Het incident is "
                "nog niet afgehandeld omdat het onderzoek naar publicatie van de gegevens op het lekportaal van de "
                "aanvallers loopt."
            ),
        )
        file(client, golden, iid, "hospital", "cbw", "progress_report", "2026-12-22T10:00:00Z")

        clock.move_to("2027-01-08T12:00:00Z")
        post_event(client, iid, type="incident.resolved", resolved_at="2027-01-08T12:00:00Z")
        set_facts(
            client,
            iid,
            ended_at="2027-01-08T13:00:00+01:00",
            root_cause=(
                "Criminele ransomwaregroep (Akira). Grondoorzaak: een VPN-account van een externe beheerder zonder "
                "tweefactorauthenticatie, waarvan het wachtwoord via een infostealer was buitgemaakt."
            ),
            mitigation_ongoing="Geen; de verscherpte monitoring loopt als reguliere dienst door.",
            impact=(
                "Vijf dagen beperkte acute zorg (ambulances omgeleid) en 162 uitgestelde operaties. Gegevens van "
                "21.300 patiënten zijn weggesluisd; publicatie op het lekportaal van de aanvallers is niet vastgesteld."
            ),
            measures_planned=(
                "Jaarlijkse hersteltest vanuit offline back-ups; periodieke controle van alle externe accounts."
            ),
            measures_taken=(
                "Alle systemen hersteld vanuit offline back-ups; tweefactorauthenticatie verplicht voor alle externe "
                "toegang; EDR op alle servers en werkplekken; beheeraccounts gescheiden van werkaccounts."
            ),
        )
        clock.move_to("2027-01-20T10:00:00Z")
        file(
            client,
            golden,
            iid,
            "hospital",
            "cbw",
            "final_report",
            "2027-01-20T10:00:00Z",
            reference="NCSC-2026-1123-0042",
        )
        shown = client.get(f"/api/v1/incidents/{iid}").json()
        assert shown["inconsistencies"] == [], "the final report carries the corrected start, so both regimes agree"

        # Withdrawal does not fit this case; its draft shows the gap the officer would have to fill.
        set_facts(client, iid, status_update=None)
        body = check(client, golden, iid, "hospital", "avg", "withdrawal")["nl"]
        assert body["missing"] == ["status_update"]

    stages = {(e["regime"], e["stage"]) for e in ledger(client, iid)}
    assert len(stages) == 9


CLOUD = {
    "name": "Nimbus Cloud B.V.",
    "kvk_number": "70345678",
    "sector": "digital_infrastructure",
    "entity_type": "cloud_computing",
    "staff_count": 320,
    "annual_turnover_eur": 85_000_000,
    "balance_sheet_eur": 60_000_000,
    "trust_service_provider": False,
    "timezone": "Europe/Amsterdam",
    "street": "Science Park 400",
    "postcode": "1098 XH",
    "city": "Amsterdam",
    "dpo_registered_with_ap": False,
    "contacts": [
        {
            "name": "Sanne Visser",
            "email": "security@nimbus.example",
            "phone": "+31 20 555 0100",
            "role": "reporting_officer",
            "job_title": "Security officer",
            "availability": "Mon-Fri 08:00-18:00; outside office hours through the NOC, +31 20 555 0199",
        },
        {"name": "Ruben Mulder", "email": "privacy@nimbus.example", "phone": "+31 20 555 0111", "role": "dpo"},
    ],
}

CLOUD_FACTS = {
    "started_at": "2026-03-28T21:47:00+01:00",
    "ended_at": "2026-03-29T09:55:00+02:00",
    "discovered_how": "Outage: automatic availability monitoring alerted the on-call engineer at 21:49; customers "
    "reported errors from 21:52. Public bucket: found on 29 March at 09:55 during the review of the changes made "
    "during the restore.",
    "incident_type": "misconfiguration",
    "malicious_suspected": False,
    "cross_border_possible": True,
    "cross_border_details": "Customers in the Netherlands, Belgium and Germany use the affected region (ams-2).",
    "nature": "Full outage of the object storage service in region ams-2 for 3 h 40 min after a faulty firmware "
    "update of the storage controllers; about 4,100 customers could not read or write data. During the restore an "
    "engineer made the bucket backup-crm-export publicly readable to speed up a copy; it stayed public for 9 hours "
    "and held an export of our customer contacts.",
    "affected_services": "Object storage (S3-compatible API) and the managed backup service in region ams-2.",
    "affected_systems": "Storage controllers of cluster ams-2-obj (firmware 7.4.1).",
    "affected_users": 4100,
    "severity": "high",
    "impact": "Customers' applications depending on object storage failed; no data was lost.",
    "causes": "Firmware 7.4.1 of the storage controllers contains a bug in the failover logic; the update was rolled "
    "out to all controllers at once instead of in stages.",
    "measures_taken": "Firmware rolled back to 7.3.9; cluster restored and data integrity verified; bucket made "
    "private again and its access logs secured; staged roll-out made mandatory for firmware updates.",
    "measures_planned": "Vendor fix expected in firmware 7.4.2; a canary cluster will test every update for 72 hours.",
    "technical_details": "No indicators of compromise: the outage has a technical cause.",
    "indicators": "None (no malicious activity).",
}

CLOUD_BREACH = {
    "breach_nature": ["read"],
    "data_categories": "Customer contacts: names, business e-mail addresses and telephone numbers.",
    "special_categories": "None.",
    "records_count": 12_400,
    "subject_groups": "Contact persons of business customers.",
    "subjects_min": 9_800,
    "data_unintelligible": False,
    "protection_explained": "The export was stored unencrypted; the bucket was publicly readable for 9 hours.",
    "consequences": "Risk of targeted phishing against the contact persons of our customers.",
    "other_supervisors": "None.",
    "subjects_informed": False,
    "subjects_not_informed_reason": "The risk is not high (contact details only); no communication under art. 34.",
}


def test_cloud_outage_and_exposure_all_stages(client, golden):
    with freeze_time("2026-03-28T22:40:00Z") as clock:
        put_organisation(client, **CLOUD)
        incident = new_incident(
            client, title="Storage outage ams-2 and public bucket", detected_at="2026-03-28T20:49:00Z"
        )
        iid = incident["id"]
        post_event(
            client,
            iid,
            type="cbw.significant",
            aware_at="2026-03-28T22:30:00Z",
            reasoning="Cloud service fully unavailable for more than 30 minutes (Regulation 2024/2690 art. 7).",
        )
        set_facts(
            client,
            iid,
            **{
                k: CLOUD_FACTS[k]
                for k in (
                    "started_at",
                    "incident_type",
                    "malicious_suspected",
                    "cross_border_possible",
                    "cross_border_details",
                    "nature",
                )
            },
        )

        # The clock crosses into summer time (29 March 2026): the report shows CEST.
        clock.move_to("2026-03-29T08:00:00Z")
        file(
            client,
            golden,
            iid,
            "cloud",
            "cbw",
            "early_warning",
            "2026-03-29T08:00:00Z",
            reference="NCSC-26-0331",
            language="en",
        )

        clock.move_to("2026-03-29T09:30:00Z")
        post_event(
            client,
            iid,
            type="avg.breach",
            aware_at="2026-03-29T09:10:00Z",
            risk="risk",
            reasoning="During the restore a bucket with a customer contact export was publicly readable for 9 hours.",
        )
        post_event(client, iid, type="incident.resolved", resolved_at="2026-03-29T07:55:00Z")
        set_facts(client, iid, **CLOUD_FACTS, **CLOUD_BREACH)

        clock.move_to("2026-03-30T14:00:00Z")
        entry = file(
            client, golden, iid, "cloud", "avg", "ap_notification", "2026-03-30T14:00:00Z", reference="M-2026-031877"
        )
        assert entry["missing"] == [] and entry["recipients"][0]["id"] == "ap"

        clock.move_to("2026-03-31T09:00:00Z")
        entry = file(
            client,
            golden,
            iid,
            "cloud",
            "cbw",
            "incident_notification",
            "2026-03-31T09:00:00Z",
            reference="NCSC-26-0331",
        )
        assert [r["id"] for r in entry["recipients"]] == ["ncsc", "rdi"]
        golden("cloud/cbw.incident_notification.json", _json(entry["json"]))

        clock.move_to("2026-04-02T10:00:00Z")
        set_facts(
            client,
            iid,
            status_update="The access logs of the bucket show 3 anonymous listings from one IP address and no "
            "downloads of the export file. We are checking with the CRM team what exactly the export contained.",
        )
        file(client, golden, iid, "cloud", "avg", "follow_up", "2026-04-02T10:00:00Z")

        # Drafts the case does not file: an art. 34 message (risk is not high) and a correction, the latter
        # without its explanation yet, so the draft shows the gap.
        set_facts(client, iid, status_update=None)
        check(client, golden, iid, "cloud", "avg", "data_subject_communication")
        check(client, golden, iid, "cloud", "avg", "correction")

        clock.move_to("2026-04-07T09:00:00Z")
        set_facts(
            client,
            iid,
            status_update="Further investigation shows the exported file held synthetic test data generated for the "
            "CRM migration, not real customer contacts. No personal data was involved, so there was no personal "
            "data breach.",
        )
        file(client, golden, iid, "cloud", "avg", "withdrawal", "2026-04-07T09:00:00Z")

        clock.move_to("2026-04-24T09:00:00Z")
        set_facts(
            client,
            iid,
            root_cause="Software defect in the storage controller firmware (failover logic), combined with a "
            "change process that allowed an unstaged roll-out.",
            mitigation_ongoing="None.",
            status_update="Incident handled; the vendor has delivered firmware 7.4.2.",
            measures_planned="Every firmware update is tested on a canary cluster for 72 hours before roll-out.",
        )
        # Not requested and not needed, but every stage gets a reviewed rendering.
        check(client, golden, iid, "cloud", "cbw", "intermediate_report")
        check(client, golden, iid, "cloud", "cbw", "progress_report")
        file(client, golden, iid, "cloud", "cbw", "final_report", "2026-04-24T09:00:00Z", reference="NCSC-26-0331")

        shown = client.get(f"/api/v1/incidents/{iid}").json()
        assert shown["inconsistencies"] == []
        assert {t["regime"]: t["state"] for t in shown["tracks"]} == {"cbw": "closed", "avg": "withdrawn"}


WATERBOARD = {
    "name": "Waterschap De Dommel",
    "kvk_number": "17271532",
    "sector": "waste_water",
    "entity_type": "other",
    "staff_count": 600,
    "timezone": "Europe/Amsterdam",
    "street": "Bosscheweg 56",
    "postcode": "5283 WB",
    "city": "Boxtel",
    "contacts": [
        {"name": "Eva Kok", "email": "security@dommel.example", "role": "reporting_officer"},
        {
            "name": "Privacyloket",
            "email": "privacy@dommel.example",
            "phone": "+31 411 618 618",
            "role": "contact_point",
        },
    ],
}


def test_unconfigured_authority_and_a_contact_point_instead_of_a_dpo(client, golden):
    """A sector whose authority the software cannot know, and an organisation without a DPO."""
    with freeze_time("2026-06-02T10:00:00Z"):
        put_organisation(client, **WATERBOARD)
        iid = new_incident(client, title="Phishing bij de klantenservice", detected_at="2026-06-02T07:00:00Z")["id"]
        post_event(client, iid, type="cbw.significant", aware_at="2026-06-02T08:00:00Z", reasoning="Zuivering stil")
        post_event(client, iid, type="avg.breach", aware_at="2026-06-02T09:00:00Z", risk="high", reasoning="BSN")
        set_facts(
            client,
            iid,
            malicious_suspected=True,
            cross_border_possible=False,
            nature="Via een phishingmail zijn inloggegevens van de klantenservice buitgemaakt.",
            consequences="Kans op misbruik van naam, adres en BSN.",
            measures_taken="Wachtwoorden vervangen en het account geblokkeerd.",
        )
        check(client, golden, iid, "waterboard", "cbw", "early_warning")
        check(client, golden, iid, "waterboard", "avg", "data_subject_communication")


def _json(value: dict) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# A bank's major ICT-related incident under DORA (workflows/dora.yaml): every stage in both languages, the JSON
# export of the final report, and a second incident reclassified as non-major.
def test_bank_major_incident_all_dora_stages(client, golden):
    from tests.submissions.test_dora_export import BANK, FINAL_FACTS, INITIAL_FACTS, INTERMEDIATE_FACTS

    with freeze_time("2026-12-09T08:00:00Z") as clock:
        put_organisation(client, **BANK)
        iid = new_incident(client, title="Storing betaalverkeer", detected_at="2026-12-09T05:52:00Z")["id"]
        post_event(
            client,
            iid,
            type="dora.major",
            aware_at="2026-12-09T07:10:00+01:00",
            classified_at="2026-12-09T08:30:00+01:00",
            reasoning="Betalingsverkeer (kritieke dienst) ruim drie uur verstoord; meer dan 10% van de klanten "
            "geraakt (Verordening 2024/1772 art. 1 en 9).",
        )
        set_facts(client, iid, **INITIAL_FACTS)
        clock.move_to("2026-12-09T09:00:00Z")
        entry = file(
            client, golden, iid, "bank", "dora", "initial_notification", "2026-12-09T09:00:00Z", reference="DNB-0042"
        )
        assert entry["missing"] == [] and entry["recipients"][0]["id"] == "dnb"

        clock.move_to("2026-12-09T11:00:00Z")
        set_facts(client, iid, **INTERMEDIATE_FACTS)
        file(client, golden, iid, "bank", "dora", "client_communication", "2026-12-09T11:00:00Z")

        clock.move_to("2026-12-10T09:00:00Z")
        file(client, golden, iid, "bank", "dora", "intermediate_report", "2026-12-10T09:00:00Z", reference="DNB-0042")

        post_event(client, iid, type="dora.recovered", recovered_at="2026-12-10T08:30:00Z")
        set_facts(
            client,
            iid,
            status_update="Alle betaaldiensten werken sinds 10-12-2026 09:30 uur weer normaal; de achterstand is "
            "verwerkt.",
        )
        clock.move_to("2026-12-10T10:00:00Z")
        file(client, golden, iid, "bank", "dora", "updated_intermediate_report", "2026-12-10T10:00:00Z")

        clock.move_to("2026-12-20T09:00:00Z")
        set_facts(client, iid, **FINAL_FACTS)
        file(client, golden, iid, "bank", "dora", "final_report", "2026-12-20T09:00:00Z", reference="DNB-0042")
        exported = client.get(f"/api/v1/incidents/{iid}/reports/dora/final_report.json")
        assert exported.status_code == 200 and "X-Schema-Gaps" not in exported.headers
        golden("bank/dora.final_report.export.json", _json(exported.json()))

        # Another incident, first thought major, then found not to be: the short reclassification report.
        other = new_incident(client, title="Vertraagde batchverwerking")["id"]
        post_event(
            client,
            other,
            type="dora.major",
            aware_at="2026-12-20T08:00:00+01:00",
            classified_at="2026-12-20T09:00:00+01:00",
            reasoning="Mogelijk getroffen: betalingsverkeer.",
        )
        set_facts(
            client,
            other,
            nature="Nachtelijke batchverwerking van incasso's liep twee uur uit.",
            dora_classification_criteria=["critical_services_affected"],
        )
        clock.move_to("2026-12-20T10:00:00Z")
        post_event(
            client,
            other,
            type="dora.reclassified_non_major",
            reclassified_at="2026-12-20T09:30:00Z",
            reasoning="Geen cliënten geraakt en geen andere drempel bereikt (Verordening 2024/1772 art. 8(1)).",
        )
        file(client, golden, other, "bank", "dora", "reclassification", "2026-12-20T10:00:00Z")
