"""Inputs the schemathesis run found, kept as plain tests so they stay fixed on both databases."""

from tests.processors.test_processor_chase import CLOUD


def test_nul_character_in_text_is_never_a_server_error(client):
    response = client.post("/api/v1/processors", json={**CLOUD, "name": "Nimbus\x00Cloud"})
    # PostgreSQL text cannot hold U+0000, so neither database is given it: refused as bad input, nothing stored.
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0] == {
        "loc": ["body", "name"],
        "msg": "text must not contain NUL (U+0000) characters",
        "type": "nul_character",
    }
    assert client.get("/api/v1/processors").json() == []
    # The service carries on normally afterwards.
    assert client.post("/api/v1/processors", json=CLOUD).status_code == 201


def test_an_id_too_large_for_the_database_is_422_naming_it(client):
    response = client.get(f"/api/v1/incidents/{2**70}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "incident_id"]
