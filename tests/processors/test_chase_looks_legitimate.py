"""Issue 17 section 5: the information request says who is asking (our organisation, the officer with e-mail and
phone, the time the answer is needed, the incident by its title), comes from "<organisation> via meldplicht" with
the officer as Reply-To, and asks only facts a processor can know (workflows/facts.yaml `processor: true`)."""

from datetime import timedelta
from email.utils import getaddresses

import pytest

from notifier.workflow import WorkflowError, load_registry
from tests.core.test_workflow_loader import _break, workflows  # noqa: F401  (fixture)
from tests.processors.test_processor_chase import T0, link, setup_incident
from tests.reminders.conftest import MAIL_FROM


@pytest.fixture(params=["nl", "en"])
def settings(settings, request):
    return settings.model_copy(update={"mail_language": request.param})


def test_the_request_mail_says_who_asks_by_when_about_which_incident(client, app, smtp, tick, settings):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    [mail] = smtp.handler.by_key(f"processor:{linked['id']}:level:1")
    message = mail.message
    subject = str(message["Subject"])
    assert "Ziekenhuis Rivierenland" in subject and "Ransomware op het EPD" in subject and "#" not in subject
    for body in (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
        assert "Ziekenhuis Rivierenland" in body
        assert "Ransomware op het EPD" in body and "#1" not in body
        # The officer: the reporting officer of the profile, reachable by mail and phone.
        assert "Anna de Vries" in body and "a.devries@zrl.example" in body and "+31 88 123 4567" in body
        # Needed before the chase moves up a level: linked at 09:00 UTC with a 4 h term, 14:00 in Amsterdam.
        assert "2026-11-16 14:00 CET" in body
    [(name, address)] = getaddresses([str(message["From"])])
    assert (name, address) == ("Ziekenhuis Rivierenland via meldplicht", MAIL_FROM)
    assert str(message["Reply-To"]) == "a.devries@zrl.example"
    # The envelope sender stays ours: the organisation's domain is not ours to send from.
    assert mail.mail_from == MAIL_FROM


def test_the_last_level_is_asked_by_the_earliest_open_report_deadline(client, app, smtp, tick, settings):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    for hours in (1, 5, 9):
        tick(T0 + timedelta(hours=hours))
    [mail] = smtp.handler.by_key(f"processor:{linked['id']}:level:3")
    # No level above 3: the answer is needed before the early warning is due (aware 08:00 UTC + 24 h, 09:00 CET).
    assert "2026-11-17 09:00 CET" in mail.message.get_body(("plain",)).get_content()


def test_only_facts_a_processor_can_know_are_asked(client, app, smtp, tick, settings):
    registry = app.state.registry
    asked = {name for name, fact in registry.facts.items() if fact.processor}
    assert {"started_at", "ended_at", "nature", "breach_nature", "data_categories", "subject_groups"} <= asked
    assert {"subjects_min", "subjects_max", "records_count", "measures_taken", "consequences"} <= asked
    # The controller's decisions and notifications are never the processor's to answer.
    assert not asked & {"subjects_informed", "subjects_informed_how", "subjects_not_informed_reason"}
    assert not asked & {"other_supervisors", "cross_border_possible"}
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    assert linked["requested_facts"] and set(linked["requested_facts"]) <= asked


def test_the_loader_refuses_a_processor_flag_that_is_no_yes_or_no(workflows):  # noqa: F811
    flagged = "  nature:\n    type: text\n    processor: true\n"
    path = _break(workflows, "facts.yaml", flagged, flagged.replace("true", "perhaps"))
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path and error.value.path == "facts.nature.processor"


def test_the_loader_refuses_a_catalogue_that_leaves_the_processor_nothing_to_answer(workflows):  # noqa: F811
    path = workflows / "facts.yaml"
    path.write_text(path.read_text().replace("    processor: true\n", ""))
    with pytest.raises(WorkflowError) as error:
        load_registry(workflows)
    assert error.value.file == path and "processor" in error.value.problem
