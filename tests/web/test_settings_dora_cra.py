"""The settings form carries the DORA and CRA profile fields, so saving the form never drops what the API set."""

import re

from tests.conftest import put_organisation
from tests.web.test_avg_forms import set_language


def _field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', page))


def _form(token: str, **fields) -> dict:
    return {
        "csrf_token": token,
        "name": "Spaarbank Noord",
        "sector": "banking",
        "entity_type": "other",
        "staff_count": "800",
        "timezone": "Europe/Amsterdam",
        **fields,
    }


def test_the_form_saves_the_financial_entity_and_the_manufacturer(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post(
        "/settings",
        data=_form(
            token,
            dora_entity_type="credit_institution",
            lei="724500abcdefghijkl12",
            country="DE",
            dora_no_weekend_extension="yes",
            cra_manufacturer="yes",
        ),
        follow_redirects=True,
    )
    assert page.status_code == 200
    stored = client.get("/api/v1/organisation").json()
    assert stored["dora_entity_type"] == "credit_institution"
    assert stored["lei"] == "724500ABCDEFGHIJKL12" and stored["country"] == "DE"
    assert stored["dora_no_weekend_extension"] is True and stored["cra_manufacturer"] is True
    assert "dora" in stored["regimes"] and "cra" in stored["regimes"] and "cbw" not in stored["regimes"]
    assert '<option value="credit_institution" selected>' in page.text
    assert '<option value="DE" selected>' in page.text
    assert 'name="cra_manufacturer" value="yes" checked' in page.text


def test_saving_the_form_as_shown_keeps_the_profile_the_api_set(client, signed_in):
    put_organisation(client, dora_entity_type="insurance_and_reinsurance_undertaking", lei="724500ABCDEFGHIJKL12")
    web, token = signed_in("administrator")
    shown = web.get("/settings").text
    assert '<option value="insurance_and_reinsurance_undertaking" selected>' in shown
    assert 'value="724500ABCDEFGHIJKL12"' in shown
    stored = client.get("/api/v1/organisation").json()
    form = {"csrf_token": token, "name": stored["name"], "sector": stored["sector"]}
    form |= {"entity_type": stored["entity_type"], "timezone": stored["timezone"]}
    form |= {
        "dora_entity_type": "insurance_and_reinsurance_undertaking",
        "lei": "724500ABCDEFGHIJKL12",
        "country": "NL",
    }
    assert web.post("/settings", data=form, follow_redirects=False).status_code == 303
    again = client.get("/api/v1/organisation").json()
    assert again["dora_entity_type"] == "insurance_and_reinsurance_undertaking" and again["lei"] == stored["lei"]


def test_a_bad_lei_is_marked_and_the_input_kept(client, signed_in):
    put_organisation(client)
    web, token = signed_in("administrator")
    page = web.post("/settings", data=_form(token, dora_entity_type="payment_institution", lei="NOT-A-LEI"))
    assert page.status_code == 422
    assert "lei" in _field_errors(page.text)
    assert 'value="NOT-A-LEI"' in page.text and '<option value="payment_institution" selected>' in page.text
    assert client.get("/api/v1/organisation").json()["dora_entity_type"] is None


def test_the_dutch_form_names_the_entity_types_and_countries_in_dutch(app, client, signed_in):
    web, _ = signed_in("administrator")
    set_language(app, "nl")
    page = web.get("/settings").text
    assert "Kredietinstelling (bank)" in page and ">Duitsland<" in page
    assert "credit_institution<" not in page
