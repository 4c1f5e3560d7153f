"""A broken workflow file stops start-up with an error naming the file, the path inside it and the problem."""

import shutil
import subprocess
import sys

import pytest

from notifier.config import PROJECT_ROOT, Settings
from notifier.main import create_app
from notifier.workflow import WorkflowError, load_registry

SOURCE = PROJECT_ROOT / "workflows"


@pytest.fixture
def workflows(tmp_path):
    target = tmp_path / "workflows"
    shutil.copytree(SOURCE, target)
    return target


def _break(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert old in text, f"test set-up: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        ("to: notification_due}", "to: notifcation_due}", "track.transitions[2].to", "unknown state 'notifcation_due'"),
        (
            "due: {from: aware, hours: 24}",
            "due: {from: awareness, hours: 24}",
            "stages.early_warning.due.from",
            "unknown anchor",
        ),
        (
            "fields: [malicious_suspected, cross_border_possible, contact.reporting_officer]\n",
            "fields: [malicious_suspected, cross_border_posible, contact.reporting_officer]\n",
            "stages.early_warning.fields[1]",
            "unknown fact 'cross_border_posible'",
        ),
        (
            "due: {from: aware, hours: 24}",
            "due: {from: aware, hours: -24}",
            "stages.early_warning.due.hours",
            "greater than 0",
        ),
        (
            "due: {from: aware, hours: 24}",
            "due: {from: aware, hours: 24, months: 1}",
            "stages.early_warning.due",
            "exactly one of hours, days or months",
        ),
        ("initial: pending", "initial: waiting", "track.initial", "unknown state 'waiting'"),
        ("health: [z_cert, igj]", "health: [z_cert, igk]", "recipients.by_sector.health", "unknown party 'igk'"),
        ("version: 1\n", "", "version", "Field required"),
    ],
)
def test_broken_cbw_file_is_named_with_path_and_problem(workflows, old, new, where, problem):
    path = _break(workflows, "cbw.yaml", old, new)
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path
    assert error.value.path == where
    assert problem in error.value.problem
    assert str(path) in str(error.value) and where in str(error.value)


def test_yaml_syntax_error_names_line(workflows):
    path = _break(workflows, "avg.yaml", "regime: avg", "regime: [avg")
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path
    assert error.value.path.startswith("line ")


def test_regime_must_match_file_name(workflows):
    _break(workflows, "avg.yaml", "regime: avg", "regime: gdpr")
    with pytest.raises(WorkflowError, match="must match the file name"):
        load_registry(workflows)


def test_a_new_regime_is_just_a_new_file(workflows):
    text = (workflows / "avg.yaml").read_text().replace("regime: avg", "regime: drill")
    (workflows / "drill.yaml").write_text(text)
    registry = load_registry(workflows)
    assert set(registry.workflows) == {"avg", "cbw", "cra", "dora", "drill"}


def test_app_does_not_start_with_a_broken_workflow(workflows, tmp_path):
    _break(workflows, "cbw.yaml", "to: closed}", "to: shut}")
    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.db", workflows_dir=workflows, api_token="t" * 32)
    with pytest.raises(WorkflowError, match="cbw.yaml: track.transitions"):
        create_app(settings)


