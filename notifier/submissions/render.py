"""Render one report: Markdown text from templates/submissions/<regime>/<stage>.<lang>.md.j2, its sections for
pasting into a web form one by one, and the structured JSON copy (schema in docs/submission-schema.md).

A stage without its own template falls back to _generic.<lang>.md.j2, so a new regime file works at once.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from notifier import clock
from notifier.submissions import markdown as md
from notifier.submissions import plain as plain_text
from notifier.submissions.context import ReportContext

SCHEMA = "meldplicht.submission/v1"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class Rendered:
    context: ReportContext
    text: str
    sections: list[Section]
    json: dict[str, Any]
    # The same report without Markdown, whole and per field, for pasting into a web form (submissions.plain).
    plain: plain_text.Plain | None = None


@lru_cache
def environment(templates_dir: Path) -> Environment:
    # Markdown is not HTML: no HTML autoescape (the print view escapes everything itself). Markdown escaping is
    # done by `finalize` on every `{{ }}` that outputs marked user text (md.Line, md.Block, see context.py); a
    # filter applied to such a value in a template (`| upper`) would drop the mark, so templates use them as is.
    return Environment(
        loader=FileSystemLoader(str(Path(templates_dir) / "submissions")),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=md.finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template(env: Environment, regime: str, stage: str, lang: str):  # noqa: ANN202
    try:
        return env.get_template(f"{regime}/{stage}.{lang}.md.j2")
    except TemplateNotFound:
        return env.get_template(f"_generic.{lang}.md.j2")


def _item(line: str) -> bool:
    return line.lstrip(" ").startswith("- ")


def _tidy(text: str) -> str:
    """One blank line between blocks and none at the ends, whatever the template's conditionals left."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for i, line in enumerate(lines):
        if line == "" and (not out or out[-1] == ""):
            continue
        # An optional list item that rendered empty must not split its list in two (nor a nested item its parent's).
        if line == "" and _item(out[-1]) and lines[i + 1 : i + 2] and _item(lines[i + 1]):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def split_sections(text: str) -> list[Section]:
    """The heading block, then one section per `## ` heading (each maps to a part of the recipient's form)."""
    sections: list[Section] = []
    title, body = "", []
    for line in text.splitlines():
        if line.startswith("# ") and not sections and not title:
            title = line[2:].strip()
            continue
        if line.startswith("## "):
            sections.append(Section(title, "\n".join(body).strip()))
            title, body = line[3:].strip(), []
            continue
        body.append(line)
    sections.append(Section(title, "\n".join(body).strip()))
    return [s for s in sections if s.title or s.text]


def _json_copy(ctx: ReportContext, used_facts: list[str], values: dict[str, Any]) -> dict[str, Any]:
    org = ctx.organisation
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "regime": ctx.regime,
        "regime_version": ctx.regime_version,
        "regime_applies_from": ctx.regime_applies_from.isoformat(),
        "stage": ctx.stage,
        "title": ctx.title,
        "legal_basis": ctx.legal_basis,
        "language": ctx.language,
        "as_of": clock.as_utc(ctx.as_of).isoformat(),
        "status": "filed" if ctx.filing else "draft",
        "organisation": {
            "name": org.name.value,
            "kvk_number": org.kvk_number.value,
            "sector": org.sector.value,
            "entity_type": org.entity_type.value,
            "timezone": org.timezone,
            "address": org.address.value,
            "classification": org.classification.value,
            "dpo_registration": org.dpo_registration.value,
        }
        if org.present
        else None,
        "contacts": {
            role: (
                {"name": p.name, "email": p.email, "phone": p.phone, "job_title": p.job_title}
                | {"availability": p.availability}
                if p.present
                else None
            )
            for role, p in ctx.contacts
            if role != "privacy"  # the DPO or the contact point, both already listed
        },
        "incident": {
            "id": ctx.incident.id,
            "title": ctx.incident.title,
            "detected_at": ctx.incident.detected_at.value,
            "resolved_at": ctx.incident.resolved_at.value,
        },
        "track": {
            "state": ctx.track.state,
            "aware_at": ctx.track.aware_at.value,
            "declaration": {k: v.value for k, v in ctx.track.declaration.items()},
            "reasoning": ctx.track.reasoning.value,
        },
        "deadline": {
            "due": ctx.deadline.due.value,
            "provisional": ctx.deadline.provisional,
            "late": ctx.deadline.late,
        }
        if ctx.deadline
        else None,
        "delay_reason": ctx.delay_reason.value,
        "recipients": [{"id": r.id, "role": r.role, "name": r.name, "channel": r.channel} for r in ctx.recipients],
        "earlier_filings": [
            {"stage": f.stage, "submitted_at": f.submitted_at.value, "reference": f.reference.value}
            for f in ctx.filed.values()
        ],
        "facts": {key: values[key] for key in used_facts},
        "required": {"present": ctx.present, "missing": ctx.missing},
    }


def _jsonable(value: Any) -> Any:
    """Datetimes in the context become UTC ISO strings, so the copy is plain JSON."""
    return json.loads(json.dumps(value, default=lambda v: clock.as_utc(v).isoformat()))


def render(ctx: ReportContext, templates_dir: Path) -> Rendered:
    env = environment(Path(templates_dir))
    text = _tidy(_template(env, ctx.regime, ctx.stage, ctx.language).render(ctx=ctx, facts=ctx.facts))
    used = list(ctx.facts.used)
    copy = _jsonable(_json_copy(ctx, used, ctx.facts.values(used)))
    return Rendered(context=ctx, text=text, sections=split_sections(text), json=copy, plain=plain_text.convert(text))


def canonical(text: str, copy: dict[str, Any]) -> bytes:
    """What the ledger hashes: {"json": <copy>, "text": <Markdown>} as sorted, compact, UTF-8 JSON."""
    body = {"json": copy, "text": text}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(text: str, copy: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(text, copy)).hexdigest()
