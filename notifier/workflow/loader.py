"""Load workflows/*.yaml, validate shape and cross-references, fail with file + path + problem."""

import importlib
from pathlib import Path
from typing import Any

import structlog
import yaml
from pydantic import ValidationError

from notifier import clock, yaml_files
from notifier.organisation.classification import DORA_ENTITY_TYPES, ENTITY_TYPES
from notifier.organisation.roles import CONTACT_ROLES
from notifier.sectors import SECTORS
from notifier.workflow.events import build_event_models
from notifier.workflow.schema import CONDITION_KEYS, SAME, FactCatalogue, Registry, Workflow

log = structlog.get_logger()

# Field references a stage may name besides the facts: things the organisation profile provides.
PROFILE_REFERENCES = {f"contact.{role}" for role in CONTACT_ROLES} | {
    "contact.privacy",  # the DPO, else the other contact point (AVG art. 33(3)(b); submissions/completeness.py)
    "organisation.address",
    "organisation.name",
    "organisation.kvk_number",
    "organisation.sector",
    "organisation.lei",  # DORA's section 1 (the ESAs' schema: the submitting entity's LEI)
    "organisation.dora_entity_type",
}
SUBMITTED = "submitted"  # the one event name the engine knows: <regime>.submitted files a report
ANCHORS = {"aware", "request", "resolved"}


class WorkflowError(Exception):
    """A workflow file is broken; the message names the file, the path inside it and the problem."""

    def __init__(self, file: Path, path: str, problem: str):
        self.file, self.path, self.problem = file, path, problem
        super().__init__(f"{file}: {path or '(top)'}: {problem}")


def _read_yaml(file: Path) -> dict:
    try:
        data = yaml_files.load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise WorkflowError(file, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise WorkflowError(file, "", "expected a mapping at the top level")
    return data


def _validated(model, file: Path, data: dict):  # noqa: ANN001, ANN202
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in first["loc"]).replace(".[", "[")
        raise WorkflowError(file, path, first["msg"]) from exc


def _check_anchor(
    file: Path,
    path: str,
    anchor: str,
    stages: set[str],
    revised: set[str] = frozenset(),
    declared: set[str] = frozenset(),
) -> None:
    if anchor in ANCHORS:
        return
    kind, _, stage = anchor.partition(":")
    if kind in {"submitted", "due"} and stage in stages:
        return
    if kind == "latest" and stage and set(stage.split("+")) <= stages:
        return
    if kind == "revised" and stage in revised:
        return
    if kind == "at" and stage in declared:
        return
    raise WorkflowError(
        file,
        path,
        f"unknown anchor {anchor!r} (aware, request, resolved, submitted:<stage>, latest:<stage>[+<stage>], "
        "due:<stage>, revised:<key an event revises>, at:<a time field an event declares or records>)",
    )


def _declared_times(wf: Workflow) -> set[str]:
    """Time fields that end up in the declaration: those of a clock-starting event and those an event records."""
    out = set()
    for event in wf.track.events.values():
        for fname, field in event.fields.items():
            if field.type == "datetime" and fname != "aware_at" and (event.starts_clock or fname in event.records):
                out.add(fname)
    return out


def _rules_of(base: str, rule) -> list:  # noqa: ANN001
    """A due rule and the limits nested in it, each with its path."""
    out = []
    while rule is not None:
        out.append((base, rule))
        base, rule = f"{base}.no_later_than", rule.no_later_than
    return out


