"""OpenTelemetry and Sentry are off unless configured: without the settings nothing of theirs is imported."""

import subprocess
import sys
from pathlib import Path

import pytest

from notifier.config import Settings
from notifier.main import create_app
from notifier.operations.telemetry import TelemetryMissing

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from notifier.config import Settings
from notifier.main import create_app
create_app(Settings(database_url=sys.argv[1], api_token="t" * 40, env="test", var_dir=sys.argv[2],
                    scheduler_enabled=False))
loaded = [m for m in sys.modules if m.startswith(("sentry_sdk", "opentelemetry.sdk", "opentelemetry.instrumentation",
                                                  "opentelemetry.exporter"))]
print(",".join(loaded) or "none")
"""


def test_without_the_settings_no_telemetry_package_is_imported(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"sqlite:///{tmp_path}/t.db", str(tmp_path / "var")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


@pytest.mark.parametrize(
    ("setting", "extra"), [("sentry_dsn", "sentry"), ("otel_endpoint", "otel")], ids=["sentry", "otel"]
)
def test_a_setting_without_its_extra_names_the_extra(settings, setting, extra):
    try:
        __import__({"sentry": "sentry_sdk", "otel": "opentelemetry.sdk"}[extra])
    except ImportError:
        pass
    else:
        pytest.skip(f"the {extra} extra is installed here")
    configured: Settings = settings.model_copy(update={setting: "http://127.0.0.1:9/x"})
    with pytest.raises(TelemetryMissing, match=rf"meldplicht\[{extra}\]"):
        create_app(configured)
