"""The shape of a workflow file. Cross-references are checked in loader.py so errors can name the path."""

from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from notifier.i18n import pick
from notifier.organisation.roles import ContactRole

SAME = "same"
# Declaration keys the engine writes: stage -> the event that settled it; declaration key -> when it was revised.
SETTLED = "settled"
REVISED_AT = "revised_at"
# What a variant or a transition may depend on besides the event itself: the organisation profile
# (notifier/organisation/service.py conditions()).
CONDITION_KEYS = {
    "organisation.trust_service_provider",
    "organisation.sector",
    "organisation.entity_type",
    "organisation.dora_entity_type",  # DORA: the ESAs' affectedEntityType values
    "organisation.country",  # ISO 3166 alpha-2 of the member state (DORA's bank holidays)
    "organisation.dora_no_weekend_extension",  # 2025/301 art. 5(5) and (6)
}


def matches(when: dict[str, Any], values: dict[str, Any]) -> bool:
    """Every key's value is the expected one (or one of the expected list)."""
    for key, expected in when.items():
        allowed = expected if isinstance(expected, list) else [expected]
        if values.get(key) not in allowed:
            return False
    return True


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Text(Strict):
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return pick(lang, self.nl, self.en)


class FactDef(Strict):
    type: Literal["text", "datetime", "bool", "int", "choice", "multichoice"]
    label: Text
    choices: list[str] | None = None
    # Asked on the incident page only once a duty the incident has declared has a stage that names it (facts only
    # one regime's reports ask for, which every other incident would otherwise show as empty fields).
    only_when_asked: bool = False
    # A fact only one regime's reports ask for (DORA's classification criteria): kept off the pages and refused by
    # the writers for an incident none of these regimes applies to. None: every incident.
    regimes: list[str] | None = None
    maximum: int | None = None  # an int fact's upper bound (a percentage: 100)
    # A processor can know it (notifier/processors): asked in the information request, accepted on the reply page.
    processor: bool = False


class FactCatalogue(Strict):
    facts: dict[str, FactDef]


# Facts about the incident outside the event that can make a field required (notifier/incidents/service.py).
# A processor informed us before the awareness time entered (notifier/processors/awareness.py).
PROCESSOR_INFORMED = "processor_informed_before_awareness"
REQUIRED_IF = Literal["processor_informed_before_awareness"]


class EventField(Strict):
    # `product`: a product of the organisation's register (notifier/products), given by its id or name; the
    # declaration keeps a copy of its name, version and member states.
    type: Literal["datetime", "text", "choice", "stage", "bool", "int", "product"]
    required: bool = False
    not_future: bool = False
    choices: list[str] | None = None
    # Required when other fields of the same event have these values (e.g. art. 34(3)(c) needs the public
    # communication); `because` is the reason the 422 gives.
    required_when: dict[str, list[str]] = Field(default_factory=dict)
    required_if: REQUIRED_IF | None = None
    because: str = ""
    # How the pages show the field (notifier/web/event_forms.py); the API takes the names as they are.
    label: Text | None = None
    help: Text | None = None
    choice_labels: dict[str, Text] = Field(default_factory=dict)
    single_line: bool = False  # a text field as one line instead of a text area
    default_now: bool = False  # a time field filled with "now" on an empty form


