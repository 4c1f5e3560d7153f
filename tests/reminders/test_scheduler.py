"""The APScheduler job really runs inside the app and records its heartbeat."""

import time

from fastapi.testclient import TestClient

from notifier.main import create_app
from notifier.scheduler import last_beat


def test_scheduler_runs_in_the_app_and_beats(settings):
    settings = settings.model_copy(update={"scheduler_enabled": True, "sweep_interval_seconds": 1, "smtp_host": None})
    app = create_app(settings)
    with TestClient(app):
        deadline = time.monotonic() + 10
        while last_beat(app.state.engine) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        first = last_beat(app.state.engine)
        assert first is not None
        assert app.state.scheduler.get_job("sweep_and_deliver").max_instances == 1
    assert not app.state.scheduler.running
    app.state.engine.dispose()
