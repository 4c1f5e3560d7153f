"""Fixtures for the submission tests: golden-file comparison and small helpers for the API."""

import difflib
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


class Golden:
    """Compare output with a reviewed file; UPDATE_GOLDEN=1 rewrites the files (then read and review them)."""

    def __init__(self) -> None:
        self.checked: list[str] = []

    def __call__(self, name: str, actual: str) -> None:
        path = GOLDEN / name
        self.checked.append(name)
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 and review the result"
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "actual", n=2))
            pytest.fail(f"{name} differs from the reviewed file:\n{diff}")


@pytest.fixture
def golden() -> Golden:
    return Golden()


def set_facts(client: TestClient, incident_id: int, expect: int = 200, **facts) -> dict:
    response = client.patch(f"/api/v1/incidents/{incident_id}/facts", json=facts)
    assert response.status_code == expect, response.text
    return response.json()


def draft(client: TestClient, incident_id: int, regime: str, stage: str, lang: str = "nl") -> dict:
    response = client.get(f"/api/v1/incidents/{incident_id}/submissions/{regime}/{stage}", params={"lang": lang})
    assert response.status_code == 200, response.text
    return response.json()


def ledger(client: TestClient, incident_id: int) -> list[dict]:
    response = client.get(f"/api/v1/incidents/{incident_id}/submissions")
    assert response.status_code == 200, response.text
    return response.json()