class EventDef(Strict):
    starts_clock: bool = False
    submission: bool = False
    request: str | None = None
    # The party that makes the request (recipients.parties); recorded as requester with the event's reference.
    request_from: str | None = None
    # Declaration keys this event replaces, with the track's reasoning (a revised assessment). The anchor
    # "revised:<key>" is the moment the key last changed value through such an event, or the track's awareness when
    # the declaring event set it and no revision changed it since.
    revises: list[str] = Field(default_factory=list)
    # A stage this event settles without a filing (an art. 34(3) exception): it is no longer owed; the event's
    # fields are kept in the declaration under the event's name, and the assessment's reasoning stays.
    settles: str | None = None
    fields: dict[str, EventField] = Field(default_factory=dict)
    # The form on the track card: an event with a label gets one (a submission is confirmed on its report's card).
    label: Text | None = None
    button: Text | None = None  # the form's button, when it is not the label
    help: Text | None = None
    # Shown only while the track's declaration matches (e.g. the art. 34(3) exception needs a high risk), and with
    # `once` only until the event is in the declaration.
    show_when: dict[str, list[str]] = Field(default_factory=dict)
    once: bool = False
    # Declaration values the event itself sets (the CRA's two kinds of duty: `kind: vulnerability`).
    sets: dict[str, str] = Field(default_factory=dict)
    # Fields kept in the declaration under their own names without restarting the clock (DORA's recovered_at,
    # the CRA's available_at); a stage anchors on one with `at:<field>`.
    records: list[str] = Field(default_factory=list)
    # Stages this event settles without a filing (a reclassification as non-major ends the DORA reports).
    settles_all: list[str] = Field(default_factory=list)


class StateDef(Strict):
    description: str = ""
    active: bool = False
    label: Text | None = None  # what the pages call the state; else its name


class Transition(Strict):
    from_: list[str] = Field(alias="from")
    event: str
    when: dict[str, list[str]] = Field(default_factory=dict)
    # Organisation conditions (CONDITION_KEYS), e.g. a telecom provider's breach is notifiable whatever the risk.
    if_: dict[str, Any] = Field(default_factory=dict, alias="if")
    to: str


class Track(Strict):
    initial: str
    states: dict[str, StateDef]
    events: dict[str, EventDef]
    transitions: list[Transition]


class DueRule(Strict):
    """Anchors: aware, request, resolved, submitted:<stage> (the first filing), latest:<stage>[+<stage>...] (the
    latest filing of any of those stages), due:<stage>, revised:<key>, at:<declared time> (a time an event put in the
    declaration, e.g. at:classified_at)."""

    from_: str = Field(alias="from")
    hours: int | None = Field(default=None, gt=0)
    months: int | None = Field(default=None, gt=0)
    # "Within N days" (CRA): the earlier of N x 24 h and the same local time N days later (reference section 5).
    days: int | None = Field(default=None, gt=0)
    # An organisation's own target where the law says only "without undue delay": planned and reminded like a
    # deadline, but shown as a target, not a legal deadline.
    target: bool = False
    # "... but no later than": the earlier of the two, unless this rule's own anchor lies after that limit (DORA's
    # initial notification: 4 h from classification, no later than 24 h from awareness; an incident classified as
    # major after those 24 h: 4 h from the classification, 2025/301 art. 5).
    no_later_than: "DueRule | None" = None


class Variant(Strict):
    when: dict[str, Any] = Field(default_factory=dict)
    # Declaration values the variant needs besides the organisation conditions (the CRA's kind of duty).
    declared: dict[str, list[str]] = Field(default_factory=dict)
    # None: the stage's own rule (a variant that only changes what the report must hold).
    due: DueRule | None = None
    legal_basis: str = ""
    # Replaces the stage's fields when given (the CRA's incident reports ask other things than its vulnerability's).
    fields: list[str] | None = None
    # Replaces the stage's applies_when when given; {} means the stage applies to every declaration.
    applies_when: dict[str, list[str]] | None = None
    # Replaces the stage's provisional_from when given.
    provisional_from: str | None = None


class Exemption(Strict):
    """Where the extension does not apply: these stages, for organisations matching `when`."""

    stages: list[str]
    when: dict[str, Any]


