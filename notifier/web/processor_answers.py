"""The processor chase as the officer reads it on the incident page: what was asked and answered in words (labels
of workflows/facts.yaml, the values as the processor typed them, its remark) and when the chase moves up a level."""

from typing import Any

from sqlmodel import Session, select

from notifier.processors import plan
from notifier.processors.models import IncidentProcessor, Processor, ProcessorAnswer
from notifier.workflow.schema import Registry


def _label(registry: Registry, name: str, lang: str) -> str:
    fact = registry.facts.get(name)
    return fact.label.get(lang) if fact is not None else name


def links(session: Session, registry: Registry, incident_id: int, lang: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(IncidentProcessor).where(IncidentProcessor.incident_id == incident_id).order_by(IncidentProcessor.id)
    ).all()
    out = []
    for link in rows:
        processor = session.get(Processor, link.processor_id)
        answers = session.exec(
            select(ProcessorAnswer).where(ProcessorAnswer.link_id == link.id).order_by(ProcessorAnswer.id)
        ).all()
        out.append(
            {
                "link": link,
                "processor": processor,
                "asked": [_label(registry, name, lang) for name in link.requested_facts],
                "next": plan.next_step(processor, link) if processor is not None else None,
                "answers": [
                    {
                        "received_at": a.received_at,
                        "author": a.author,
                        # Applied: it filled an empty fact; otherwise ours stood and the answer is only shown here.
                        "facts": [
                            {"label": _label(registry, name, lang), "value": value, "applied": name in a.applied}
                            for name, value in a.answers.items()
                        ],
                        "remark": a.remark,
                    }
                    for a in answers
                ],
            }
        )
    return out
