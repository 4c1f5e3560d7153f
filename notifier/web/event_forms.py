"""The pages' forms drawn from the workflow: the track card's event forms and the new-incident page's questions.

What a field looks like comes from its definition (type, required, choices) and the labels the workflow gives; a
field without its own label takes the pages' word for its name (aware_at, reasoning, due: one text across regimes).
"""

from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from notifier.web.forms import local_input
from notifier.web.i18n import MESSAGES, t
from notifier.workflow.schema import EventDef, EventField, Registry, Workflow, matches


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # input | textarea | select | hidden
    input_type: str = "text"
    help: str = ""
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    default_now: bool = False
    not_future: bool = False  # the input's max is now (a time that records what has happened)
    offered: str = ""  # a value the empty field starts with, e.g. the awareness another track already recorded


@dataclass(frozen=True)
class EventForm:
    type: str
    label: str
    button: str
    fields: list[FormField]


@dataclass(frozen=True)
class CreationQuestion:
    regime: str
    name: str
    question: str
    help: str
    options: list[tuple[str, str]]  # (value, label), "not known yet" first
    fields: list[FormField]


def _word(key: str, lang: str) -> str:
    return t(key, lang) if key in MESSAGES else ""


def form_field(name: str, definition: EventField, lang: str, *, form_name: str | None = None,
               required: bool | None = None, products: list[tuple[str, str]] | None = None) -> FormField:  # fmt: skip
    label = definition.label.get(lang) if definition.label else (_word(name, lang) or name.replace("_", " "))
    help_text = definition.help.get(lang) if definition.help else _word(f"{name}_help", lang)
    needed = definition.required if required is None else required
    common: dict[str, Any] = {"name": form_name or name, "label": label, "help": help_text, "required": needed}
    match definition.type:
        case "datetime":
            return FormField(
                kind="input",
                input_type="datetime-local",
                default_now=definition.default_now,
                not_future=definition.not_future,
                **common,
            )
        case "choice":
            options = [
                (value, definition.choice_labels[value].get(lang) if value in definition.choice_labels else value)
                for value in definition.choices or []
            ]
            return FormField(kind="select", options=options, **common)
        case "bool":
            return FormField(kind="select", options=[("true", t("yes", lang)), ("false", t("no", lang))], **common)
        case "int":
            return FormField(kind="input", input_type="number", **common)
        case "stage":
            return FormField(kind="hidden", **common)
        case "product":
            return FormField(kind="select", options=list(products or []), **common)
        case _:
            return FormField(kind="input" if definition.single_line else "textarea", **common)


def _shown(event: EventDef, name: str, declaration: dict[str, Any]) -> bool:
    if event.label is None or event.submission:
        return False
    if event.once and declaration.get(name):
        return False
    return matches(event.show_when, declaration)


def track_forms(
    wf: Workflow,
    allowed: set[str],
    declaration: dict[str, Any],
    lang: str,
    products: list[tuple[str, str]] | None = None,
    offer: "Offer | None" = None,
) -> list[EventForm]:
    """The event forms of a track card: events the state machine accepts now, in the workflow's order. `products`:
    the register's (id, text) for a product field's select; `offer`: values for the empty fields of the events that
    start the clock (offered_awareness)."""
    forms = []
    for name, event in wf.track.events.items():
        type_name = wf.event_type(name)
        if type_name not in allowed or not _shown(event, name, declaration):
            continue
        label = event.label.get(lang)
        forms.append(
            EventForm(
                type=type_name,
                label=label,
                button=event.button.get(lang) if event.button else label,
                fields=[
                    _offered(form_field(fname, f, lang, products=products), offer if event.starts_clock else None, lang)
                    for fname, f in event.fields.items()
                ],
            )
        )
    return forms


@dataclass(frozen=True)
class Offer:
    values: dict[str, str]  # form field -> datetime-local value
    source: str  # where the values come from, as the page names it (the other duty's title)


def offered_awareness(tracks: list[Any], titles: dict[str, str], zone: ZoneInfo) -> dict[str, Offer]:
    """Per regime whose track has no awareness yet: the awareness another track of the incident already recorded
    (the earliest), so the officer who declared one duty does not type the same moment again for the next one.
    `titles`: regime -> the workflow's title in the reader's language."""
    known = sorted((tr.aware_at, tr.regime) for tr in tracks if tr.aware_at is not None and tr.regime in titles)
    out: dict[str, Offer] = {}
    for tr in tracks:
        if tr.aware_at is not None:
            continue
        other = next(((at, regime) for at, regime in known if regime != tr.regime), None)
        if other is not None:
            out[tr.regime] = Offer({"aware_at": local_input(other[0], zone)}, titles[other[1]])
    return out


def _offered(form_field_: FormField, offer: Offer | None, lang: str) -> FormField:
    if offer is None or form_field_.name not in offer.values:
        return form_field_
    help_text = " ".join(p for p in (form_field_.help, t("offered_from", lang).format(source=offer.source)) if p)
    return replace(form_field_, offered=offer.values[form_field_.name], help=help_text)


def creation_questions(registry: Registry, lang: str) -> list[CreationQuestion]:
    """The new-incident page's question per regime that has one; fields named "<regime>_<field>"."""
    questions = []
    for wf in registry.ordered:
        creation = wf.creation
        if creation is None:
            continue
        events = [wf.track.events[a.event] for a in creation.answers]
        fields = []
        for fname in creation.fields:
            definition = next(e.fields[fname] for e in events if fname in e.fields)
            # Optional here: the answer "not known yet" needs none of them; the event says what it requires.
            fields.append(form_field(fname, definition, lang, form_name=f"{wf.regime}_{fname}", required=False))
        questions.append(
            CreationQuestion(
                regime=wf.regime,
                name=creation.name,
                question=creation.question.get(lang),
                help=creation.help.get(lang) if creation.help else "",
                options=[("", creation.unknown.get(lang))] + [(a.value, a.label.get(lang)) for a in creation.answers],
                fields=fields,
            )
        )
    return questions


def declared(wf: Workflow, declaration: dict[str, Any], lang: str) -> list[tuple[str, str, Any, str]]:
    """What the track's declaration holds beyond awareness and reasoning, as (name, label, value, type): the fields the
    workflow labels on the events that start the clock or record a moment (the CRA's product, DORA's
    classification and recovery), so the track card shows what the duty was declared for."""
    out: list[tuple[str, str, Any, str]] = []
    seen: set[str] = set()
    for event in wf.track.events.values():
        if not (event.starts_clock or event.records):
            continue
        for name, definition in event.fields.items():
            if name in seen or name in ("aware_at", "reasoning") or definition.label is None:
                continue
            value = declaration.get(name)
            if value in (None, ""):
                continue
            seen.add(name)
            if definition.type == "product" and isinstance(value, dict):
                value = product_text(value, lang)
            out.append((name, definition.label.get(lang), value, definition.type))
    return out


def product_text(product: dict[str, Any], lang: str) -> str:
    """A product as the track card and the select show it: name, version and the member states."""
    states = ", ".join(product.get("member_states") or [])
    return t("product_text", lang).format(name=product.get("name"), version=product.get("version"), states=states)