class NextWorkingDay(Strict):
    """A time limit that falls on a weekend day or a public holiday of the organisation's member state may be met by
    `at` (local time) on the next working day (DORA: 2025/301 art. 5). Holidays come from the `holidays` package for
    the organisation's country."""

    at: str = Field(default="12:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    legal_basis: str
    stages: list[str]
    not_for: list[Exemption] = Field(default_factory=list)


class IfOngoing(Strict):
    stage: str
    then: DueRule


class StageDef(Strict):
    title: Text
    legal_basis: str = ""
    due: DueRule | None = None
    variants: list[Variant] = Field(default_factory=list)
    provisional_from: str | None = None
    if_ongoing: IfOngoing | None = None
    applies_when: dict[str, list[str]] = Field(default_factory=dict)
    late_requires: list[str] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)
    # Parties (recipients.parties) this stage goes to instead of the sector routing, e.g. data subjects (art. 34).
    recipients: list[str] | None = None
    # Besides its own rule, a request (an event with `request: <stage>`) makes it due by the requested date,
    # whatever applies_when says (the AP can demand the art. 34 communication, art. 34(4)).
    requested: bool = False
    # A stage whose anchor has not happened yet is still owed, with no due date, when it says what it waits for
    # (the CRA's final report on a vulnerability: 14 days after a fix is available).
    waits_for: Text | None = None
    # The kind of structured report the regime's export hook builds for this stage (DORA: the schema's
    # incidentSubmission); None: the stage has no export.
    export: str | None = None
    # An action the officer may take, not a duty the law sets (a follow-up, correction or withdrawal of a filed
    # notification): it has no deadline, and the incident page offers it apart from the reports that are owed.
    optional: bool = False

    @model_validator(mode="after")
    def _optional_is_never_due(self) -> "StageDef":
        if self.optional and (self.due is not None or self.requested or self.waits_for is not None):
            raise ValueError("an optional stage is not owed: it can have no due, requested or waits_for")
        return self

    def variant_for(self, conditions: dict[str, Any], declaration: dict[str, Any] | None = None) -> Variant | None:
        """The first variant whose organisation conditions (and declared values) hold, if any."""
        return next(
            (v for v in self.variants if matches(v.when, conditions) and matches(v.declared, declaration or {})),
            None,
        )

    def rule_for(
        self, conditions: dict[str, Any], declaration: dict[str, Any] | None = None
    ) -> tuple[DueRule | None, str]:
        variant = self.variant_for(conditions, declaration)
        if variant is not None:
            return variant.due or self.due, variant.legal_basis or self.legal_basis
        return self.due, self.legal_basis

    def fields_for(self, conditions: dict[str, Any], declaration: dict[str, Any] | None = None) -> list[str]:
        """What the report must hold for this declaration: the variant's fields where it names them."""
        variant = self.variant_for(conditions, declaration)
        return variant.fields if variant is not None and variant.fields is not None else self.fields

    def every_field(self) -> list[str]:
        """The fields of the stage and of all its variants (which facts the stage can ask for)."""
        out = list(self.fields)
        for variant in self.variants:
            out += [f for f in variant.fields or [] if f not in out]
        return out

    def applies(self, declaration: dict[str, Any], conditions: dict[str, Any], name: str | None = None) -> bool:
        """Whether this stage is owed for that declaration (e.g. the AP notification only for a breach with risk).

        `name` is this stage's name: a stage an event settled (EventDef.settles) is owed no more.
        """
        if name is not None and name in (declaration.get(SETTLED) or {}):
            return False
        variant = self.variant_for(conditions, declaration)
        when = variant.applies_when if variant is not None and variant.applies_when is not None else self.applies_when
        return matches(when, declaration)


class Party(Strict):
    role: str
    name: str
    channel: Text
    # The recipient's public web form (or the page that opens it), linked from the report card; only URLs the
    # recipient publishes, so a party without one has none rather than a guess.
    url: str | None = Field(default=None, pattern=r"^https://")