def _check_workflow(file: Path, wf: Workflow, facts: set[str]) -> None:
    track, stages = wf.track, set(wf.stages)
    states = set(track.states)
    if track.initial not in states:
        raise WorkflowError(file, "track.initial", f"unknown state {track.initial!r}")
    for i, tr in enumerate(track.transitions):
        base = f"track.transitions[{i}]"
        for state in tr.from_:
            if state not in states:
                raise WorkflowError(file, f"{base}.from", f"unknown state {state!r}")
        if tr.to != SAME and tr.to not in states:
            raise WorkflowError(file, f"{base}.to", f"unknown state {tr.to!r}")
        if tr.event not in track.events:
            raise WorkflowError(file, f"{base}.event", f"unknown event {tr.event!r}")
        _check_conditions(file, f"{base}.if", tr.if_)
        fields = track.events[tr.event].fields
        for key, values in tr.when.items():
            if key not in fields:
                raise WorkflowError(file, f"{base}.when.{key}", f"event {tr.event!r} has no field {key!r}")
            allowed = stages if fields[key].type == "stage" else set(fields[key].choices or [])
            for value in values:
                if value not in allowed:
                    raise WorkflowError(file, f"{base}.when.{key}", f"{value!r} is not one of {sorted(allowed)}")
    for name, event in track.events.items():
        _check_event(file, wf, name, event)
    revised = {key for event in track.events.values() for key in event.revises}
    declared = _declared_times(wf)
    choice_fields = {
        fname: set(f.choices or []) for e in track.events.values() for fname, f in e.fields.items() if f.choices
    }
    for event in track.events.values():
        for key, value in event.sets.items():
            choice_fields.setdefault(key, set()).add(value)
    for sname, stage in wf.stages.items():
        base = f"stages.{sname}"
        rules = _rules_of(f"{base}.due", stage.due)
        for i, variant in enumerate(stage.variants):
            rules += _rules_of(f"{base}.variants[{i}].due", variant.due)
        if stage.if_ongoing:
            rules.append((f"{base}.if_ongoing.then", stage.if_ongoing.then))
            if stage.if_ongoing.stage not in stages:
                raise WorkflowError(file, f"{base}.if_ongoing.stage", f"unknown stage {stage.if_ongoing.stage!r}")
        for path, rule in rules:
            if rule is None:
                continue
            _check_anchor(file, f"{path}.from", rule.from_, stages, revised, declared)
            given = [unit for unit in (rule.hours, rule.days, rule.months) if unit is not None]
            if rule.from_ != "request" and len(given) != 1:
                raise WorkflowError(file, path, "give exactly one of hours, days or months")
        if stage.provisional_from:
            _check_anchor(file, f"{base}.provisional_from", stage.provisional_from, stages)
        for i, variant in enumerate(stage.variants):
            if variant.provisional_from:
                _check_anchor(file, f"{base}.variants[{i}].provisional_from", variant.provisional_from, stages)
        applies = [(f"{base}.applies_when", stage.applies_when)]
        for i, variant in enumerate(stage.variants):
            _check_conditions(file, f"{base}.variants[{i}].when", variant.when)
            applies.append((f"{base}.variants[{i}].declared", variant.declared))
            if variant.applies_when is not None:
                applies.append((f"{base}.variants[{i}].applies_when", variant.applies_when))
        for path, when in applies:
            for key, values in when.items():
                if key not in choice_fields or not set(values) <= choice_fields[key]:
                    raise WorkflowError(
                        file, f"{path}.{key}", "must name a choice field of a track event and its values"
                    )
        for i, pid in enumerate(stage.recipients or []):
            if pid not in wf.recipients.parties:
                raise WorkflowError(file, f"{base}.recipients[{i}]", f"unknown party {pid!r}")
        named = [(f"{base}.fields", stage.fields)]
        named += [(f"{base}.variants[{i}].fields", v.fields) for i, v in enumerate(stage.variants) if v.fields]
        for path, fields in named:
            for i, fname in enumerate(fields):
                if fname not in facts and fname not in PROFILE_REFERENCES:
                    raise WorkflowError(file, f"{path}[{i}]", f"unknown fact {fname!r} (see workflows/facts.yaml)")
    _check_recipients(file, wf)
    _check_next_working_day(file, wf)
    _check_cli(file, wf)


