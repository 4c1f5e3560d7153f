"""The report card of a DORA stage links to its JSON export, and the DORA facts appear only where DORA applies."""

import re

from freezegun import freeze_time

from tests.conftest import new_incident, post_event, put_organisation
from tests.submissions.conftest import set_facts
from tests.submissions.test_dora_export import BANK, INITIAL_FACTS, bank_incident
from tests.web.test_avg_forms import set_language


def _card(page: str, regime: str, stage: str) -> str:
    match = re.search(rf'<article class="card report" id="report-{regime}-{stage}"(.*?)</article>', page, re.S)
    assert match, f"no report card for {regime} {stage}"
    return match.group(1)


def test_the_report_card_links_to_the_export_and_the_link_answers_the_json(app, client, signed_in):
    with freeze_time("2026-12-09T09:00:00Z"):
        iid = bank_incident(client)
        web, _ = signed_in("viewer")
        set_language(app, "nl")
        page = web.get(f"/incidents/{iid}")
        assert page.status_code == 200
        card = _card(page.text, "dora", "initial_notification")
        link = f"/incidents/{iid}/reports/dora/initial_notification.json"
        assert f'href="{link}"' in card and "Gestructureerd verslag (JSON)" in card
        # Before the facts are in, the card names the schema's gaps with the other missing fields.
        assert "Classificatiecriteria waarvan de drempel is bereikt" in card
        exported = web.get(link)
        assert exported.status_code == 200
        assert exported.json()["incidentSubmission"] == "initial_notification"
        assert "incident.classificationTypes" in exported.headers["X-Schema-Gaps"]

        set_facts(client, iid, **INITIAL_FACTS)
        exported = web.get(link)
        assert "X-Schema-Gaps" not in exported.headers
        assert exported.json() == client.get(f"/api/v1/incidents/{iid}/reports/dora/initial_notification.json").json()
        card = _card(web.get(f"/incidents/{iid}").text, "dora", "initial_notification")
        assert "Classificatiecriteria" not in card.split('class="present"')[0]

        # The client communication has its own draft but no export: no link, and the address is a 404 page.
        post_event(
            client, iid, type="dora.submitted", stage="initial_notification", submitted_at="2026-12-09T09:00:00Z"
        )
        card = _card(web.get(f"/incidents/{iid}").text, "dora", "client_communication")
        assert ".json" not in card
        assert web.get(f"/incidents/{iid}/reports/dora/client_communication.json").status_code == 404


def test_dora_facts_are_shown_on_a_bank_incident_and_not_on_a_hospital_incident(app, client, signed_in):
    with freeze_time("2026-12-09T09:00:00Z"):
        put_organisation(client)  # the hospital: Cbw and AVG
        hospital = new_incident(client)["id"]
        web, _ = signed_in("officer")
        page = web.get(f"/incidents/{hospital}").text
        assert 'name="fact_nature"' in page
        assert "fact_dora_" not in page and "reports/dora/" not in page
        assert web.get(f"/incidents/{hospital}/reports/dora/initial_notification.json").status_code == 404

        put_organisation(client, **BANK)
        bank = bank_incident(client)
        page = web.get(f"/incidents/{bank}").text
        assert 'name="fact_dora_classification_criteria"' in page and 'name="fact_dora_clients_affected"' in page
