"""NOTIFIER_ENV=production refuses placeholder secrets, for every secret a client presents or the app signs with."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from notifier.config import Settings
from proof.harness import ROOT

GOOD = "g" * 40


@pytest.mark.parametrize(
    ("field", "value", "variable"),
    [
        ("secret_key", "change-me", "NOTIFIER_SECRET_KEY"),
        ("api_token", "secret", "NOTIFIER_API_TOKEN"),
        ("intake_token", "changeme", "NOTIFIER_INTAKE_TOKEN"),
        ("intake_token", "short-token", "NOTIFIER_INTAKE_TOKEN"),
    ],
)
def test_production_refuses_a_placeholder(field, value, variable):
    values = {"env": "production", "secret_key": GOOD, "api_token": GOOD, "intake_token": GOOD, field: value}
    with pytest.raises(ValidationError, match=variable):
        Settings(**values)
    assert Settings(**{**values, "env": "development"}).env == "development"


@pytest.mark.parametrize("password", ["change-me", "CHANGE_ME", "changeme", "password", "secret", " ", ""])
def test_production_refuses_a_placeholder_smtp_password(password):
    values = {"env": "production", "secret_key": GOOD, "smtp_user": "meldplicht", "smtp_password": password}
    with pytest.raises(ValidationError, match="NOTIFIER_SMTP_PASSWORD is empty or a placeholder") as refused:
        Settings(**values)
    assert "NOTIFIER_SECRET_KEY" not in str(refused.value)
    assert Settings(**{**values, "env": "development"}).smtp_password == password


def test_production_accepts_a_real_smtp_password_or_no_smtp_login():
    # The provider decides the password's length, so a short real one is fine; without a user none is sent.
    assert Settings(env="production", secret_key=GOOD, smtp_user="m", smtp_password="Xq7-vL2p").smtp_user == "m"
    assert Settings(env="production", secret_key=GOOD, smtp_password="").smtp_user is None


def test_serve_in_production_with_the_default_secret_key_does_not_start(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "NOTIFIER_ENV": "production", "NOTIFIER_VAR_DIR": str(tmp_path),
           "NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}", "NOTIFIER_API_TOKEN": GOOD}  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "notifier.cli", "serve", "--port", "1"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode != 0
    assert "NOTIFIER_SECRET_KEY is a placeholder" in result.stderr
    assert GOOD not in result.stderr + result.stdout  # the refusal names the variable, never a value