def _check_cli(file: Path, wf: Workflow) -> None:
    flags = set(wf.cli.flags) | {"aware-at"}
    for name, flag in wf.cli.flags.items():
        base = f"cli.flags.{name}"
        meanings = [m for m in (flag.declares, flag.submits, flag.condition) if m]
        if len(meanings) != 1:
            raise WorkflowError(file, base, "give exactly one of declares, submits or condition")
        if flag.submits and flag.submits not in wf.stages:
            raise WorkflowError(file, f"{base}.submits", f"unknown stage {flag.submits!r}")
        if flag.condition:
            _check_conditions(file, f"{base}.condition", {flag.condition: None})
        for key in ("not_before", "needs"):
            for other in getattr(flag, key):
                if other not in flags:
                    raise WorkflowError(file, f"{base}.{key}", f"unknown flag {other!r}")


def _check_next_working_day(file: Path, wf: Workflow) -> None:
    extension = wf.next_working_day
    if extension is None:
        return
    for i, stage in enumerate(extension.stages):
        if stage not in wf.stages:
            raise WorkflowError(file, f"next_working_day.stages[{i}]", f"unknown stage {stage!r}")
    for i, exemption in enumerate(extension.not_for):
        _check_conditions(file, f"next_working_day.not_for[{i}].when", exemption.when)
        for j, stage in enumerate(exemption.stages):
            if stage not in extension.stages:
                raise WorkflowError(
                    file, f"next_working_day.not_for[{i}].stages[{j}]", f"{stage!r} is not a stage the rule extends"
                )


def _check_event(file: Path, wf: Workflow, name: str, event) -> None:  # noqa: ANN001
    base = f"track.events.{name}"
    if event.request:
        stage = wf.stages.get(event.request)
        if stage is None:
            raise WorkflowError(file, f"{base}.request", f"unknown stage {event.request!r}")
        if not stage.requested and (stage.due is None or stage.due.from_ != "request"):
            raise WorkflowError(file, f"{base}.request", "the stage must be due from: request, or say requested: true")
    if event.request_from and event.request_from not in wf.recipients.parties:
        raise WorkflowError(file, f"{base}.request_from", f"unknown party {event.request_from!r}")
    if event.settles and event.settles not in wf.stages:
        raise WorkflowError(file, f"{base}.settles", f"unknown stage {event.settles!r}")
    for i, stage in enumerate(event.settles_all):
        if stage not in wf.stages:
            raise WorkflowError(file, f"{base}.settles_all[{i}]", f"unknown stage {stage!r}")
    for i, key in enumerate(event.records):
        if key not in event.fields:
            raise WorkflowError(file, f"{base}.records[{i}]", f"event {name!r} has no field {key!r}")
    for key in event.sets:
        if key in event.fields:
            raise WorkflowError(file, f"{base}.sets.{key}", "the event asks for this field; it cannot also set it")
    for i, key in enumerate(event.revises):
        if key not in event.fields:
            raise WorkflowError(file, f"{base}.revises[{i}]", f"event {name!r} has no field {key!r}")
    for fname, field in event.fields.items():
        if field.type == "choice" and not field.choices:
            raise WorkflowError(file, f"{base}.fields.{fname}", "a choice field needs choices")
        for key, values in field.required_when.items():
            other = event.fields.get(key)
            if other is None or not other.choices or not set(values) <= set(other.choices):
                raise WorkflowError(
                    file, f"{base}.fields.{fname}.required_when.{key}", "must name a choice field of this event"
                )


def _check_conditions(file: Path, path: str, when: dict) -> None:
    for key in when:
        if key not in CONDITION_KEYS:
            raise WorkflowError(file, f"{path}.{key}", f"unknown condition; use one of {sorted(CONDITION_KEYS)}")


