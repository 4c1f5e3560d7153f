"""Inputs the schemathesis run found, kept as plain tests so they stay fixed on both databases."""

from tests.processors.test_processor_chase import CLOUD


def test_nul_character_in_text_is_never_a_server_error(client, db_url):
    response = client.post("/api/v1/processors", json={**CLOUD, "name": "Nimbus\x00Cloud"})
    if db_url.startswith("postgresql"):
        # PostgreSQL text cannot hold U+0000: refused as bad input, nothing stored.
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["type"] == "nul_character"
        assert client.get("/api/v1/processors").json() == []
    else:
        assert response.status_code == 201, response.text  # SQLite stores it as given
    # Either way the service carries on normally afterwards.
    assert client.post("/api/v1/processors", json=CLOUD).status_code == 201


def test_an_id_too_large_for_the_database_is_422_naming_it(client):
    response = client.get(f"/api/v1/incidents/{2**70}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "incident_id"]
