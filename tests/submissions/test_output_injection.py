"""Output that cannot be turned against its reader: user text in the breach register CSV, the Markdown drafts, the
print view and the PDF stays text, whatever Markdown, HTML or spreadsheet syntax it carries (issue 11, section 5).
"""

import csv
import io
import re

import pytest
from freezegun import freeze_time
from markdown_it import MarkdownIt
from pypdf import PdfReader

from notifier.submissions import pdf
from tests.conftest import new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, ledger, set_facts

# What an alert could carry into a title: a line break and a fake section of the early warning after it.
FAKE_SECTION = "Storing\n## 3. Contactgegevens van de functionaris verantwoordelijk voor de melding\n- **Naam:** Eve"
MARKUP = "~~x~~ **x** [portal](http://evil.example) <http://evil2.example> a\\b \\*c\\* `code` &amp; _y_ <b>z</b>"


def _parsed(text: str) -> list:
    return MarkdownIt("commonmark").parse(text)


def _headings(text: str) -> list[str]:
    tokens = _parsed(text)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def _inline_types(text: str) -> set[str]:
    return {child.type for token in _parsed(text) if token.type == "inline" for child in token.children or []}


def _early_warning(client, title: str, **facts) -> int:
    put_organisation(client)
    iid = new_incident(client, title=title)["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-11-23T08:30:00Z", reasoning="EPD onbeschikbaar")
    if facts:
        set_facts(client, iid, **facts)
    return iid


# --- CSV ------------------------------------------------------------------------------------------------------------


@freeze_time("2026-11-25T12:00:00Z")
def test_breach_register_csv_neutralises_formula_cells(client):
    put_organisation(client)
    titles = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
    ids = []
    for i, title in enumerate(titles):
        iid = new_incident(client, title=title)["id"]
        post_event(client, iid, type="avg.breach", aware_at=f"2026-11-2{i}T08:00:00Z", risk="none", reasoning="=1+2")
        set_facts(client, iid, nature="@x", records_count=12, started_at="2026-11-19T22:00:00-01:00")
        ids.append(iid)

    response = client.get("/api/v1/register/breaches", params={"format": "csv"})
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [r["incident_id"] for r in table] == [str(i) for i in ids]
    for row, title in zip(table, titles, strict=True):
        for column, cell in row.items():
            assert not cell or cell[0] not in "=+-@\t\r", f"{column} starts a formula: {cell!r}"
        # Neutralised with one leading apostrophe, the text itself kept as typed.
        assert row["title"] == "'" + title
        assert row["assessment_reasoning"] == "'=1+2" and row["nature"] == "'@x"
        # Numbers and ISO instants (with a negative offset) are left alone.
        assert row["records_count"] == "12" and row["incident_id"].isdigit()
        assert row["aware_at"].startswith("2026-11-2") and row["started_at"] == "2026-11-20T00:00:00+01:00"
    # The JSON register is data, not a spreadsheet: unchanged.
    assert client.get("/api/v1/register/breaches").json()[0]["title"] == titles[0]


# --- Markdown drafts ------------------------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_a_title_with_line_breaks_cannot_add_a_section(client):
    iid = _early_warning(client, FAKE_SECTION, nature="Eerste regel\n## 9. Verzonnen\n# Kop\n- lijst\n1. genummerd")
    body = draft(client, iid, "cbw", "early_warning", "nl")
    text = body["text"]
    assert _headings(text) == [
        "Vroegtijdige waarschuwing",
        "Ontvangers en kanaal",
        "Melding",
        "1. Vermoeden van onrechtmatige of kwaadwillige handeling",
        "2. Mogelijke grensoverschrijdende gevolgen",
        "3. Contactgegevens van de functionaris verantwoordelijk voor de melding",
        "4. Eerste beeld (voor zover nu bekend)",
    ], text
    assert [s["title"] for s in body["sections"]].count(
        "3. Contactgegevens van de functionaris verantwoordelijk voor de melding"
    ) == 1
    # The title stays on its incident line; the JSON copy keeps it exactly as stored.
    line = next(x for x in text.splitlines() if x.startswith("- **Incident:**"))
    assert "Contactgegevens" in line and "Eve" in line
    assert body["json"]["incident"]["title"] == FAKE_SECTION
    # The multi-line fact keeps its lines, but none of them starts a block of its own.
    for token in _parsed(text):
        assert token.type not in ("ordered_list_open",), text
    assert "Verzonnen" not in _headings(text) and "Kop" not in _headings(text)


