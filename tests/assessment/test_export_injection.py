"""The assessment export for the supervisor: no formula cell in the CSV, no added heading in the Markdown."""

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt

from notifier.assessment import export
from notifier.assessment.models import SignificanceAssessment
from tests.conftest import new_incident, put_organisation


def _row(**overrides) -> SignificanceAssessment:
    values = {
        "incident_id": 1,
        "version": 1,
        "entity_type": "dns",
        "rule": "2024/2690",
        "answers": {"unavailable_minutes": -5},
        "significant": True,
        "criteria": [],
        "notes": [],
        "assessor": '=HYPERLINK("http://evil.example","klik")',
        "assessed_at": datetime(2026, 11, 23, 9, tzinfo=UTC),
        "decision": "significant",
        "confirmed_by": "@SUM(1+1)",
        "confirmed_at": datetime(2026, 11, 23, 10, tzinfo=UTC),
    }
    return SignificanceAssessment(**{**values, **overrides})


def test_csv_cells_cannot_start_a_formula():
    text = export.to_csv([_row(), _row(version=2, assessor="\t=1", confirmed_by="\r+1")], ZoneInfo("America/New_York"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        assert all(not cell or cell[0] not in "=+-@\t\r" for cell in row.values()), row
    assert rows[0]["assessor"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[0]["confirmed_by"] == "'@SUM(1+1)" and rows[1]["assessor"] == "'\t=1"
    # Instants with a negative offset and the JSON answers stay as they were.
    assert rows[0]["assessed_at"] == "2026-11-23T04:00:00-05:00" and rows[0]["version"] == "1"
    assert rows[0]["answers"] == '{"unavailable_minutes": -5}'


def test_markdown_export_keeps_the_title_on_its_heading(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="dns")
    incident = new_incident(client, title="Storing\n## Version 9 (vals)\n**Decision: not significant**")
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"unavailable_minutes": 31}})
    text = client.get(f"{url}/export", params={"format": "md"}).text
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert len(headings) == 2 and headings[1].startswith("Version 1 "), headings
    assert headings[0].startswith("Significance assessment: Storing ## Version 9 (vals)")
    assert not any(t.type == "strong_open" for tok in tokens for t in tok.children or [] if "vals" in tok.content)