class Recipients(Strict):
    parties: dict[str, Party]
    # An entity type routed apart from its sector (medical devices: a manufacturing type supervised in health care).
    by_entity_type: dict[str, list[str]] = Field(default_factory=dict)
    # DORA: the supervisor follows the financial entity's type (DNB or AFM), checked first.
    by_dora_entity_type: dict[str, list[str]] = Field(default_factory=dict)
    by_sector: dict[str, list[str]] = Field(default_factory=dict)
    default: list[str]

    def for_sector(
        self, sector: str | None, entity_type: str | None = None, dora_entity_type: str | None = None
    ) -> list[tuple[str, Party]]:
        ids = (
            self.by_dora_entity_type.get(dora_entity_type or "")
            or self.by_entity_type.get(entity_type or "")
            or self.by_sector.get(sector or "", self.default)
        )
        return [(pid, self.parties[pid]) for pid in ids]

    def for_stage(
        self,
        stage: "StageDef",
        sector: str | None,
        entity_type: str | None = None,
        dora_entity_type: str | None = None,
    ) -> list[tuple[str, Party]]:
        if stage.recipients is not None:
            return [(pid, self.parties[pid]) for pid in stage.recipients]
        return self.for_sector(sector, entity_type, dora_entity_type)


class ReminderLadder(Strict):
    """When officers are reminded of an open deadline and who gets the mail (notifier/reminders)."""

    before_hours: list[int] = Field(default_factory=lambda: [12, 4, 1])
    at_deadline: bool = True
    overdue_every_hours: int = Field(default=4, gt=0)
    to: list[ContactRole] = Field(default_factory=lambda: ["reporting_officer"])
    cc: list[ContactRole] = Field(default_factory=lambda: ["deputy", "ciso"])
    # "at": the deadline passing unfiled is the first overdue notice; "overdue": only from the first repeat.
    cc_from: Literal["at", "overdue"] = "at"
    # Copied on every step, from the first reminder on (the AVG's data protection officer must know of every breach).
    always_cc: list[ContactRole] = Field(default_factory=list)


class CreationAnswer(Strict):
    value: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Text
    event: str
    # Event fields the answer itself gives (the AVG question's answer is the risk).
    sets: dict[str, str] = Field(default_factory=dict)


