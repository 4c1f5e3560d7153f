"""Form input to typed values, with errors keyed by the form field so the page can show them next to it."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from notifier import instants
from notifier.errors import FieldProblem
from notifier.workflow.schema import FactDef

FACT_PREFIX = "fact_"


class FormErrors(Exception):
    """One message per field name; the page re-renders with the input kept."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def local_input(value: datetime | str | None, zone: ZoneInfo) -> str:
    """An instant as a datetime-local value in the organisation's zone."""
    value = instants.as_instant(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    local = instants.local(value, zone)
    return f"{local.year:04d}-{local:%m-%dT%H:%M}"


def local_seconds(value: datetime, zone: ZoneInfo) -> str:
    """The wall clock of the organisation's zone to the second, where the "Now" button counts on from (app.js): the
    minute of local_input alone would leave the button up to a minute behind."""
    local = instants.local(value, zone)
    return f"{local.year:04d}-{local:%m-%dT%H:%M:%S}"


def parse_local(field: str, raw: str | None, zone: ZoneInfo, *, required: bool = False) -> datetime | None:
    """A datetime-local value (wall clock of the organisation's zone) as an aware UTC instant."""
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise FieldProblem(field, "is required")
        return None
    try:
        wall = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise FieldProblem(field, "is not a date and time (dd-mm-yyyy hh:mm)") from exc
    if wall.tzinfo is None:
        wall = wall.replace(tzinfo=zone)
    try:
        return instants.check(wall)
    except instants.InstantError as exc:
        raise FieldProblem(field, str(exc)) from exc


REQUIRED = {"nl": "Dit veld is verplicht.", "en": "This field is required."}
# A date the browser could not read (a six-digit year typed into a datetime-local input) arrives as an empty
# value: for a field that was on the posted form, "required" would blame the officer for leaving it out.
UNREADABLE = {
    "nl": "Datum/tijd niet herkend: gebruik dd-mm-jjjj uu:mm",
    "en": "Date/time not recognised: use dd-mm-yyyy hh:mm",
}
CHOOSE = {"nl": "Kies een van de mogelijkheden.", "en": "Choose one of the options."}
WHOLE = {"nl": "Vul een geheel getal in.", "en": "Enter a whole number."}
NUMBER = {"nl": "Vul een getal in.", "en": "Enter a number."}
AT_LEAST = {"nl": "Vul een getal van ten minste {n} in.", "en": "Enter a number of at least {n}."}
AT_MOST = {"nl": "Vul een getal van ten hoogste {n} in.", "en": "Enter a number of at most {n}."}
# The widest integer column (ids, counts and amounts are 32-bit INTEGER on PostgreSQL).
MAX_INT = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def say(messages: dict[str, str], lang: str, **values: Any) -> str:
    return messages.get(lang, messages["en"]).format(**values)


def form_int(field: str, raw: str | None, lang: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A whole number typed in a form (thousands separators ".", "," and spaces allowed), or None when empty.

    ASCII digits only and at most as many as the bound has: int() reads "²" as a digit but refuses it, and refuses
    more than 4,300 digits, both as ValueError (a 500 when it escaped); a negative sign is refused like any letter.
    """
    text = (raw or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return None
    if not _DIGITS.fullmatch(text):
        raise FieldProblem(field, say(WHOLE, lang))
    if len(text) > len(str(maximum)) or int(text) > maximum:
        raise FieldProblem(field, say(AT_MOST, lang, n=maximum))
    value = int(text)
    if value < minimum:
        raise FieldProblem(field, say(AT_LEAST, lang, n=minimum))
    return value


def form_number(field: str, raw: str | None, lang: str, *, maximum: float = 1e15) -> float | None:
    """A finite number of 0 or more typed in a form ("," or "." as the decimal mark), or None when empty.

    float() reads "nan", "inf", "1e999" and "-5", none of which is an answer; only plain digits are taken.
    """
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None
    if not _NUMBER.fullmatch(text) or len(text) > 40:
        raise FieldProblem(field, say(NUMBER, lang))
    value = float(text.replace(",", "."))
    if value > maximum:
        raise FieldProblem(field, say(AT_MOST, lang, n=f"{maximum:.0f}"))
    return value


def validation_errors(exc: ValidationError, prefix: str = "", lang: str = "en") -> dict[str, str]:
    """pydantic's errors by form field; the common ones in the user's language, the rest as pydantic says them."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = prefix + ("_".join(loc) if loc else "form")
        kind = error.get("type", "")
        limit = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("le"))
        if kind in {"missing", "string_too_short"}:
            message = REQUIRED.get(lang, REQUIRED["en"])
        elif kind in {"literal_error", "enum"}:
            message = CHOOSE.get(lang, CHOOSE["en"])
        elif kind in {"int_parsing", "int_parsing_size", "int_type", "int_from_float"}:
            message = say(WHOLE, lang)
        elif kind in {"float_parsing", "float_type", "finite_number"}:
            message = say(NUMBER, lang)
        elif kind == "greater_than_equal" and limit is not None:
            message = say(AT_LEAST, lang, n=limit)
        elif kind == "less_than_equal" and limit is not None:
            message = say(AT_MOST, lang, n=limit)
        else:
            message = error.get("msg", "invalid")
        out.setdefault(name, message)
    return out


def event_values(
    model: type[BaseModel], data: dict[str, str], zone: ZoneInfo, event_type: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The event body from a form: datetime fields read in the organisation's zone, empty text means absent."""
    values: dict[str, Any] = {"type": event_type}
    errors: dict[str, str] = {}
    for name, info in model.model_fields.items():
        if name == "type":
            continue
        raw = (data.get(name) or "").strip()
        annotation = str(info.annotation)
        if not raw:
            if info.annotation is bool or annotation == "bool | None":
                values[name] = False if info.is_required() else None
            continue
        if "datetime" in annotation.lower():
            try:
                values[name] = parse_local(name, raw, zone)
            except FieldProblem as exc:
                errors[name] = exc.message
        else:
            values[name] = raw
    return values, errors


def posted_empty(data: dict[str, str], name: str) -> bool:
    """The form had the field and it came back empty (for a date/time: possibly one the browser could not read)."""
    return name in data and not (data.get(name) or "").strip()


def event_from_form(
    model: type[BaseModel], data: dict[str, str], zone: ZoneInfo, event_type: str, lang: str = "en"
) -> BaseModel:
    values, errors = event_values(model, data, zone, event_type)
    try:
        event = model.model_validate(values)
    except ValidationError as exc:
        errors = {**validation_errors(exc, lang=lang), **errors}
        for name, info in model.model_fields.items():
            if name in errors and "datetime" in str(info.annotation).lower() and posted_empty(data, name):
                errors[name] = say(UNREADABLE, lang)
        raise FormErrors(errors) from exc
    if errors:
        raise FormErrors(errors)
    return event


def fact_changes(
    catalogue: dict[str, FactDef], data: dict[str, str], zone: ZoneInfo, lang: str = "en"
) -> dict[str, Any]:
    """Changes for submissions.facts.update from `fact_<key>` fields; only facts present in the form change."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, fact in catalogue.items():
        name = FACT_PREFIX + key
        if name not in data:
            continue
        raw = data[name].strip()
        try:
            changes[key] = _fact_value(name, fact, raw, zone, lang)
        except FieldProblem as exc:
            errors[name] = exc.message
    if errors:
        raise FormErrors(errors)
    return changes


def _fact_value(name: str, fact: FactDef, raw: str, zone: ZoneInfo, lang: str = "en") -> Any:
    if fact.type == "multichoice":
        return [v for v in raw.split("\n") if v] or None
    if not raw:
        return None
    match fact.type:
        case "datetime":
            return parse_local(name, raw, zone).isoformat()
        case "bool":
            if raw not in {"yes", "no"}:
                raise FieldProblem(name, "choose yes or no")
            return raw == "yes"
        case "int":
            return form_int(name, raw, lang)
        case _:
            return raw


def fact_form_values(facts: dict[str, Any], catalogue: dict[str, FactDef], zone: ZoneInfo) -> dict[str, Any]:
    """Stored facts as the form shows them."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        fact = catalogue.get(key)
        if fact is None:
            continue
        name = FACT_PREFIX + key
        if fact.type == "datetime":
            out[name] = local_input(value, zone)
        elif fact.type == "bool":
            out[name] = "yes" if value else "no"
        elif fact.type == "multichoice":
            out[name] = "\n".join(value or [])
        else:
            out[name] = str(value)
    return out