def test_serve_exits_with_the_error(workflows, tmp_path):
    _break(workflows, "cbw.yaml", "to: closed}", "to: shut}")
    env = {
        "NOTIFIER_WORKFLOWS_DIR": str(workflows),
        "NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "NOTIFIER_API_TOKEN": "t" * 32,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "notifier.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "cbw.yaml: track.transitions[7].to: unknown state 'shut'" in result.stderr


def test_by_sector_naming_an_unknown_sector_is_refused(workflows):
    path = _break(workflows, "cbw.yaml", "health: [z_cert, igj]", "helth: [z_cert, igj]")
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path
    assert error.value.path == "recipients.by_sector.helth"
    assert "unknown sector 'helth'" in error.value.problem


def test_by_entity_type_naming_an_unknown_type_is_refused(workflows):
    path = _break(workflows, "cbw.yaml", "medical_devices: [z_cert, igj]", "medical_device: [z_cert, igj]")
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path
    assert error.value.path == "recipients.by_entity_type.medical_device"
    assert "unknown entity type 'medical_device'" in error.value.problem


def test_a_reminder_role_that_is_no_contact_role_is_refused(workflows):
    _break(workflows, "cbw.yaml", "cc: [deputy, ciso]", "cc: [deputy, cfo]")
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.path.startswith("reminders.cc")


def test_contact_roles_are_defined_once():
    """The profile API, the workflow schema, the loader's field references and the settings form share one list."""
    import typing

    from notifier.organisation import models_api
    from notifier.organisation.roles import CONTACT_ROLES
    from notifier.web import settings_pages
    from notifier.workflow import loader, schema

    assert typing.get_args(models_api.ContactRole) == CONTACT_ROLES
    assert typing.get_args(schema.ContactRole) == CONTACT_ROLES
    assert settings_pages.CONTACT_ROLES is CONTACT_ROLES
    assert {f"contact.{r}" for r in CONTACT_ROLES} <= loader.PROFILE_REFERENCES
    sources = [p.read_text() for p in (PROJECT_ROOT / "notifier").rglob("*.py") if p.name != "roles.py"]
    assert not [s for s in sources if '"reporting_officer", "deputy", "ciso", "dpo"' in s]


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            'due: {from: "revised:risk"',
            'due: {from: "revised:riks"',
            "stages.data_subject_communication.due.from",
            "unknown anchor 'revised:riks'",
        ),
        (
            "settles: data_subject_communication",
            "settles: data_subject_letter",
            "track.events.subjects_not_informed.settles",
            "unknown stage 'data_subject_letter'",
        ),
        (
            "request_from: ap",
            "request_from: apx",
            "track.events.ap_demanded_communication.request_from",
            "unknown party 'apx'",
        ),
        ("revises: [risk]", "revises: [risk_level]", "track.events.risk_revised.revises[0]", "no field 'risk_level'"),
        (
            "required_when: {exception: [disproportionate_effort]}",
            "required_when: {exception: [too_much]}",
            "track.events.subjects_not_informed.fields.public_communication_at.required_when.exception",
            "must name a choice field",
        ),
        ("    requested: true\n", "", "track.events.ap_demanded_communication.request", "requested: true"),
        (
            '    title: {nl: "Correctie van de melding", en: "Correction"}\n',
            '    title: {nl: "Correctie van de melding", en: "Correction"}\n    due: {from: aware, hours: 72}\n',
            "stages.correction",
            "an optional stage is not owed",
        ),
    ],
)
def test_broken_avg_rules_are_named(workflows, old, new, where, problem):
    path = _break(workflows, "avg.yaml", old, new)
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path and error.value.path == where
    assert problem in error.value.problem


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            "hooks: {register: notifier.regimes.avg_breach_register}",
            "hooks: {register: notifier.regimes.no_such_register}",
            "hooks.register",
            "cannot import module 'notifier.regimes.no_such_register'",
        ),
        (
            "hooks: {register: notifier.regimes.avg_breach_register}",
            "hooks: {register: notifier.regimes.avg_breach_register, assessment: notifier.assessment.rules}",
            "hooks.assessment",
            "module 'notifier.assessment.rules' defines no ASSISTANT",
        ),
        (
            "event: breach, sets: {risk: none}}",
            "event: breech, sets: {risk: none}}",
            "creation.answers[0].event",
            "unknown event 'breech'",
        ),
        (
            "event: breach, sets: {risk: none}}",
            "event: breach, sets: {riks: none}}",
            "creation.answers[0].sets.riks",
            "breach has no such field",
        ),
        ("  fields: [aware_at, reasoning]\n", "  fields: [aware_at, reason]\n", "creation.fields", "'reason'"),
        ("show_when: {risk: [high]}", "show_when: {riks: [high]}", "track.events.subjects_not_informed.show_when.riks",
         "no event has this field"),
    ],
)  # fmt: skip
def test_what_the_pages_draw_from_a_workflow_must_exist(workflows, old, new, where, problem):
    """The labels, creation question, page conditions and hooks of a workflow (issue 14) are checked at load time,
    with the file and the path, like the rest of it."""
    path = _break(workflows, "avg.yaml", old, new)
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path and error.value.path == where
    assert problem in error.value.problem


def test_the_registry_builds_the_event_models_once_and_resolves_the_hooks(workflows):
    registry = load_registry(workflows)
    assert registry.event_models["avg.breach"].model_fields["risk"].is_required()
    assert registry.hooked("assessment")[0].regime == "cbw"
    assert registry.hooked("register")[1].__name__ == "notifier.regimes.avg_breach_register"
    assert [wf.regime for wf in registry.ordered] == ["cbw", "dora", "avg", "cra"]
    assert registry.rank == {"cbw": 0, "dora": 1, "avg": 2, "cra": 3}


def test_the_submission_event_keeps_its_name(workflows):
    """The pages' confirm form and the filings check find a filing as `<regime>.submitted`: a workflow that calls
    its submission event anything else is refused at load time, not broken on the page."""
    path = workflows / "avg.yaml"
    renamed = path.read_text().replace("    submitted:\n", "    filed:\n").replace("event: submitted", "event: filed")
    path.write_text(renamed)
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path and error.value.path == "track.events.filed.submission"
    assert "must be named 'submitted'" in error.value.problem


def test_a_key_given_twice_in_a_workflow_file_is_refused_with_its_line(workflows):
    path = workflows / "cbw.yaml"
    lines = path.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("stages:"))
    lines.insert(first, "regime: cbw")  # the file's top-level key once more
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(WorkflowError) as caught:
        load_registry(workflows)
    assert caught.value.file == path
    assert f"line {first + 1}," in caught.value.path and "duplicate key 'regime'" in caught.value.problem


def test_every_data_file_of_the_project_has_each_key_once():
    from notifier import yaml_files

    files = sorted(SOURCE.glob("*.yaml")) + sorted((PROJECT_ROOT / "templates").rglob("*.yaml"))
    assert len(files) >= 6, files
    for file in files:
        assert isinstance(yaml_files.load(file.read_text(encoding="utf-8")), dict), file


def test_a_label_file_with_a_key_given_twice_is_refused():
    import yaml

    from notifier import yaml_files

    with pytest.raises(yaml.YAMLError, match="duplicate key 'dora_entity_type'"):
        yaml_files.load("fields:\n  dora_entity_type: {nl: a}\n  x: 1\n  dora_entity_type: {nl: b}\n")


def test_a_fact_of_a_regime_this_installation_does_not_load_does_not_stop_it(workflows):
    (workflows / "dora.yaml").unlink()
    registry = load_registry(workflows)
    assert "dora" not in registry.versions
    assert registry.facts["dora_report_currency"].regimes == ["dora"]