def _check_recipients(file: Path, wf: Workflow) -> None:
    # A misspelt sector or entity type would silently fall back to the default recipients: refuse it instead.
    routes = [
        ("by_sector", wf.recipients.by_sector, SECTORS, "sector"),
        ("by_entity_type", wf.recipients.by_entity_type, ENTITY_TYPES, "entity type"),
        ("by_dora_entity_type", wf.recipients.by_dora_entity_type, DORA_ENTITY_TYPES, "DORA entity type"),
    ]
    for table, mapping, known, kind in routes:
        for key, ids in mapping.items():
            path = f"recipients.{table}.{key}"
            if key not in known:
                raise WorkflowError(file, path, f"unknown {kind} {key!r} (see notifier/organisation/classification.py)")
            for pid in ids:
                if pid not in wf.recipients.parties:
                    raise WorkflowError(file, path, f"unknown party {pid!r}")
    for pid in wf.recipients.default:
        if pid not in wf.recipients.parties:
            raise WorkflowError(file, "recipients.default", f"unknown party {pid!r}")


def load_registry(directory: Path) -> Registry:
    directory = Path(directory)
    facts_file = directory / "facts.yaml"
    if not facts_file.exists():
        raise WorkflowError(facts_file, "", "file missing: the facts catalogue is required")
    catalogue = _validated(FactCatalogue, facts_file, _read_yaml(facts_file))
    versions: dict[str, list[Workflow]] = {}
    files: dict[tuple[str, int], Path] = {}
    for file in sorted(directory.glob("*.yaml")):
        if file.name == "facts.yaml":
            continue
        wf = _validated(Workflow, file, _read_yaml(file))
        # One file per version: <regime>.yaml, or <regime>.v<version>.yaml beside it for another version.
        if file.stem not in (wf.regime, f"{wf.regime}.v{wf.version}"):
            raise WorkflowError(
                file,
                "regime",
                f"must match the file name ({file.stem!r}): {wf.regime}.yaml or {wf.regime}.v<version>.yaml",
            )
        _check_workflow(file, wf, set(catalogue.facts))
        _check_pages(file, wf)
        for other in versions.get(wf.regime, []):
            if other.version == wf.version:
                raise WorkflowError(file, "version", f"{wf.regime} version {wf.version} is loaded twice")
            if other.applies_from == wf.applies_from:
                raise WorkflowError(
                    file, "applies_from", f"{wf.regime} version {other.version} applies from the same day"
                )
        versions.setdefault(wf.regime, []).append(wf)
        files[(wf.regime, wf.version)] = file
    if not versions:
        raise WorkflowError(directory, "", "no workflow files found")
    for loaded in versions.values():
        loaded.sort(key=lambda wf: wf.applies_from)
        _check_versions(files, loaded)
    today = clock.now().date()
    workflows = {
        regime: next((wf for wf in reversed(loaded) if wf.applies_from <= today), loaded[0])
        for regime, loaded in versions.items()
    }
    registry = Registry(facts=catalogue.facts, workflows=workflows, versions=versions)
    registry.event_models = build_event_models(registry)
    registry.hook_modules = {
        (hook, regime): _hook_module(files[(regime, wf.version)], f"hooks.{hook}", name, HOOK_NEEDS.get(hook))
        for regime, wf in workflows.items()
        for hook, name in wf.hooks.model_dump(by_alias=True).items()
        if name
    }
    _check_exports(files, registry)
    _check_fact_regimes(facts_file, registry)
    return registry


def _check_exports(files: dict[tuple[str, int], Path], registry: Registry) -> None:
    """A stage's `export` kind is one the regime's export hook builds (its module's KINDS)."""
    for wf in registry.workflows.values():
        module = registry.hook_modules.get(("export", wf.regime))
        for sname, stage in wf.stages.items():
            if stage.export is None:
                continue
            path = f"stages.{sname}.export"
            if module is None:
                raise WorkflowError(files[(wf.regime, wf.version)], path, "needs hooks.export naming the module")
            if stage.export not in getattr(module, "KINDS", ()):
                kinds = sorted(getattr(module, "KINDS", ()))
                raise WorkflowError(files[(wf.regime, wf.version)], path, f"unknown kind {stage.export!r} ({kinds})")


