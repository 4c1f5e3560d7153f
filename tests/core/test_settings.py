"""Placeholder secrets are refused in production; development runs with defaults."""

import pytest
from pydantic import ValidationError

from notifier.config import Settings


def test_development_accepts_defaults():
    assert Settings(env="development").timezone == "Europe/Amsterdam"


@pytest.mark.parametrize("secret", ["change-me", "changethis", "secret", "short"])
def test_production_refuses_placeholder_secret_key(secret):
    with pytest.raises(ValidationError, match="NOTIFIER_SECRET_KEY"):
        Settings(env="production", secret_key=secret, api_token="a" * 40)


def test_production_refuses_placeholder_api_token():
    with pytest.raises(ValidationError, match="NOTIFIER_API_TOKEN"):
        Settings(env="production", secret_key="k" * 40, api_token="change-me")


def test_production_accepts_real_secrets():
    settings = Settings(env="production", secret_key="k" * 40, api_token="a" * 40)
    assert settings.env == "production"


def test_unknown_timezone_is_refused():
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(timezone="Mars/Olympus")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NOTIFIER_TIMEZONE", "Europe/Brussels")
    monkeypatch.setenv("NOTIFIER_DATABASE_URL", "sqlite:///./elsewhere.db")
    settings = Settings()
    assert settings.timezone == "Europe/Brussels" and settings.database_url == "sqlite:///./elsewhere.db"