class Creation(Strict):
    """The question on the new-incident page that declares this regime's track right away (optional)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # the form field of the answer
    question: Text
    help: Text | None = None
    unknown: Text  # the answer "not known yet": no event
    answers: list[CreationAnswer]
    # Fields of the answer's event asked beside it, as "<regime>_<field>" in the form.
    fields: list[str] = Field(default_factory=list)


class Hooks(Strict):
    """Python modules a regime adds to the engine, imported by the loader (notifier/workflow/loader.py).

    assessment: the assistant (a module with an `ASSISTANT`, notifier/regimes/assistant.py: questions,
    thresholds, words); its confirmation posts this regime's positive or negative event. register: the breach
    register (rows, CSV) over this regime's tracks. export: the structured report a supervisor's portal takes
    (notifier/submissions/exports.py), for the stages that name an `export` kind."""

    assessment: str | None = None
    register_: str | None = Field(default=None, alias="register")  # `register` is a BaseModel attribute
    export: str | None = None


class CliFlag(Strict):
    """What one `notifier deadlines` flag means for this regime (the CLI itself knows no regime)."""

    declares: str | None = None  # a declaration key the flag's value is
    submits: str | None = None  # the stage whose (first) submission time it gives
    condition: str | None = None  # an organisation condition (CONDITION_KEYS)
    required: bool = False
    # Flags (or aware-at) whose time this one may not precede, and flags it needs beside it.
    not_before: list[str] = Field(default_factory=list)
    needs: list[str] = Field(default_factory=list)
    # Only with these declared values (the CRA's fix is a vulnerability's).
    only_when: dict[str, list[str]] = Field(default_factory=dict)


class Cli(Strict):
    # What the command answers for that no flag gives (the AVG: a breach that must be notified).
    declaration: dict[str, Any] = Field(default_factory=dict)
    flags: dict[str, CliFlag] = Field(default_factory=dict)


class Workflow(Strict):
    regime: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    # Several versions of one regime can be loaded; a track keeps the version in force when its clock started
    # (reference section 8), so editing a regime never moves a running deadline.
    version: int = Field(gt=0)
    applies_from: date
    title: Text
    # The badge beside a duty on the pages ("AVG" on a Dutch page, "GDPR" on an English one); the code upper-cased
    # when absent.
    short: Text | None = None
    legal_basis: str = ""
    # Where the regime comes in lists across regimes (the timeline's rows): lower first, then by name.
    order: int = 100
    # Shown on the track card when the organisation's profile gives it no track of this regime (regime_notices).
    notice: Text | None = None
    creation: Creation | None = None
    hooks: Hooks = Field(default_factory=Hooks)
    track: Track
    stages: dict[str, StageDef]
    recipients: Recipients
    reminders: ReminderLadder = Field(default_factory=ReminderLadder)
    next_working_day: NextWorkingDay | None = None
    cli: Cli = Field(default_factory=Cli)

    def state_label(self, state: str, lang: str) -> str:
        definition = self.track.states.get(state)
        if definition is None or definition.label is None:
            return state.replace("_", " ")
        return definition.label.get(lang)

    def event_type(self, event: str) -> str:
        return f"{self.regime}.{event}"

    def is_target(self, stage: str, sequence: int) -> bool:
        """An organisation target, not a legal deadline (requested dates, sequence >= 1, are the requester's)."""
        definition = self.stages.get(stage)
        return bool(definition and definition.due and definition.due.target and sequence == 0)


class Registry(BaseModel):
    """Every loaded regime plus the facts catalogue; built once at start-up."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    facts: dict[str, FactDef]
    # The version of each regime in force today (what a new track starts with unless its clock started earlier).
    workflows: dict[str, Workflow]
    # Every loaded version of each regime, oldest applies_from first.
    versions: dict[str, list[Workflow]] = Field(default_factory=dict)
    # Built once by the loader from the workflows (notifier/workflow/events.py): event type -> pydantic model.
    event_models: dict[str, Any] = Field(default_factory=dict)
    # Imported hook modules: (hook name, regime) -> module.
    hook_modules: dict[tuple[str, str], Any] = Field(default_factory=dict)

    def get(self, regime: str) -> Workflow | None:
        return self.workflows.get(regime)

    def version_at(self, regime: str, instant: datetime | date | None) -> Workflow | None:
        """The version in force at that instant (its UTC date): the latest applies_from on or before it; before the
        first version's date, the first version."""
        versions = self.versions.get(regime) or ([self.workflows[regime]] if regime in self.workflows else [])
        if not versions or instant is None:
            return self.workflows.get(regime)
        day = instant.date() if isinstance(instant, datetime) else instant
        if isinstance(instant, datetime) and instant.tzinfo is not None:
            day = instant.astimezone(UTC).date()
        in_force = [wf for wf in versions if wf.applies_from <= day]
        return in_force[-1] if in_force else versions[0]

    def of_version(self, regime: str, version: int | None) -> Workflow | None:
        """A track's frozen version; None (a track from before versions were recorded): today's."""
        if version is not None:
            for wf in self.versions.get(regime, []):
                if wf.version == version:
                    return wf
        return self.workflows.get(regime)

    # Derived once: the workflows do not change after loading, and the board asks for every incident it shows.
    @cached_property
    def ordered(self) -> list[Workflow]:
        """The regimes in their `order`, then by name."""
        return sorted(self.workflows.values(), key=lambda wf: (wf.order, wf.regime))

    @cached_property
    def rank(self) -> dict[str, int]:
        """regime -> its place in `ordered` (the timeline's rows)."""
        return {wf.regime: rank for rank, wf in enumerate(self.ordered)}

    def hooked(self, hook: str) -> tuple[Workflow, Any] | None:
        """The (first) regime that names a module for this hook, with the module; None if no regime does."""
        found = self.hooked_all(hook)
        return found[0] if found else None

    def hooked_all(self, hook: str) -> list[tuple[Workflow, Any]]:
        """Every regime that names a module for this hook (several have an assistant), in their order."""
        return [
            (wf, self.hook_modules[(hook, wf.regime)]) for wf in self.ordered if (hook, wf.regime) in self.hook_modules
        ]
