"""The one instant type for all input, and tolerant display of stored instants.

Every instant that comes in (API bodies, web forms, the processor reply page, SIEM adapters, CLI flags) passes
`check` (or `parse` for text): an offset is required, the value is converted to UTC and must lie in
[EARLIEST, LATEST). A value outside that range is no real event: year 1 or 9999 also overflows the moment it is
shifted to a zone, which used to break every page that showed it. Fields that record what has happened also refuse
the future (with CLOCK_SKEW of slack for clocks that run ahead).

Data stored before this check may still be out of range; `local` and `flagged` show it as stored instead of failing.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime

from notifier import clock, i18n

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=2)
RANGE_TEXT = "1990-01-01T00:00Z to 2100-01-01T00:00Z"
OUT_OF_RANGE = {"nl": "(buiten bereik)", "en": "(out of range)"}


# The pages' catalogue key (notifier/web/i18n.py) for an InstantError's kind, so a refusal says it in the reader's
# language; a kind without one reads as "not a date and time".
PAGE_KEYS = {"range": "form_datetime_range", "future": "form_datetime_future"}


class InstantError(ValueError):
    """Why a value is not an acceptable instant (a ValueError, so pydantic reports it as a validation error).
    `kind` (format | offset | range | future) lets a page say it in the reader's language."""

    def __init__(self, message: str, kind: str = "format"):
        self.kind = kind
        super().__init__(message)


def check(value: datetime, *, not_future: bool = False, now: datetime | None = None) -> datetime:
    """An aware instant in UTC within the plausible range, or InstantError."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InstantError("has no UTC offset; give one, e.g. +01:00 or Z", "offset")
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:  # year 1 west of UTC / year 9999 east of it: no UTC instant at all
        raise InstantError(f"is out of range; it must lie from {RANGE_TEXT}", "range") from exc
    if not EARLIEST <= utc < LATEST:
        raise InstantError(f"is out of range; it must lie from {RANGE_TEXT}", "range")
    if not_future and utc > (now or clock.now()) + CLOCK_SKEW:
        raise InstantError("lies in the future; only what has happened can be recorded", "future")
    return utc


def parse(text: str, *, not_future: bool = False, now: datetime | None = None) -> datetime:
    """ISO 8601 text with an offset (`Z` or `+01:00`) as a checked UTC instant, or InstantError."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InstantError("is not an ISO 8601 date and time (e.g. 2026-11-23T09:30+01:00)") from exc
    if value.tzinfo is None:
        raise InstantError(f"has no UTC offset; give one, e.g. {text}+01:00 or {text}Z", "offset")
    return check(value, not_future=not_future, now=now)


def _in_range(value: datetime) -> datetime:
    return check(value)


Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
"""For pydantic models: an offset is required; answered in UTC; 1990-01-01 <= value < 2100-01-01."""


# --- showing stored values -------------------------------------------------------------------------------------


def in_range(value: datetime) -> bool:
    try:
        check(value)
    except InstantError:
        return False
    return True


def local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """The value in the zone; as stored (UTC) when the zone cannot represent it. Never raises."""
    if value is None:
        return None
    try:
        return value.astimezone(zone)
    except (OverflowError, ValueError):
        return value


def as_instant(value: datetime | str | None) -> datetime | str | None:
    """A stored value (datetime or ISO text from the facts JSON) as a datetime; unreadable text stays text."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def flag(lang: str) -> str:
    return OUT_OF_RANGE.get(lang, OUT_OF_RANGE["en"])


def flagged(text: str, value: datetime | str | None, lang: str) -> str:
    """`text` with the out-of-range flag appended when the stored value is not a plausible instant."""
    value = as_instant(value)
    if value is None:
        return text
    if isinstance(value, str) or not in_range(value):
        return f"{text} {flag(lang)}"
    return text


def iso(value: datetime | str | None, zone: ZoneInfo, lang: str = "en") -> str | None:
    """ISO 8601 text in the zone for answers that carry text (alerts, registers, CSV); flagged when out of range."""
    value = as_instant(value)
    if value is None:
        return None
    if isinstance(value, str):
        return flagged(value, value, lang)
    return flagged(local(value, zone).isoformat(), value, lang)


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# How an instant is shown to a person; one function, a style per place, each written out once:
#   page    the web pages:      24-11-2026 09:30 CET        / 04 Nov 2026 09:30 CET
#   report  drafts and filings: 24-11-2026 09:30 (CET)      / 4 Nov 2026 09:30 CET
#   mail    reminder mails:     2026-11-24 09:30 CET (UTC+0100), the same in both languages
#   utc     processor requests: 2026-11-24 08:30 UTC (the processor is in another zone than we are)
STYLES = ("page", "report", "mail", "utc")


def show(value: datetime | str | None, zone: ZoneInfo, lang: str = "nl", *, style: str = "page") -> str | None:
    """The instant for a reader in the organisation's zone (None stays None); a stored value outside the range
    or unreadable is shown as stored, flagged (see flagged())."""
    stored = as_instant(value)
    if stored is None:
        return None
    if isinstance(stored, str):  # not even readable: shown as stored
        return flagged(stored, stored, lang)
    if style == "utc":
        return f"{stored.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    at = local(stored, zone)
    if style == "mail":
        return f"{at:%Y-%m-%d %H:%M %Z (UTC%z)}"
    english = i18n.known(lang) == "en"
    if style == "report":
        if english:
            text = f"{at.day} {MONTHS_EN[at.month - 1]} {at.year} {at:%H:%M} {at:%Z}"
        else:
            text = f"{at:%d-%m}-{at.year:04d} {at:%H:%M} ({at:%Z})"
    elif style == "page":
        if english:
            text = f"{at.day:02d} {MONTHS_EN[at.month - 1]} {at.year:04d} {at:%H:%M} {at:%Z}"
        else:
            text = f"{at:%d-%m}-{at.year:04d} {at:%H:%M} {at:%Z}"
    else:
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
    return flagged(text, stored, lang)
