"""The assessment history as the supervisor gets it: JSON, CSV or Markdown."""

import csv
import io
import json
from zoneinfo import ZoneInfo

from notifier import instants
from notifier.assessment.models import SignificanceAssessment


def as_dict(row: SignificanceAssessment, zone: ZoneInfo) -> dict:
    return {
        "incident_id": row.incident_id,
        "version": row.version,
        "entity_type": row.entity_type,
        "rule": row.rule,
        "answers": row.answers,
        "significant": row.significant,
        "criteria": row.criteria,
        "notes": row.notes,
        "assessor": row.assessor,
        "assessed_at": instants.iso(row.assessed_at, zone),
        "decision": row.decision,
        "confirmed_by": row.confirmed_by,
        "confirmed_at": instants.iso(row.confirmed_at, zone),
    }


def to_csv(rows: list[SignificanceAssessment], zone: ZoneInfo) -> str:
    out = io.StringIO()
    fields = ["incident_id", "version", "entity_type", "rule", "significant", "criteria", "answers", "notes",
              "assessor", "assessed_at", "decision", "confirmed_by", "confirmed_at"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        item = as_dict(row, zone)
        for key in ("criteria", "answers", "notes"):
            item[key] = json.dumps(item[key], ensure_ascii=False, sort_keys=True)
        writer.writerow(item)
    return out.getvalue()


def to_markdown(rows: list[SignificanceAssessment], zone: ZoneInfo, incident_title: str) -> str:
    lines = [f"# Significance assessment: {incident_title}", ""]
    for row in rows:
        item = as_dict(row, zone)
        verdict = "significant" if row.significant else "not significant"
        lines += [
            f"## Version {row.version} ({item['assessed_at']}, {row.assessor})",
            "",
            f"Entity type `{row.entity_type}`, rule: {row.rule}. Proposal: **{verdict}**.",
            "",
        ]
        lines += ["| criterion | article | threshold | value |", "|---|---|---|---|"]
        lines += [f"| {c['criterion']} | {c['article']} | {c['threshold']} | {c['value']} |" for c in row.criteria]
        if not row.criteria:
            lines.append("| (none fired) | | | |")
        lines += ["", "Answers:", ""] + [f"- {k}: {v}" for k, v in sorted(row.answers.items())]
        lines += [f"- note: {n}" for n in row.notes]
        if row.decision:
            lines += ["", f"Decision: **{row.decision}** by {row.confirmed_by} at {item['confirmed_at']}."]
        lines.append("")
    return "\n".join(lines)
