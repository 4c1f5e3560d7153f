"""A CRA duty is declared for a product of the register: the API takes its id or its name and refuses anything else
with a field error; the incident page's form offers the register as a select; the track card shows the product's
name, version and member states; the declaration keeps the product as it was when the duty was declared."""

import re

from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.audit.models import AuditRecord
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

NOW = "2026-12-09T12:00:00Z"
AWARE = "2026-12-09T10:00:00+01:00"


def _product(client, **body) -> dict:  # noqa: ANN001
    made = client.post("/api/v1/products", json={"version": "4.2", "member_states": ["NL", "BE"], **body})
    assert made.status_code == 201, made.text
    return made.json()


def _declare(client, iid: int, product, expect: int = 200, kind: str = "exploited_vulnerability") -> dict:  # noqa: ANN001
    return post_event(
        client, iid, expect=expect, type=f"cra.{kind}", aware_at=AWARE, product=product, reasoning="Exploit seen"
    )


def _declared_product(client, iid: int) -> dict:  # noqa: ANN001
    track = next(t for t in client.get(f"/api/v1/incidents/{iid}").json()["tracks"] if t["regime"] == "cra")
    return track["declaration"]["product"]


def _field(answer: dict) -> list[str]:
    """The field each error names: a service check says `product`, the body's type check names the event too."""
    return [e["field"].rpartition(".")[2] for e in answer["errors"]]


def test_the_api_takes_the_product_by_id_or_name_and_refuses_an_unknown_one(app, client):
    with freeze_time(NOW):
        put_organisation(client, cra_manufacturer=True)
        pump = _product(client, name="InfuusApp")
        monitor = _product(client, name="Monitor", version="1.0", member_states=["DE"])
        _product(client, name="Monitor", version="2.0", member_states=["DE"])

        by_id = new_incident(client, title="a")["id"]
        _declare(client, by_id, pump["id"])
        assert _declared_product(client, by_id) == pump
        by_name = new_incident(client, title="b")["id"]
        _declare(client, by_name, "infuusapp", kind="severe_incident")
        assert _declared_product(client, by_name) == pump
        both = new_incident(client, title="c")["id"]
        _declare(client, both, "Monitor 1.0")
        assert _declared_product(client, both) == monitor

        iid = new_incident(client, title="d")["id"]
        unknown = _declare(client, iid, "Toaster", expect=422)
        assert _field(unknown) == ["product"] and "no product 'Toaster'" in unknown["errors"][0]["msg"]
        assert _field(_declare(client, iid, 987654, expect=422)) == ["product"]
        several = _declare(client, iid, "Monitor", expect=422)
        assert _field(several) == ["product"] and "1.0, 2.0" in several["errors"][0]["msg"]
        assert _field(_declare(client, iid, "", expect=422)) == ["product"]
        assert _field(_declare(client, iid, None, expect=422)) == ["product"]
        # Nothing was declared by the refusals.
        track = next(t for t in client.get(f"/api/v1/incidents/{iid}").json()["tracks"] if t["regime"] == "cra")
        assert track["state"] == "pending"

        # The audit record of the declaration carries the product as declared.
        with Session(app.state.engine) as s:
            record = s.exec(
                select(AuditRecord).where(
                    AuditRecord.incident_id == by_id, AuditRecord.event_type == "cra.exploited_vulnerability"
                )
            ).one()
        assert record.payload["product"] == pump


def test_a_product_of_another_organisation_is_as_unknown_as_none(app, client):
    from fastapi.testclient import TestClient

    with freeze_time(NOW):
        put_organisation(client, cra_manufacturer=True)
        assert client.post("/api/v1/organisations", json={"name": "Bravo", "slug": "bravo"}).status_code == 201
        token = client.post("/api/v1/organisations/bravo/tokens", json={"name": "s", "role": "administrator"}).json()
        with TestClient(app, headers={"Authorization": f"Bearer {token['token']}"}) as bravo:
            theirs = _product(bravo, name="Bravo Router")
        iid = new_incident(client)["id"]
        for_theirs = _declare(client, iid, theirs["id"], expect=422)
        for_nobody = _declare(client, iid, 987654, expect=422)
        assert for_theirs["errors"][0]["msg"].replace(str(theirs["id"]), "N") == for_nobody["errors"][0]["msg"].replace(
            "987654", "N"
        )
        assert _field(_declare(client, iid, "Bravo Router", expect=422)) == ["product"]


def test_the_declaration_keeps_the_product_as_it_was(client):
    with freeze_time(NOW):
        put_organisation(client, cra_manufacturer=True)
        pump = _product(client, name="InfuusApp")
        iid = new_incident(client)["id"]
        _declare(client, iid, pump["id"])
        client.patch(f"/api/v1/products/{pump['id']}", json={"version": "5.0", "member_states": ["FR"]})
        assert _declared_product(client, iid) == pump
        assert client.delete(f"/api/v1/products/{pump['id']}").status_code == 204
        assert _declared_product(client, iid) == pump


def test_the_page_offers_the_register_and_the_card_shows_the_product_in_both_languages(app, client, signed_in):
    with freeze_time(NOW):
        put_organisation(client, cra_manufacturer=True)
        pump = _product(client, name="InfuusApp", member_states=["NL", "BE", "DE"])
        iid = new_incident(client)["id"]
        web, token = signed_in("officer")
        page = web.get(f"/incidents/{iid}").text
        select_html = re.search(r'<select id="product" name="product".*?</select>', page, re.S).group(0)
        assert f'<option value="{pump["id"]}">InfuusApp, version 4.2; made available in NL, BE, DE</option>' in (
            select_html
        )
        assert "From the product register (Settings, Products)" in page

        form = {"csrf_token": token, "type": "cra.exploited_vulnerability", "aware_at": "2026-12-09T10:00"}
        refused = web.post(f"/incidents/{iid}/events", data={**form, "product": "987654", "reasoning": "Exploit"})
        assert refused.status_code == 422
        said = r'<p class="error" id="product-error" role="alert">Product 987654 is not in the product register'
        assert re.search(said, refused.text)
        assert 'aria-invalid="true" aria-describedby="product-error"' in refused.text
        assert "Exploit</textarea>" in refused.text  # the reasoning typed is kept

        done = web.post(f"/incidents/{iid}/events", data={**form, "product": str(pump["id"]), "reasoning": "Exploit"})
        assert done.status_code == 200
        assert re.search(
            r'data-field="product">Product: InfuusApp, version 4.2; made available in NL, BE, DE<', done.text
        )
        assert _declared_product(client, iid) == pump
        set_language(app, "nl")
        page = web.get(f"/incidents/{iid}").text
        assert re.search(r'data-field="product">Product: InfuusApp, versie 4.2; aangeboden in NL, BE, DE<', page)


def test_the_facts_only_the_cra_asks_appear_once_the_incident_has_a_cra_duty(app, client, signed_in):
    with freeze_time(NOW):
        put_organisation(client, cra_manufacturer=True)
        pump = _product(client, name="InfuusApp")
        iid = new_incident(client)["id"]
        web, _ = signed_in("officer")
        before = web.get(f"/incidents/{iid}").text
        assert 'name="fact_user_measures"' not in before and 'name="fact_nature"' in before
        _declare(client, iid, pump["id"])
        after = web.get(f"/incidents/{iid}").text
        assert 'name="fact_user_measures"' in after and 'name="fact_information_sensitivity"' in after
        assert "Corrective or mitigating measures users can take" in after
        set_language(app, "nl")
        assert "Maatregelen die gebruikers kunnen nemen" in web.get(f"/incidents/{iid}").text
