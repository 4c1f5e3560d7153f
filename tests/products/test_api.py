"""The product register through the API: validation as problem+json naming the field, every change audited, and
each organisation sees and touches only its own products."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier.audit.models import AuditRecord

PUMP = {"name": "InfuusApp", "version": "4.2", "member_states": ["NL", "be", "DE"]}


def _create(client: TestClient, expect: int = 201, **body) -> dict:
    answer = client.post("/api/v1/products", json={**PUMP, **body})
    assert answer.status_code == expect, answer.text
    return answer.json()


def _fields(answer) -> list[str]:  # noqa: ANN001
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in answer.json()["errors"]]


def _audit(app, kind: str) -> list[AuditRecord]:  # noqa: ANN001
    with Session(app.state.engine) as s:
        return list(s.exec(select(AuditRecord).where(AuditRecord.event_type == kind).order_by(AuditRecord.id)).all())


def test_create_list_change_and_remove_a_product(app, client):
    made = _create(client)
    assert made["member_states"] == ["NL", "BE", "DE"]  # upper case, in the order given
    assert client.get(f"/api/v1/products/{made['id']}").json() == made
    assert [p["name"] for p in client.get("/api/v1/products").json()] == ["InfuusApp"]

    changed = client.patch(f"/api/v1/products/{made['id']}", json={"version": "4.3", "member_states": ["NL", "NL"]})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**made, "version": "4.3", "member_states": ["NL"]}

    assert client.delete(f"/api/v1/products/{made['id']}").status_code == 204
    assert client.get(f"/api/v1/products/{made['id']}").status_code == 404
    assert client.get("/api/v1/products").json() == []

    saved = _audit(app, "product.saved")
    assert [r.previous_state for r in saved] == [None, {**made, "member_states": ["NL", "BE", "DE"]}]
    assert saved[1].new_state["version"] == "4.3" and saved[0].actor and saved[0].at is not None
    removed = _audit(app, "product.removed")
    assert len(removed) == 1 and removed[0].previous_state["version"] == "4.3" and removed[0].new_state is None


def test_bad_input_is_a_problem_naming_the_field(client):
    assert _fields(client.post("/api/v1/products", json={**PUMP, "member_states": ["NL", "XX"]})) == ["member_states.1"]
    assert _fields(client.post("/api/v1/products", json={**PUMP, "member_states": ["US"]})) == ["member_states.0"]
    assert _fields(client.post("/api/v1/products", json={**PUMP, "member_states": []})) == ["member_states"]
    assert _fields(client.post("/api/v1/products", json={**PUMP, "name": "  "})) == ["name"]
    assert _fields(client.post("/api/v1/products", json={**PUMP, "version": "1\n2"})) == ["version"]
    assert _fields(client.post("/api/v1/products", json={"name": "X", "member_states": ["NL"]})) == ["version"]
    made = _create(client)
    assert _fields(client.patch(f"/api/v1/products/{made['id']}", json={"member_states": ["ZZ"]})) == [
        "member_states.0"
    ]
    assert _fields(client.patch(f"/api/v1/products/{made['id']}", json={"name": None})) == ["name"]
    # The same name and version twice is a conflict, not a second row.
    again = client.post("/api/v1/products", json=PUMP)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    other = _create(client, version="5.0")
    assert client.patch(f"/api/v1/products/{other['id']}", json={"version": "4.2"}).status_code == 409


def test_a_viewer_reads_but_does_not_change_the_register(app, client):
    made = _create(client)
    token = client.post("/api/v1/organisations/default/tokens", json={"name": "viewer", "role": "viewer"})
    if token.status_code == 404:  # the default organisation's slug follows its name
        slug = client.get("/api/v1/organisations").json()[0]["slug"]
        token = client.post(f"/api/v1/organisations/{slug}/tokens", json={"name": "viewer", "role": "viewer"})
    assert token.status_code == 201, token.text
    with TestClient(app, headers={"Authorization": f"Bearer {token.json()['token']}"}) as viewer:
        assert viewer.get("/api/v1/products").status_code == 200
        assert viewer.post("/api/v1/products", json={**PUMP, "version": "9"}).status_code == 403
        assert viewer.delete(f"/api/v1/products/{made['id']}").status_code == 403


def test_organisations_see_and_touch_only_their_own_products(app, client):
    made = client.post("/api/v1/organisations", json={"name": "Bravo Devices", "slug": "bravo"})
    assert made.status_code == 201, made.text
    token = client.post("/api/v1/organisations/bravo/tokens", json={"name": "svc", "role": "administrator"}).json()
    ours = _create(client)
    with TestClient(app, headers={"Authorization": f"Bearer {token['token']}"}) as bravo:
        theirs = _create(bravo, name="Bravo Router")
        # The same name and version may exist in both registers.
        twin = _create(bravo)
        assert [p["id"] for p in bravo.get("/api/v1/products").json()] == [theirs["id"], twin["id"]]  # by name
        for method, body in (("GET", None), ("PATCH", {"version": "6"}), ("DELETE", None)):
            assert bravo.request(method, f"/api/v1/products/{ours['id']}", json=body).status_code == 404
        assert client.get(f"/api/v1/products/{theirs['id']}").status_code == 404
    assert [p["id"] for p in client.get("/api/v1/products").json()] == [ours["id"]]
    assert client.get(f"/api/v1/products/{ours['id']}").json() == ours
