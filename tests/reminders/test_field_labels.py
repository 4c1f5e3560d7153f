"""A field a reminder lists as missing reads by its label, never by its key (issue 17 review): a field of the
stage's export schema (a gap, labelled by the schema) or one no catalogue names came out as a snake_case code,
because the reminders had their own key-to-label function that fell back to the key. One function now names a
field for the pages, the reports and the mails (notifier/submissions/field_labels.py)."""

import dataclasses
import re
from datetime import timedelta

from notifier.reminders import content
from notifier.submissions import completeness
from notifier.submissions.field_labels import field_label
from notifier.workflow.schema import Text
from tests.reminders.test_ladder import EW, T0, significant_incident

GAP, UNNAMED = "dora_root_cause_code", "secret_internal_flag"


def test_a_missing_field_without_a_fact_label_is_named_in_words_in_the_mail(client, smtp, tick, monkeypatch):
    real = completeness.check

    def with_gaps(*args, **kwargs):
        check = real(*args, **kwargs)
        gap = Text(nl="Code van de grondoorzaak", en="Root cause code")
        return dataclasses.replace(
            check, missing=[*check.missing, GAP, UNNAMED], gap_labels={**check.gap_labels, GAP: gap}
        )

    monkeypatch.setattr(content.completeness, "check", with_gaps)
    incident = significant_incident(client)
    tick(T0 + timedelta(hours=12))
    mail = smtp.handler.by_key(EW.format(id=incident["id"]))[0].message
    text = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()
    assert "Code van de grondoorzaak" in text and "secret internal flag" in text
    assert GAP not in text and UNNAMED not in text


def test_one_function_names_a_fact_a_profile_field_a_gap_and_an_unknown_key(app):
    registry = app.state.registry
    fact = next(iter(registry.facts))
    assert field_label(registry, fact, "nl") == registry.facts[fact].label.nl
    gaps = {"x_y": Text(nl="Iks", en="Ex")}
    assert field_label(registry, "x_y", "en", gap_labels=gaps) == "Ex"
    assert not re.search(r"_", field_label(registry, "never_named_anywhere", "nl"))
