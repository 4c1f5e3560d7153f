"""Numbers as people type them: Dutch notation ("20.000", "20 000", "1.234,5") and English ("20,000", "1,234.5").

Pure text to number; the pages say the refusals in the reader's language (notifier/web/forms.py). The one ambiguity
is a single separator before exactly three digits: "1.234" is 1234 to a Dutch reader and 1.234 to an English one.
A whole number has no decimals, so there it is always the thousands separator; otherwise the reader's language
decides (the Dutch group with "." and write decimals with ",", the English the other way round).
"""

import re
from dataclasses import dataclass

from notifier.i18n import is_dutch

# Words and signs that make a number an estimate or a bound: the field asks for the number itself.
_APPROXIMATE = re.compile(
    r"^(circa|ca\.?|ongeveer|ong\.?|zo'n|ruim|bijna|rond|meer dan|minder dan|minstens|maximaal|max\.?|min\.?|"
    r"approximately|approx\.?|about|around|roughly|nearly|almost|over|under|more than|less than|at least|up to|"
    r"~|±|\+/-|≈|>=|<=|>|<)(?![a-z])\s*",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^([0-9][0-9., ]*)\s*(?:-|–|—|tot|to|t/m)\s*[0-9][0-9., ]*$", re.IGNORECASE)
_SPACES = re.compile(r"(?<=[0-9])[ \u00a0\u202f\u2009](?=[0-9]{3}(?:[^0-9]|$))")
_GROUPED = {".": re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"), ",": re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")}
_PLAIN = re.compile(r"[0-9]+")
MAX_CHARS = 40


@dataclass
class NotANumber(ValueError):
    """Why a text is not one number: "approximate" (a word such as "ca." before it), "range", or "invalid".
    `word` is the word typed, `example` the number without it (for the message), when there is one."""

    kind: str
    word: str = ""
    example: str = ""


def _group_mark(lang: str) -> str:
    return "." if is_dutch(lang) else ","


def show(value: float, lang: str) -> str:
    """A number as the reader writes it: 20.000 and 12,5 in Dutch, 20,000 and 12.5 in English."""
    english = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return english.translate(str.maketrans(",.", ".,")) if is_dutch(lang) else english


def parse(raw: str, lang: str, *, whole: bool = False) -> float | int:
    """The number a person typed (0 or more, no sign, no exponent); NotANumber when it is not one number."""
    text = (raw or "").strip()
    if len(text) > MAX_CHARS:
        raise NotANumber("invalid")
    approximate = _APPROXIMATE.match(text)
    if approximate and approximate.end() < len(text):
        rest = text[approximate.end() :].strip()
        raise NotANumber("approximate", approximate.group(1), rest if _reads(rest, lang, whole) else "")
    if text.endswith("+") and _reads(text[:-1].strip(), lang, whole):
        raise NotANumber("approximate", "+", text[:-1].strip())
    span = _RANGE.match(text)
    if span:
        first = span.group(1).strip()
        raise NotANumber("range", example=first if _reads(first, lang, whole) else "")
    return _number(text, lang, whole)


def _reads(text: str, lang: str, whole: bool) -> bool:
    try:
        _number(text, lang, whole)
    except NotANumber:
        return False
    return True


def _number(text: str, lang: str, whole: bool) -> float | int:
    text = _SPACES.sub("", text)
    if not re.fullmatch(r"[0-9][0-9.,]*", text) or not text[-1].isdigit():
        raise NotANumber("invalid")
    marks = [c for c in text if c in ".,"]
    if not marks:
        return int(text)
    if len(set(marks)) == 2:  # both: the last is the decimal mark, the other groups the thousands
        decimal = marks[-1]
        group = "," if decimal == "." else "."
        head, _, tail = text.rpartition(decimal)
        if decimal in head or not _GROUPED[group].fullmatch(head):
            raise NotANumber("invalid")
        return _value(head.replace(group, ""), tail, whole)
    mark = marks[0]
    if len(marks) > 1:  # "1.234.567": only a thousands separator comes more than once
        if not _GROUPED[mark].fullmatch(text):
            raise NotANumber("invalid")
        return int(text.replace(mark, ""))
    head, _, tail = text.partition(mark)
    if _GROUPED[mark].fullmatch(text) and (whole or mark == _group_mark(lang)):
        return int(head + tail)
    return _value(head, tail, whole)


def _value(head: str, tail: str, whole: bool) -> float | int:
    if not _PLAIN.fullmatch(head) or not _PLAIN.fullmatch(tail):
        raise NotANumber("invalid")
    value = float(f"{head}.{tail}")
    return int(head) if whole and value.is_integer() else value
