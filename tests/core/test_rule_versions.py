"""Rules that change while incidents are open (reference section 8): a duty keeps the version of its regime that was
in force when its clock started, on the incident page, in its deadlines and in the ledger of what was filed."""

import shutil

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time

from notifier.config import PROJECT_ROOT
from notifier.main import create_app
from tests.conftest import AUTH, deadline, new_incident, post_event, put_organisation


@pytest.fixture
def app(settings, migrated_sqlite, tmp_path):
    """The project's workflows plus a second Cbw version from 1 June 2027 with a 12 h early warning."""
    workflows = tmp_path / "workflows"
    shutil.copytree(PROJECT_ROOT / "workflows", workflows)
    text = (workflows / "cbw.yaml").read_text()
    v2 = text.replace("version: 1\n", "version: 2\n", 1).replace("applies_from: 2026-08-15", "applies_from: 2027-06-01")
    v2 = v2.replace(
        "    due: {from: aware, hours: 24}\n    fields: [malicious",
        "    due: {from: aware, hours: 12}\n    fields: [malicious",
    )
    assert v2.count("version: 2") == 1 and "hours: 12}" in v2
    (workflows / "cbw.v2.yaml").write_text(v2)
    if settings.is_sqlite:
        shutil.copyfile(migrated_sqlite, settings.database_url.removeprefix("sqlite:///"))
    application = create_app(settings.model_copy(update={"workflows_dir": workflows}))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app):
    with TestClient(app, headers=AUTH) as c:
        yield c


def _declare(client, aware_at: str) -> dict:
    incident = new_incident(client)
    reasoning = "Significant: the patient record system is down."
    return post_event(client, incident["id"], type="cbw.significant", aware_at=aware_at, reasoning=reasoning)


def test_a_duty_keeps_its_version_through_the_change_and_files_under_it(client):
    with freeze_time("2027-05-31T20:00:00Z"):
        put_organisation(client)
        old = _declare(client, "2027-05-31T21:00:00+02:00")
    with freeze_time("2027-06-02T08:00:00Z"):
        new = _declare(client, "2027-06-02T09:00:00+02:00")
        # The running duty keeps 24 h; the one whose clock started under version 2 gets 12 h.
        old = client.get(f"/api/v1/incidents/{old['id']}").json()
        assert deadline(old, "cbw", "early_warning")["due"] == "2027-06-01T21:00:00+02:00"
        assert deadline(new, "cbw", "early_warning")["due"] == "2027-06-02T21:00:00+02:00"
        tracks = {i["id"]: next(t for t in i["tracks"] if t["regime"] == "cbw") for i in (old, new)}
        assert (tracks[old["id"]]["workflow_version"], tracks[old["id"]]["rules_applies_from"]) == (1, "2026-08-15")
        assert (tracks[new["id"]]["workflow_version"], tracks[new["id"]]["rules_applies_from"]) == (2, "2027-06-01")
        # The draft and the filing carry the duty's version, and the ledger shows it.
        draft = client.get(f"/api/v1/incidents/{old['id']}/submissions/cbw/early_warning").json()
        assert draft["json"]["regime_version"] == 1
        post_event(
            client,
            old["id"],
            type="cbw.submitted",
            stage="early_warning",
            submitted_at="2027-06-01T10:00:00+02:00",
            reference="NCSC-2027-1",
        )
        post_event(
            client,
            new["id"],
            type="cbw.submitted",
            stage="early_warning",
            submitted_at="2027-06-02T09:30:00+02:00",
            reference="NCSC-2027-2",
        )
        for incident, version, applies_from in ((old, 1, "2026-08-15"), (new, 2, "2027-06-01")):
            [entry] = client.get(f"/api/v1/incidents/{incident['id']}/submissions").json()
            assert (entry["regime_version"], entry["regime_applies_from"]) == (version, applies_from)
            assert entry["json"]["regime_version"] == version and entry["intact"] is True
