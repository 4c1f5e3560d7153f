"""Drafts that paste straight into the NCSC and AP web forms (issue 17, section 3): the report card copies plain
text, per field in the order of the form and the whole report, links the recipient's form, and prints; the
Markdown stays for the print view and the PDF."""

import html
import re
from datetime import timedelta

import pytest

from notifier import clock
from notifier.submissions import plain
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

NCSC_FORM = "https://www.ncsc.nl/en/report-an-incident-to-ncsc-nl"
AP_FORM = "https://www.autoriteitpersoonsgegevens.nl/themas/beveiliging/datalekken/zo-meldt-u-een-datalek"
# Markdown in what an officer typed must arrive as typed, and none of ours (bold labels, escapes) may arrive.
TYPED = "Versleuteld: C:\\data\\*.db, akira_readme.txt\n- geen lijst\n## geen kop"


def declared(client) -> int:
    put_organisation(client)
    iid = new_incident(client)["id"]
    aware = (clock.now() - timedelta(minutes=30)).isoformat()
    post_event(client, iid, type="cbw.significant", aware_at=aware, reasoning="EPD onbeschikbaar")
    post_event(client, iid, type="avg.breach", aware_at=aware, risk="risk", reasoning="Patiëntgegevens ingezien")
    answer = client.patch(f"/api/v1/incidents/{iid}/facts", json={"nature": TYPED, "malicious_suspected": True})
    assert answer.status_code == 200, answer.text
    return iid


def pres(page: str, card: str) -> dict[str, str]:
    """The plain values of one report card, by the id of their <pre>."""
    body = page.split(f'id="report-{card}"', 1)[1].split("</article>", 1)[0]
    return {k: html.unescape(v) for k, v in re.findall(r'<pre id="([^"]+)"[^>]*>(.*?)</pre>', body, re.S)}


def card_of(page: str, card: str) -> str:
    return page.split(f'id="report-{card}"', 1)[1].split("</article>", 1)[0]


def test_plain_text_undoes_our_markdown_and_keeps_typed_text():
    text = (
        "# Vroegtijdige waarschuwing\n\n- **Regeling:** Cbw\n\n## 3. Contact\n"
        "- **Contactpersoon:** Anna\n  - **Telefoon:** 088\n\n"
        "## 4. Beeld\n\n**Aard**\nC:\\\\data\\\\\\*.db\n\\- geen lijst\n"
        "\n## 1. Vermoeden\nJa\n\nToelichting\n"
    )
    result = plain.convert(text)
    assert "*" not in result.text.replace("\\*", "") and "**" not in result.text
    fields = {(s.title, f.label): f.value for s in result.sections for f in s.fields}
    assert fields[("Vroegtijdige waarschuwing", "Regeling")] == "Cbw"
    assert fields[("3. Contact", "Contactpersoon – Telefoon")] == "088"  # a nested item names its parent
    assert fields[("4. Beeld", "Aard")] == "C:\\data\\*.db\n- geen lijst"  # escapes undone by the parser
    assert fields[("1. Vermoeden", "1. Vermoeden")] == "Ja\n\nToelichting"  # unlabelled text: one field
    assert result.text.startswith("Vroegtijdige waarschuwing\n- Regeling: Cbw\n")


def test_the_api_draft_has_plain_text_and_the_fields_in_the_order_of_the_form(client):
    iid = declared(client)
    draft = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning").json()
    assert "**" in draft["text"]  # the Markdown stays for print and PDF
    assert "**" not in draft["plain_text"] and "\\" not in draft["plain_text"].replace("C:\\data\\", "")
    labels = [f["label"] for s in draft["plain_sections"] for f in s["fields"]]
    assert labels.index("Regeling") < labels.index("Organisatie") < labels.index("Contactpersoon voor de melding")
    nature = next(f["value"] for s in draft["plain_sections"] for f in s["fields"] if f["label"] == "Aard en omvang")
    assert nature == TYPED
    assert [s["title"] for s in draft["plain_sections"]] == [s["title"] for s in draft["sections"]]


@pytest.mark.parametrize(
    ("lang", "copy_all", "to_form", "print_word"),
    [
        ("nl", "Kopieer hele melding als tekst", "Naar het formulier: Z-CERT", "Afdrukken"),
        ("en", "Copy the whole report as text", "To the form: Z-CERT", "Print"),
    ],
)
def test_the_report_card_copies_plain_text_and_links_the_form(
    app, client, signed_in, lang, copy_all, to_form, print_word
):
    iid = declared(client)
    web, _ = signed_in("officer")
    set_language(app, lang)
    page = web.get(f"/incidents/{iid}")
    assert page.status_code == 200
    card = card_of(page.text, "cbw-early_warning")
    # The "copy all" button says what it copies, and copies plain text.
    assert re.search(rf'data-copy="plain-cbw-early_warning-all"[^>]*>{copy_all}</button>', card)
    values = pres(page.text, "cbw-early_warning")
    whole = values.pop("plain-cbw-early_warning-all")
    assert "**" not in whole and TYPED.splitlines()[0] in whole
    # One copy button per field, each copying the field's value without its label or any Markdown.
    assert len(values) >= 8 and all("**" not in v for v in values.values())
    assert card.count('class="copy"') == len(values)
    assert TYPED in values.values()
    # Health care: Z-CERT receives it through the NCSC's form; IGJ through the same report, so one link.
    assert card.count(f'href="{NCSC_FORM}"') == 1 and to_form in card
    assert f'href="/incidents/{iid}/reports/cbw/early_warning/print"' in card and f">{print_word}</a>" in card
    assert f'href="/incidents/{iid}/reports/cbw/early_warning/pdf"' in card
    assert f'href="{AP_FORM}"' in card_of(page.text, "avg-ap_notification")


def test_print_and_pdf_for_a_signed_in_viewer_keep_the_markdown_layout(app, client, signed_in):
    iid = declared(client)
    web, _ = signed_in("viewer")
    printed = web.get(f"/incidents/{iid}/reports/cbw/early_warning/print")
    assert printed.status_code == 200 and printed.headers["content-type"].startswith("text/html")
    assert re.search(r"<li><strong>[^<]+:</strong> ", printed.text) and "**" not in printed.text
    pdf = web.get(f"/incidents/{iid}/reports/cbw/early_warning/pdf")
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert web.get(f"/incidents/{iid}/reports/cbw/no_such_stage/print").status_code == 404
    assert web.get(f"/incidents/{iid + 99}/reports/cbw/early_warning/pdf").status_code == 404
