"""/settings/products: list, add, edit and remove products, in Dutch and English; a refused form keeps what was typed
and marks the field; the page writes through the same validation and audit as the API."""

import re

from sqlmodel import Session, select

from notifier.audit.models import AuditRecord
from tests.web.test_avg_forms import set_language


def _field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', page))


def _form(token: str, **fields) -> dict:
    return {"csrf_token": token, "name": "InfuusApp", "version": "4.2", "member_states": ["NL", "BE"], **fields}


def test_an_administrator_adds_edits_and_removes_a_product(app, client, signed_in):
    web, token = signed_in("administrator")
    page = web.get("/settings/products")
    assert page.status_code == 200
    assert 'href="/settings/products" aria-current="page"' in page.text  # a tab of the settings
    assert "No products recorded yet." in page.text

    page = web.post("/settings/products", data=_form(token))
    assert page.status_code == 200 and "<td>4.2</td>" in page.text
    [stored] = client.get("/api/v1/products").json()
    assert stored["member_states"] == ["NL", "BE"]

    edit = web.get(f"/settings/products?edit={stored['id']}").text
    assert f'name="id" value="{stored["id"]}"' in edit and 'value="BE" checked' in edit and 'value="DE">' in edit
    web.post("/settings/products", data=_form(token, id=str(stored["id"]), version="4.3", member_states=["DE"]))
    changed = client.get(f"/api/v1/products/{stored['id']}").json()
    assert changed == {**stored, "version": "4.3", "member_states": ["DE"]}

    removed = web.post(f"/settings/products/{stored['id']}/remove", data={"csrf_token": token})
    assert removed.status_code == 200 and client.get("/api/v1/products").json() == []
    with Session(app.state.engine) as s:
        kinds = [r.event_type for r in s.exec(select(AuditRecord).order_by(AuditRecord.id)).all()]
        actors = {r.actor for r in s.exec(select(AuditRecord).where(AuditRecord.event_type.like("product.%"))).all()}
    assert kinds[-3:] == ["product.saved", "product.saved", "product.removed"]
    assert actors == {"user:administrator-0@example.org"}


def test_a_refused_form_keeps_the_input_and_marks_the_field_in_english(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post("/settings/products", data=_form(token, name="  ", member_states=[]))
    assert page.status_code == 422
    errors = _field_errors(page.text)
    assert set(errors) == {"name", "member_states"}
    assert errors["member_states"] == "choose at least one member state"
    assert 'value="4.2"' in page.text  # the version typed is still there
    assert 'id="member_states" aria-invalid="true"' in page.text

    # A code no checkbox offers (a hand-made post): the field is marked, the codes chosen stay ticked.
    page = web.post("/settings/products", data=_form(token, member_states=["NL", "XX"]))
    assert page.status_code == 422 and "XX" in _field_errors(page.text)["member_states"]
    assert 'value="NL" checked' in page.text
    assert client.get("/api/v1/products").json() == []

    web.post("/settings/products", data=_form(token))
    twice = web.post("/settings/products", data=_form(token))
    assert twice.status_code == 409
    assert _field_errors(twice.text) == {"version": "the register has this product with this version already"}


def test_the_page_speaks_dutch_and_refuses_another_organisations_product(app, client, signed_in):
    web, token = signed_in("administrator")
    set_language(app, "nl")
    page = web.get("/settings/products").text
    assert "Lidstaten waar het product wordt aangeboden" in page and "Nog geen producten vastgelegd." in page
    assert "België (BE)" in page
    refused = web.post("/settings/products", data=_form(token, version="", member_states=[]))
    assert refused.status_code == 422
    assert _field_errors(refused.text) == {
        "version": "Dit veld is verplicht.",
        "member_states": "kies minstens één lidstaat",
    }
    assert 'value="InfuusApp"' in refused.text
    # Ids that are not ours: the 404 page, nothing removed.
    assert web.get("/settings/products?edit=987").status_code == 404
    assert web.post("/settings/products/987/remove", data={"csrf_token": token}).status_code == 404
    page = web.post("/settings/products", data=_form(token, id="987"))
    assert page.status_code == 422 and "id" in _field_errors(page.text)


def test_an_officer_may_not_change_the_register(signed_in):
    web, token = signed_in("officer")
    assert web.get("/settings/products").status_code == 403
    assert web.post("/settings/products", data=_form(token)).status_code == 403
