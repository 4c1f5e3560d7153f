"""What can be checked of the deploy files without a Docker engine."""

import re

import yaml

from notifier.config import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
SETTINGS = {f"NOTIFIER_{name.upper()}" for name in Settings.model_fields}


def test_env_example_lists_every_setting_with_its_meaning():
    text = (DEPLOY / "env.example").read_text()
    listed = set(re.findall(r"^#?\s*(NOTIFIER_[A-Z0-9_]+)=", text, re.M))
    assert listed == SETTINGS, f"missing: {SETTINGS - listed}, unknown: {listed - SETTINGS}"
    for name in SETTINGS:
        block = text.split(name + "=")[0].rsplit("\n\n", 1)[-1]
        assert block.strip().startswith("#"), f"{name} has no explanation above it"


def test_compose_file_parses_and_names_existing_settings():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    assert set(compose["services"]) == {"app", "db", "mail"}
    app = compose["services"]["app"]
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    names = set(app["environment"])
    assert names <= SETTINGS, f"unknown settings in compose.yml: {names - SETTINGS}"
    assert app["environment"]["NOTIFIER_ENV"] == "production"
    assert "postgresql+psycopg://" in app["environment"]["NOTIFIER_DATABASE_URL"]
    assert compose["services"]["db"]["healthcheck"]


def test_dockerfile_runs_as_non_root_with_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"^USER meldplicht$", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    for folder in ("notifier", "workflows", "templates", "migrations"):
        assert f"COPY {folder} ./{folder}" in text
        assert (PROJECT_ROOT / folder).is_dir()


def test_systemd_unit_upgrades_then_serves():
    text = (DEPLOY / "meldplicht.service").read_text()
    assert "ExecStartPre=/opt/meldplicht/.venv/bin/notifier db upgrade" in text
    assert "ExecStart=/opt/meldplicht/.venv/bin/notifier serve" in text
    assert "User=meldplicht" in text
