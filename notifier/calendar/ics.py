"""A minimal, correct iCalendar (RFC 5545) writer: CRLF, folding at 75 octets, escaping, UTC instants."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# RFC 5545 TEXT allows no control character but HTAB. Line breaks of any kind (a bare CR too, which some clients
# take as the end of the content line) become the escaped \n; every other control character is dropped.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    summary: str
    description: str
    url: str


def escape_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return CONTROL.sub("", LINE_BREAK.sub("\\\\n", escaped))


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces without cutting a UTF-8 character; continuations start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space of a continuation counts
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: list[Event], *, stamp: datetime) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//meldplicht//deadlines//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        # RFC 7986 and its older Apple/Microsoft spelling: how often a subscribed client should fetch the feed again.
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(stamp)}",
            # No DTEND: a deadline is an instant, and RFC 5545 3.8.2.2 wants DTEND later than DTSTART. Without it the
            # event ends when it starts (3.6.1).
            f"DTSTART:{utc(event.start)}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"URL:{event.url}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            "TRIGGER:-PT4H",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
