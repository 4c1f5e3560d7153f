"""Who is covered, on the pages: the DORA notice, the CER flag and an entity type in the wrong sector."""

import html
import re

from tests.conftest import new_incident, put_organisation


def _field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', html))


def _settings(token: str, **fields) -> dict:
    return {"csrf_token": token, "name": "Org", "timezone": "Europe/Amsterdam", **fields}


def test_settings_keeps_input_and_marks_an_entity_type_in_the_wrong_sector(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post(
        "/settings", data=_settings(token, sector="health", entity_type="central_government", staff_count="30")
    )
    assert page.status_code == 422
    assert "central_government belongs to sector public_administration" in _field_errors(page.text)["entity_type"]
    assert '<option value="central_government" selected>' in page.text and 'value="30"' in page.text
    assert client.get("/api/v1/organisation").status_code == 404


def test_settings_saves_the_cer_flag_and_shows_the_classification(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post(
        "/settings",
        data=_settings(token, sector="food", entity_type="other", staff_count="20", cer_critical_entity="yes"),
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert 'name="cer_critical_entity" value="yes" checked' in page.text
    stored = client.get("/api/v1/organisation").json()
    assert stored["cer_critical_entity"] is True and stored["classification"] == "essential"


def test_dora_entity_is_told_on_the_settings_and_incident_pages(app, client, signed_in):
    put_organisation(client, sector="banking", entity_type="other")
    web, _ = signed_in("officer")
    iid = new_incident(client)["id"]
    english = app.state.registry.workflows["cbw"].notice.en  # the notice lives in workflows/cbw.yaml
    page = web.get(f"/incidents/{iid}")
    assert page.status_code == 200
    assert english in html.unescape(page.text)  # the test users read English
    assert "DORA track keeps those deadlines and drafts the reports" in english
    assert 'data-regime="dora"' in page.text  # the track the notice points to is on the page
    cbw_card = page.text.split('data-regime="cbw"')[1].split('data-regime="avg"')[0]
    assert 'value="cbw.significant"' not in cbw_card and "regime-notice" in cbw_card
    admin, _ = signed_in("administrator")
    assert english in html.unescape(admin.get("/settings").text)
