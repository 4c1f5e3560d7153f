"""The writer in its own process (the default for `notifier serve`): same answers, same rows, same audit chain."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from notifier.audit.chain import verify
from notifier.main import create_app
from tests.intake import payloads
from tests.intake.conftest import alert_count, generic, post_alert


@pytest.fixture
def process_app(settings):
    app = create_app(settings.model_copy(update={"intake_writer": "process"}))
    yield app
    app.state.engine.dispose()


def test_child_process_writer_commits_dedups_and_correlates(process_app):
    with TestClient(process_app) as c:
        first = post_alert(c, "wazuh", payloads.WAZUH)
        assert first.status_code == 202, first.text
        assert post_alert(c, "wazuh", payloads.WAZUH).json() == {**first.json(), "duplicate": True}
        same_key = post_alert(c, "wazuh", {**payloads.WAZUH, "id": "1763889321.9999"})
        assert same_key.json()["incident_id"] == first.json()["incident_id"]
        assert post_alert(c, "generic", generic("p-1", severity="info")).json()["incident_id"] is None
        writer = process_app.state.intake.writer
        assert writer._process is not None and writer._process.is_alive()
    # Leaving the client ran the shutdown: the child finished and ended.
    assert writer._process is None
    assert alert_count(process_app) == 3
    with Session(process_app.state.engine) as s:
        assert verify(s).ok


def test_a_dead_child_is_replaced(process_app):
    with TestClient(process_app) as c:
        assert post_alert(c, "generic", generic("d-1")).status_code == 202
        writer = process_app.state.intake.writer
        writer._process.kill()
        writer._process.join()
        # The batch that finds the child dead is not acknowledged (the sender retries), the next one is stored.
        assert post_alert(c, "generic", generic("d-2")).status_code == 503
        assert post_alert(c, "generic", generic("d-2")).status_code == 202
    assert alert_count(process_app) == 2
