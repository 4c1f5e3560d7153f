"""The public reply page applies the officer's fact validation (submissions.facts): what the forms and the API refuse,
the processor's answer cannot store. Found: started_at in year 9999, negative counts and subjects_max below
subjects_min were stored, after which the incident page, drafts and the breach register failed."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.incidents.models import Incident
from notifier.processors.models import IncidentProcessor, ProcessorAnswer
from tests.processors.test_processor_chase import T0, link, reply_path, setup_incident

ASKED = ["started_at", "affected_users", "subjects_min", "subjects_max", "severity"]
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""}


def _reply_link(client, app, smtp, tick) -> tuple[int, str]:
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    with Session(app.state.engine) as s:  # ask for the facts this test is about
        row = s.get(IncidentProcessor, linked["id"])
        row.requested_facts = ASKED
        s.add(row)
        s.commit()
    tick(T0 + timedelta(hours=1))
    return incident["id"], reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)


@pytest.mark.parametrize(
    ("field", "value", "other"),
    [
        ("started_at", "9999-12-31T23:00-12:00", {}),
        ("started_at", "0001-01-01T00:00+01:00", {}),
        ("started_at", "1989-06-01T00:00Z", {}),
        ("started_at", "2026-11-16T09:00", {}),  # no offset
        ("started_at", "2026-11-17T09:00+01:00", {}),  # after "now": facts record what has happened
        ("started_at", "gisteren", {}),
        ("affected_users", "-5", {}),
        ("affected_users", "veel", {}),
        ("subjects_max", "10", {"subjects_min": "100"}),
        ("severity", "enorm", {}),
    ],
)
def test_a_value_the_fact_form_refuses_is_refused_with_the_page_again(client, app, smtp, tick, field, value, other):
    incident_id, path = _reply_link(client, app, smtp, tick)
    answers = {"severity": "high", field: value, **other}
    with freeze_time(T0 + timedelta(hours=2)):
        page = client.post(path, data=answers, headers=FORM)
    assert page.status_code == 422, page.text
    assert page.headers["content-type"].startswith("text/html")
    # The field is marked and every answer is kept, so the processor corrects one value instead of retyping all.
    assert re.search(f'<(textarea|select) id="{field}" name="{field}"[^>]*aria-invalid="true"', page.text), page.text
    assert f'id="error-{field}"' in page.text
    for name, text in answers.items():
        # Typed text comes back in its box, a chosen option stays selected (a value no option has cannot).
        kept = f">{text}</textarea>" in page.text or f'<option value="{text}" selected>' in page.text
        assert kept or (name, text) == ("severity", "enorm"), (name, text)
    with Session(app.state.engine) as s:
        facts = s.get(Incident, incident_id).facts
        assert s.exec(select(ProcessorAnswer)).all() == []
        assert s.exec(select(IncidentProcessor)).one().answered_at is None
    assert set(facts) == {"nature"}  # nothing applied


def test_a_valid_answer_is_stored_in_utc_as_the_fact_form_would(client, app, smtp, tick):
    incident_id, path = _reply_link(client, app, smtp, tick)
    with freeze_time(T0 + timedelta(hours=2)):
        page = client.post(
            path,
            data={"started_at": "2026-11-16T07:30+01:00", "subjects_min": "10", "subjects_max": "ca. 1.000"},
            headers=FORM,
        )
        assert page.status_code == 422 and 'id="error-subjects_max"' in page.text  # an estimate is no number
        assert "zonder &#39;ca.&#39;; bijvoorbeeld 1.000" in page.text
        page = client.post(
            path,  # "1.000" is a thousand, as the officer's facts form reads it (issue 17 §2)
            data={"started_at": "2026-11-16T07:30+01:00", "subjects_min": "10", "subjects_max": "1.000"},
            headers=FORM,
        )
    assert page.status_code == 200, page.text
    with Session(app.state.engine) as s:
        facts = s.get(Incident, incident_id).facts
    assert facts["started_at"] == "2026-11-16T06:30:00+00:00"
    assert facts["subjects_min"] == 10 and facts["subjects_max"] == 1000