def _check_fact_regimes(file: Path, registry: Registry) -> None:
    """A fact of a regime this installation does not load stays in the catalogue, never asked: an operator may ship a
    subset of the workflows with the project's facts.yaml unchanged. It is named in the log, so a misspelt regime
    does not go unnoticed."""
    for key, fact in registry.facts.items():
        absent = [regime for regime in fact.regimes or [] if regime not in registry.versions]
        if absent:
            log.warning("workflow.fact_for_absent_regime", file=str(file), fact=key, regimes=absent)
        if fact.maximum is not None and fact.type != "int":
            raise WorkflowError(file, f"facts.{key}.maximum", "only an int fact has a maximum")
    # Without one the information request would ask a processor nothing, and its reply page would take nothing.
    if not any(fact.processor for fact in registry.facts.values()):
        raise WorkflowError(file, "facts", "no fact has processor: true (what a processor can answer)")


def _check_versions(files: dict[tuple[str, int], Path], loaded: list[Workflow]) -> None:
    """A newer version must still know every stage and state a running track of an older one may hold: the pages,
    filings and reminders of that track are drawn from today's version."""
    newest = loaded[-1]
    for older in loaded[:-1]:
        file = files[(newest.regime, newest.version)]
        for stage in older.stages:
            if stage not in newest.stages:
                raise WorkflowError(file, "stages", f"drops stage {stage!r} of version {older.version}")
        for state in older.track.states:
            if state not in newest.track.states:
                raise WorkflowError(file, "track.states", f"drops state {state!r} of version {older.version}")


# What a hook module must define for the engine to use it (the assistant's interface: notifier/regimes/assistant.py).
HOOK_NEEDS = {"assessment": "ASSISTANT"}


def _hook_module(file: Path, path: str, name: str, needs: str | None = None) -> Any:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise WorkflowError(file, path, f"cannot import module {name!r}: {exc}") from None
    if needs and not hasattr(module, needs):
        raise WorkflowError(file, path, f"module {name!r} defines no {needs}")
    return module


def _check_pages(file: Path, wf: Workflow) -> None:
    """What the pages draw from the workflow names things that exist: choice labels, creation answers and fields."""
    for ename, event in wf.track.events.items():
        if event.submission and ename != SUBMITTED:
            # The pages' confirm form, the filings check and the audit trail find a filing by this name.
            raise WorkflowError(
                file, f"track.events.{ename}.submission", f"the submission event must be named {SUBMITTED!r}"
            )
        for key in event.show_when:
            if not any(key in e.fields or key in e.sets for e in wf.track.events.values()):
                raise WorkflowError(file, f"track.events.{ename}.show_when.{key}", "no event has this field")
        for fname, field in event.fields.items():
            unknown = set(field.choice_labels) - set(field.choices or [])
            if unknown:
                raise WorkflowError(
                    file, f"track.events.{ename}.fields.{fname}.choice_labels", f"not a choice: {sorted(unknown)}"
                )
    if wf.creation is None:
        return
    for i, answer in enumerate(wf.creation.answers):
        event = wf.track.events.get(answer.event)
        if event is None:
            raise WorkflowError(file, f"creation.answers[{i}].event", f"unknown event {answer.event!r}")
        for key in answer.sets:
            if key not in event.fields:
                raise WorkflowError(file, f"creation.answers[{i}].sets.{key}", f"{answer.event} has no such field")
    events = [wf.track.events[a.event] for a in wf.creation.answers]
    for fname in wf.creation.fields:
        if not any(fname in event.fields for event in events):
            raise WorkflowError(file, "creation.fields", f"no answer's event has a field {fname!r}")