@freeze_time("2026-11-23T09:00:00Z")
def test_markup_in_user_text_is_shown_as_typed_in_the_draft_and_the_print_view(client):
    iid = _early_warning(client, "Titel " + MARKUP, nature=MARKUP, malicious_suspected=True)
    text = draft(client, iid, "cbw", "early_warning", "nl")["text"]
    # No emphasis, link, code or HTML comes from user text; the template's own bold labels remain.
    assert _inline_types(text) <= {"text", "softbreak", "strong_open", "strong_close"}, text
    strong = [
        t.children[i + 1].content
        for t in _parsed(text)
        if t.type == "inline"
        for i, c in enumerate(t.children)
        if c.type == "strong_open"
    ]
    assert "x" not in strong

    page = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning/print").text
    shown = MARKUP.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert shown in page, page
    assert "<a " not in page and "<del>" not in page and "<s>" not in page and "<em>" not in page
    assert "<strong>x</strong>" not in page and "<code>" not in page and "<b>z</b>" not in page


@freeze_time("2026-11-23T09:00:00Z")
def test_realistic_text_is_not_escaped_needlessly(client):
    nature = (
        "Versleuteld via C:\\Windows\\Temp\\akira_readme.txt; 21.300 patiënten (art. 25(2)(a)); R&D-netwerk, "
        "+31 20 555 0100, security@nimbus.example, 3 h 40 min, ~300 GB, 50% - niet alles."
    )
    iid = _early_warning(client, "Ransomware-aanval op het EPD", nature=nature)
    text = draft(client, iid, "cbw", "early_warning", "nl")["text"]
    assert nature in text
    assert "- **Incident:** Ransomware-aanval op het EPD (intern nummer" in text


# --- PDF --------------------------------------------------------------------------------------------------------------


def _pdf_text_and_links(content: bytes) -> tuple[str, list]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/Subtype") == "/Link"
    ]
    return text, links


@freeze_time("2026-11-23T09:00:00Z")
def test_pdf_shows_user_text_literally_and_hides_no_link(client):
    if not pdf.available():
        pytest.skip("DejaVu Sans (fonts-dejavu-core) not installed")
    iid = _early_warning(client, "Titel " + MARKUP, nature=MARKUP, malicious_suspected=True)
    for url in (
        f"/api/v1/incidents/{iid}/submissions/cbw/early_warning/pdf",
        f"/api/v1/incidents/{iid}/submissions/cbw/early_warning/pdf?lang=en",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
        text, links = _pdf_text_and_links(response.content)
        assert links == []
        flat = re.sub(r"\s+", " ", text)
        for piece in ("~~x~~", "**x**", "[portal](http://evil.example)", "<http://evil2.example>", "a\\b", "\\*c\\*"):
            assert piece in flat, (piece, flat)
        assert "`code` &amp; _y_ <b>z</b>" in flat
        # Our own structure is still drawn: headings and the bold labels' words.
        assert "1. Vermoeden van onrechtmatige of kwaadwillige handeling" in flat or "1. Suspected" in flat

    post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-23T09:00:00Z")
    sub_id = ledger(client, iid)[0]["id"]
    filed = client.get(f"/api/v1/incidents/{iid}/submissions/filed/{sub_id}/pdf")
    text, links = _pdf_text_and_links(filed.content)
    assert links == [] and "[portal](http://evil.example)" in re.sub(r"\s+", " ", text)


def test_pdf_of_a_text_filed_before_escaping_draws_without_links_or_errors():
    """A filed text is never rewritten, so one filed before this fix may hold raw Markdown: still drawn, no link."""
    if not pdf.available():
        pytest.skip("DejaVu Sans (fonts-dejavu-core) not installed")
    filed = (
        "# Titel\n\nSome `code €` and _em_ and ***bi*** and ~~s~~\n> quote €\n\n---\n1. a\n   - nested\n\n"
        "```\npre block € ë\n```\n\n    indented code\n\n<b>raw</b> [link](http://evil.example) "
        "![img](http://evil.example/y.png) <http://evil.example>\n\n[portal][a]\n\n[a]: http://evil.example\n"
        + "A"
        * 2000
    )
    text, links = _pdf_text_and_links(pdf.render(filed, title="t", footer="f"))
    assert links == []
    flat = re.sub(r"\s+", " ", text)
    assert "code €" in flat and "pre block € ë" in flat and "<b>raw</b> [link](http://evil.example)" in flat
    assert "[portal][a]" in flat and "[a]: http://evil.example" in flat
