"""The settings form carries the report fields of issue 12: address, DPO registration, job title, availability."""

import re

from tests.conftest import put_organisation


def _field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', page))


def _form(token: str, **fields) -> dict:
    return {
        "csrf_token": token,
        "name": "Ziekenhuis",
        "sector": "health",
        "entity_type": "healthcare_provider",
        "staff_count": "2400",
        "timezone": "Europe/Amsterdam",
        **fields,
    }


def test_settings_form_saves_address_registration_and_contact_details(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post(
        "/settings",
        data=_form(
            token,
            street="Ringweg 12",
            postcode="4101aa",
            city="Culemborg",
            dpo_registered_with_ap="yes",
            dpo_ap_registration_number="FG012345",
            reporting_officer_name="Anna de Vries",
            reporting_officer_email="a.devries@zrl.example",
            reporting_officer_job_title="CISO-office",
            reporting_officer_availability="24/7",
        ),
        follow_redirects=True,
    )
    assert page.status_code == 200
    stored = client.get("/api/v1/organisation").json()
    assert (stored["street"], stored["postcode"], stored["city"]) == ("Ringweg 12", "4101 AA", "Culemborg")
    assert stored["dpo_registered_with_ap"] is True and stored["dpo_ap_registration_number"] == "FG012345"
    officer = stored["contacts"][0]
    assert (officer["job_title"], officer["availability"]) == ("CISO-office", "24/7")
    # The form shows what is stored.
    assert 'value="4101 AA"' in page.text and 'name="dpo_registered_with_ap" value="yes" checked' in page.text
    assert 'value="CISO-office"' in page.text


def test_settings_form_marks_a_bad_postcode_and_keeps_the_input(client, signed_in):
    put_organisation(client)
    web, token = signed_in("administrator")
    page = web.post("/settings", data=_form(token, street="Ringweg 12", postcode="ABCD", city="Culemborg"))
    assert page.status_code == 422
    assert "postcode" in _field_errors(page.text)
    assert 'value="Ringweg 12"' in page.text and 'value="ABCD"' in page.text
    assert client.get("/api/v1/organisation").json()["street"] is None


def test_settings_form_marks_a_registration_number_without_the_flag(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post("/settings", data=_form(token, dpo_ap_registration_number="FG012345"))
    assert page.status_code == 422
    assert "dpo_registered_with_ap is not set" in _field_errors(page.text)["dpo_ap_registration_number"]
    assert 'value="FG012345"' in page.text
