"""Form input to typed values, with errors keyed by the form field so the page can show them next to it."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from notifier import i18n, instants, numbers
from notifier.errors import FieldProblem
from notifier.web.i18n import LANGUAGES, t
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


def number_input(value: float | int | str, lang: str) -> str:
    """A number as a form field shows it, read back as the same number by form_number: no ".0" on a whole number,
    the reader's decimal mark and no thousands separator (the one ambiguity of "1.234")."""
    if isinstance(value, (str, bool)):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    return text.replace(".", ",") if i18n.is_dutch(lang) else text


def local_seconds(value: datetime, zone: ZoneInfo) -> str:
    """The wall clock of the organisation's zone to the second, where the "Now" button counts on from (app.js): the
    minute of local_input alone would leave the button up to a minute behind."""
    local = instants.local(value, zone)
    return f"{local.year:04d}-{local:%m-%dT%H:%M:%S}"


# Why an instant was refused (instants.InstantError.kind), as the form says it.
_INSTANT_KEYS = instants.PAGE_KEYS


def parse_local(
    field: str, raw: str | None, zone: ZoneInfo, *, required: bool = False, lang: str = "en"
) -> datetime | None:
    """A datetime-local value (wall clock of the organisation's zone) as an aware UTC instant; a refusal in the
    reader's language."""
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise FieldProblem(field, t("form_required", lang))
        return None
    try:
        wall = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise FieldProblem(field, t("form_datetime", lang)) from exc
    if wall.tzinfo is None:
        wall = wall.replace(tzinfo=zone)
    try:
        return instants.check(wall)
    except instants.InstantError as exc:
        raise FieldProblem(field, t(_INSTANT_KEYS.get(exc.kind, "form_datetime"), lang)) from exc


def _said(key: str) -> dict[str, str]:
    """A catalogue message (notifier/web/i18n.py) by language, for say()."""
    return {lang: t(key, lang) for lang in LANGUAGES}


REQUIRED = _said("form_required")
CHOOSE = _said("form_choose")
WHOLE = _said("form_whole")
NUMBER = _said("form_number")
AT_LEAST = _said("form_at_least")
AT_MOST = _said("form_at_most")
# A date the browser could not read (a six-digit year typed into a datetime-local input) arrives as an empty
# value: for a field that was on the posted form, "required" would blame the officer for leaving it out.
UNREADABLE = {
    "nl": "Datum/tijd niet herkend: gebruik dd-mm-jjjj uu:mm",
    "en": "Date/time not recognised: use dd-mm-yyyy hh:mm",
}
# The widest integer column (ids, counts and amounts are 32-bit INTEGER on PostgreSQL).
MAX_INT = 2**31 - 1


