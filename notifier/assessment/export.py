"""The assessment history as the supervisor gets it: JSON, CSV or Markdown."""

import csv
import io
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

from notifier import csv_cells, instants
from notifier.assessment.models import SignificanceAssessment
from notifier.submissions.markdown import escape_line


def warning_line(warning: dict) -> str:
    """One warning as the reasoning and the Markdown export print it (English, like the criteria)."""
    if warning.get("code") == "maintenance_contradiction":
        names = ", ".join(warning.get("criteria", []))
        return (
            f"Warning: scheduled maintenance was answered yes, but {names} is not a planned effect of maintenance "
            f"({warning.get('article', '2024/2690 art. 3(2)')} excludes only those): assessed all the same."
        )
    return f"Warning: {warning.get('code')}"


def as_dict(row: SignificanceAssessment, zone: ZoneInfo) -> dict:
    return {
        "incident_id": row.incident_id,
        "regime": row.regime,
        "version": row.version,
        "entity_type": row.entity_type,
        "rule": row.rule,
        "answers": row.answers,
        "significant": row.significant,
        "criteria": row.criteria,
        "notes": row.notes,
        "rules_version": row.rules_version,
        "warnings": row.warnings,
        "assessor": row.assessor,
        "assessed_at": instants.iso(row.assessed_at, zone),
        "decision": row.decision,
        "confirmed_by": row.confirmed_by,
        "confirmed_at": instants.iso(row.confirmed_at, zone),
    }


def to_csv(rows: list[SignificanceAssessment], zone: ZoneInfo) -> str:
    out = io.StringIO()
    # New columns go last so that readers of the old layout keep their column positions.
    fields = ["incident_id", "version", "entity_type", "rule", "significant", "criteria", "answers", "notes",
              "assessor", "assessed_at", "decision", "confirmed_by", "confirmed_at", "rules_version",
              "warnings", "regime"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        item = as_dict(row, zone)
        for key in ("criteria", "answers", "notes", "warnings"):
            item[key] = json.dumps(item[key], ensure_ascii=False, sort_keys=True)
        writer.writerow({k: csv_cells.cell(v) if isinstance(v, str) else v for k, v in item.items()})
    return out.getvalue()


def to_markdown(
    rows: list[SignificanceAssessment],
    zone: ZoneInfo,
    incident_title: str,
    *,
    heading: str = "Significance assessment",
    outcomes: tuple[str, str] = ("significant", "not_significant"),
    line: Callable[[dict], str] = warning_line,
) -> str:
    """`heading`, `outcomes` (the positive and negative event) and `line` (a warning) are the assistant's."""
    # The title comes from an alert and the names from accounts: escaped, they cannot add a heading or markup.
    lines = [f"# {heading}: {escape_line(incident_title)}", ""]
    for row in rows:
        item = as_dict(row, zone)
        verdict = (outcomes[0] if row.significant else outcomes[1]).replace("_", " ")
        lines += [
            f"## Version {row.version} ({item['assessed_at']}, {escape_line(row.assessor)})",
            "",
            f"Entity type `{row.entity_type}`, rule: {row.rule}, rules version {row.rules_version}. "
            f"Proposal: **{verdict}**.",
            "",
        ]
        lines += [f"> {line(w)}" for w in row.warnings or []]
        if row.warnings:
            lines.append("")
        lines += ["| criterion | article | threshold | value |", "|---|---|---|---|"]
        lines += [f"| {c['criterion']} | {c['article']} | {c['threshold']} | {c['value']} |" for c in row.criteria]
        if not row.criteria:
            lines.append("| (none fired) | | | |")
        lines += ["", "Answers:", ""] + [f"- {k}: {v}" for k, v in sorted(row.answers.items())]
        lines += [f"- note: {escape_line(n)}" for n in row.notes]
        if row.decision:
            by = escape_line(row.confirmed_by or "")
            lines += ["", f"Decision: **{row.decision}** by {by} at {item['confirmed_at']}."]
        lines.append("")
    return "\n".join(lines)
