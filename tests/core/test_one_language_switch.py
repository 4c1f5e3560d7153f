"""One place decides the language (notifier/i18n.py) and one function shows an instant (notifier/instants.show).

The ast walk fails when a `lang == "nl"`-style branch or a display strftime comes back anywhere else; the unit
tests pin what the choice and each style say, across the DST changes of Europe/Amsterdam."""

import ast
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from notifier import i18n, instants

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "notifier"
AMS = ZoneInfo("Europe/Amsterdam")
# Machine formats, not shown to a person: the iCalendar DTSTAMP/DTSTART of RFC 5545 and the value of an HTML
# datetime-local input.
MACHINE_FORMATS = {PACKAGE / "calendar" / "ics.py", PACKAGE / "web" / "forms.py"}


def _language_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in i18n.LANGUAGES


def _is_lang(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in {"lang", "language", "mail_language"}


def language_branches(path: Path) -> list[int]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            sides = [node.left, *node.comparators]
            if any(_is_lang(s) for s in sides) and any(_language_literal(s) for s in sides):
                found.append(node.lineno)
    return found


def display_formats(path: Path) -> list[int]:
    """strftime calls and f-string format specs with a % directive ({at:%H:%M})."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
            found.append(node.lineno)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(v.value for v in node.format_spec.values if isinstance(v, ast.Constant))
            if "%" in spec:
                found.append(node.lineno)
    return sorted(found)


def test_the_walks_find_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('x = "a" if lang == "nl" else "b"\ny = f"{at:%H:%M}"\nz = at.strftime("%Y")\n')
    assert language_branches(sample) == [1]
    assert display_formats(sample) == [2, 3]


def test_only_the_language_helper_chooses_a_language():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "i18n.py"
        for line in language_branches(path)
    ]
    assert not found, "choose the text with notifier.i18n.pick:\n" + "\n".join(found)
    script = (PACKAGE / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert 'lang === "' not in script and "lang ==" not in script  # the page hands the script its words


def test_only_the_instant_formatter_formats_instants():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "instants.py" and path not in MACHINE_FORMATS
        for line in display_formats(path)
    ]
    assert not found, "show instants with notifier.instants.show:\n" + "\n".join(found)


def test_pick_chooses_and_falls_back_to_dutch():
    assert i18n.pick("nl", "ja", "yes") == "ja"
    assert i18n.pick("en", "ja", "yes") == "yes"
    assert i18n.pick("de", "ja", "yes") == "ja" and i18n.pick(None, "ja", "yes") == "ja"
    assert i18n.known("en") == "en" and i18n.known("fr") == "nl"


# 2026: summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
@pytest.mark.parametrize(
    ("at", "style", "lang", "shown"),
    [
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "page", "nl", "29-03-2026 01:59 CET"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "page", "nl", "29-03-2026 03:00 CEST"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "page", "en", "29 Mar 2026 03:00 CEST"),
        (datetime(2026, 11, 4, 8, 30, tzinfo=UTC), "page", "en", "04 Nov 2026 09:30 CET"),
        (datetime(2026, 11, 4, 8, 30, tzinfo=UTC), "report", "en", "4 Nov 2026 09:30 CET"),
        (datetime(2026, 11, 4, 8, 30, tzinfo=UTC), "report", "nl", "04-11-2026 09:30 (CET)"),
        # The hour that happens twice when summer time ends: the zone abbreviation tells them apart.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "report", "nl", "25-10-2026 02:30 (CEST)"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "report", "nl", "25-10-2026 02:30 (CET)"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "mail", "en", "2026-10-25 02:30 CEST (UTC+0200)"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "mail", "nl", "2026-10-25 02:30 CET (UTC+0100)"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "utc", "nl", "2026-10-25 01:30 UTC"),
    ],
)
def test_each_style_of_the_one_formatter(at, style, lang, shown):
    assert instants.show(at, AMS, lang, style=style) == shown


def test_the_formatter_keeps_what_it_cannot_place():
    assert instants.show(None, AMS, "nl") is None
    assert instants.show("gisteren", AMS, "nl", style="report") == "gisteren (buiten bereik)"
    assert instants.show(datetime(1, 1, 1, tzinfo=UTC), AMS, "en").endswith("(out of range)")
    with pytest.raises(ValueError, match="unknown style"):
        instants.show(datetime(2026, 1, 1, tzinfo=UTC), AMS, "nl", style="fancy")