def say(messages: dict[str, str], lang: str, **values: Any) -> str:
    said = {
        k: numbers.show(v, lang) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return messages.get(lang, messages["en"]).format(**said)


def _typed(field: str, raw: str, lang: str, *, whole: bool) -> float | int:
    """numbers.parse, its refusal said at the field in the reader's language (with the number to give instead)."""
    try:
        return numbers.parse(raw, lang, whole=whole)
    except numbers.NotANumber as exc:
        example = exc.example or t("form_number_example", lang)
        if exc.kind == "approximate":
            raise FieldProblem(field, t("form_approximate", lang).format(word=exc.word, example=example)) from None
        if exc.kind == "range":
            raise FieldProblem(field, t("form_range", lang).format(example=example)) from None
        raise FieldProblem(field, say(WHOLE if whole else NUMBER, lang)) from None


def form_int(field: str, raw: str | None, lang: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A whole number typed in a form, in Dutch or English notation ("20.000", "20 000", "20,000"), or None when
    empty.

    ASCII digits only (notifier/numbers.py) and at most 40 characters: int() reads "²" as a digit but refuses it,
    and refuses more than 4,300 digits, both as ValueError (a 500 when it escaped); a negative sign is refused like
    any letter.
    """
    text = (raw or "").strip()
    if not text:
        return None
    value = _typed(field, text, lang, whole=True)
    if not isinstance(value, int):
        raise FieldProblem(field, say(WHOLE, lang))
    if value > maximum:
        raise FieldProblem(field, say(AT_MOST, lang, n=maximum))
    if value < minimum:
        raise FieldProblem(field, say(AT_LEAST, lang, n=minimum))
    return value


def form_number(field: str, raw: str | None, lang: str, *, maximum: float = 1e15, whole: bool = False) -> float | None:
    """A finite number of 0 or more typed in a form, in Dutch or English notation ("1.234,5", "1,234.5"), or None
    when empty; `whole`: a count, where "12.000" is twelve thousand in either language.

    float() reads "nan", "inf", "1e999" and "-5", none of which is an answer; only digits and separators are taken.
    """
    text = (raw or "").strip()
    if not text:
        return None
    value = float(_typed(field, text, lang, whole=whole))
    if value > maximum:
        raise FieldProblem(field, say(AT_MOST, lang, n=maximum))
    return value


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) -> the catalogue's message.
_KINDS = {
    "missing": "form_required",
    "literal_error": "form_choose",
    "enum": "form_choose",
    "int_parsing": "form_whole",
    "int_parsing_size": "form_whole",
    "int_type": "form_whole",
    "int_from_float": "form_whole",
    "float_parsing": "form_number",
    "float_type": "form_number",
    "finite_number": "form_number",
    "decimal_parsing": "form_number",
    "decimal_type": "form_number",
    "greater_than_equal": "form_at_least",
    "less_than_equal": "form_at_most",
    "greater_than": "form_more_than",
    "less_than": "form_less_than",
    "string_too_long": "form_too_long",
    "too_long": "form_too_many",
    "datetime_parsing": "form_datetime",
    "datetime_from_date_parsing": "form_datetime",
    "datetime_type": "form_datetime",
    "timezone_aware": "form_datetime",
    "date_parsing": "form_date",
    "date_from_datetime_parsing": "form_date",
    "date_type": "form_date",
    "bool_parsing": "form_bool",
    "bool_type": "form_bool",
}
# The patterns of the models' text fields, said as what to type (a regular expression reads as noise).
_PATTERNS = {
    r"^\d{8}$": ("form_pattern_digits", {"n": 8}),
    r"^[^@\s]+@[^@\s]+$": ("form_pattern_email", {}),
    r"^[A-Z0-9]{18}[0-9]{2}$": ("form_pattern_lei", {}),
    r"^[^\r\n]*$": ("form_pattern_line", {}),
    r"^[a-z0-9][a-z0-9-]*$": ("form_pattern_slug", {}),
}


def error_message(error: dict[str, Any], lang: str) -> str:
    """One pydantic error in the reader's language; a kind the catalogue does not know reads as a general refusal
    on a Dutch page (pydantic speaks English only) and as pydantic says it on an English one."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    limit = next((ctx[k] for k in ("ge", "le", "gt", "lt", "max_length", "min_length") if k in ctx), None)
    if kind.endswith("_type") and error.get("input") is None:  # an empty field is absent, not of another type
        key = "form_required"
    elif kind == "string_too_short":
        key = "form_required" if (limit or 1) <= 1 else "form_too_short"
    elif kind == "string_pattern_mismatch":
        key, values = _PATTERNS.get(str(ctx.get("pattern", "")), ("form_pattern", {}))
        return t(key, lang).format(**values)
    else:
        key = _KINDS.get(kind, "")
    if key and ("{n}" not in t(key, lang) or limit is not None):
        return t(key, lang).format(n=limit)
    if i18n.is_dutch(lang):
        return t("form_invalid", lang)
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def validation_errors(exc: ValidationError, prefix: str = "", lang: str = "en") -> dict[str, str]:
    """pydantic's errors by form field, in the user's language."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = prefix + ("_".join(loc) if loc else "form")
        out.setdefault(name, error_message(error, lang))
    return out


def event_values(
    model: type[BaseModel], data: dict[str, str], zone: ZoneInfo, event_type: str, lang: str = "en"
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
                values[name] = parse_local(name, raw, zone, lang=lang)
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
    values, errors = event_values(model, data, zone, event_type, lang)
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
            return parse_local(name, raw, zone, lang=lang).isoformat()
        case "bool":
            if raw not in {"yes", "no"}:
                raise FieldProblem(name, t("form_bool", lang))
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
