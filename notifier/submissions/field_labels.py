"""A field a report needs, by its label: a fact (workflows/facts.yaml), a field of the stage's export schema (a gap,
labelled by the schema) or a profile field (templates/submissions/labels.yaml references). The pages, the reports
and the mails name a field through this one function, so none of them prints a key (a reminder did)."""

from notifier.resources import resource_dir
from notifier.submissions.present import Labels, load_labels
from notifier.workflow.schema import Registry, Text


def field_label(
    registry: Registry,
    key: str,
    lang: str,
    *,
    labels: Labels | None = None,
    gap_labels: dict[str, Text] | None = None,
) -> str:
    fact = registry.facts.get(key)
    if fact is not None:
        return fact.label.get(lang)
    if gap_labels and key in gap_labels:
        return gap_labels[key].get(lang)
    named = (labels or load_labels(resource_dir("templates"))).reference(key, lang)
    # A key nobody labelled still reads as words rather than as a code.
    return named.replace("_", " ").replace(".", " ") if named == key else named
