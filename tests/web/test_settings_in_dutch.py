"""The settings page in the reader's language: the classification's reason in Dutch on a Dutch page (it was English
boilerplate), and the sectors in the alphabetical order of their Dutch names, not of their English codes."""

import html
import re

from tests.conftest import put_organisation
from tests.web.test_avg_forms import set_language


def _sectors(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="sector".*?</select>', page, re.S)
    assert select, "no sector select"
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))]


def test_the_classification_reason_and_the_sectors_in_dutch_and_english(app, client, signed_in):
    put_organisation(
        client, sector="food", entity_type="other", staff_count=20, annual_turnover_eur=None, balance_sheet_eur=None
    )
    web, _ = signed_in("administrator")
    set_language(app, "nl")
    page = html.unescape(web.get("/settings").text)
    assert "De sector staat in bijlage II (andere kritieke sectoren). Omvang onbekend: met 20 medewerkers" in page
    assert "Vul de jaaromzet en het balanstotaal in om het vast te leggen." in page
    assert "Size unknown" not in page and "Annex II" not in page
    dutch = [s for s in _sectors(page) if s.strip() not in {"", "—"}]
    named = dutch[:-1]
    assert named == sorted(named, key=str.casefold), dutch
    assert dutch[-1] in {"Overig", "Anders", "Overige"}, dutch

    set_language(app, "en")
    page = html.unescape(web.get("/settings").text)
    assert "Sector food is in Annex II (other critical). Size unknown: with 20 staff" in page
    english = [s for s in _sectors(page) if s.strip() not in {"", "—"}]
    assert english[:-1] == sorted(english[:-1], key=str.casefold), english

    answer = client.get("/api/v1/organisation").json()
    assert answer["classification_reason"].startswith("Sector food is in Annex II")
    assert answer["classification_reason_nl"].startswith("De sector staat in bijlage II")
