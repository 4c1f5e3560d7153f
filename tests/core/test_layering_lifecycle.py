"""The lifecycle's layering, read from the source with `ast` (nothing is imported or run).

api/web > intake > lifecycle > reminders/submissions/deadlines > incidents > workflow: an event is sequenced in
notifier/lifecycle/ only, and the layers below it do not reach back up.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "notifier"
# The steps of an event that only the lifecycle may run: (module, function).
SEQUENCED = {
    ("notifier.deadlines.service", "recompute"),
    ("notifier.reminders.plan", "sync_incident"),
    ("notifier.submissions.ledger", "file"),
}


def modules(under: str = "") -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((PACKAGE / under).rglob("*.py")):
        name = ".".join(("notifier", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imported(tree: ast.Module) -> Iterator[str]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        (
            "incidents",
            [
                "notifier.deadlines",
                "notifier.submissions",
                "notifier.organisation",
                "notifier.reminders",
                "notifier.lifecycle",
                "notifier.intake",
                "notifier.api",
                "notifier.web",
            ],
        ),
        ("deadlines", ["notifier.reminders", "notifier.submissions", "notifier.lifecycle", "notifier.intake"]),
        ("reminders", ["notifier.lifecycle", "notifier.intake", "notifier.api", "notifier.web"]),
        ("submissions", ["notifier.lifecycle", "notifier.intake", "notifier.api", "notifier.web"]),
        ("lifecycle", ["notifier.intake", "notifier.api", "notifier.web"]),
    ],
)
def test_a_lower_layer_does_not_import_a_higher_one(package, forbidden):
    found = sorted(
        f"{name} imports {target}"
        for name, tree in modules(package)
        for target in set(imported(tree))
        if any(_inside(target, f) for f in forbidden)
    )
    assert found == []


def test_the_context_is_a_base_module_that_imports_no_service():
    """Models, the registry's schema, resource paths and the session's organisation (tenancy, a base module) only:
    any layer can take a Context without pulling one in."""
    tree = ast.parse((PACKAGE / "context.py").read_text(encoding="utf-8"))
    ours = {t for t in imported(tree) if t.startswith("notifier.")}
    services = sorted(t for t in ours if "service" in t.split("."))
    assert services == []
    assert all(
        ".models" in t or any(_inside(t, f"notifier.{base}") for base in ("workflow", "resources", "tenancy"))
        for t in ours
    )


def _calls_of_sequenced_steps(tree: ast.Module) -> Iterator[str]:
    """`from module import step`, or `alias.step` where alias names one of the modules above."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in SEQUENCED:
                    yield f"from {node.module} import {alias.name}"
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if (module, node.attr) in SEQUENCED:
                yield f"{module}.{node.attr}"


def test_only_the_lifecycle_sequences_an_event():
    found = sorted(
        f"{name}: {call}"
        for name, tree in modules()
        if not _inside(name, "notifier.lifecycle")
        for call in _calls_of_sequenced_steps(tree)
    )
    assert found == []


def test_the_lifecycle_runs_every_step():
    """The check above would pass if nobody ran the steps at all."""
    calls = {call for _, tree in modules("lifecycle") for call in _calls_of_sequenced_steps(tree)}
    assert calls == {f"{module}.{step}" for module, step in SEQUENCED}


def test_the_incident_states_are_named_outside_the_incidents_package():
    """The states are IncidentState members; a bare literal outside notifier/incidents/ would drift from them.
    The web's label table is keyed by the stored value and is the one exception."""
    states = {"triage", "merged"}
    found = sorted(
        f"{name}:{node.lineno} {node.value!r}"
        for name, tree in modules()
        if not _inside(name, "notifier.incidents") and name != "notifier.web.i18n"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in states
    )
    assert found == []
