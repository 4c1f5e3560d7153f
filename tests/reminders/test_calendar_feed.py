"""The calendar feed as calendar clients read it, parsed with the icalendar package (an independent RFC 5545 parser)."""

import re
from datetime import timedelta

import icalendar
from freezegun import freeze_time

from tests.conftest import post_event
from tests.reminders.test_ladder import T0, significant_incident


def _feed(client, app) -> icalendar.Calendar:  # noqa: ANN001
    with freeze_time(T0):
        url = client.get("/api/v1/calendar/token").json()["url"]
        path = "/calendar/" + url.split("/calendar/", 1)[1]
        response = client.get(path, headers={"Authorization": ""})
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def _breach_too(client, incident: dict) -> None:
    with freeze_time(T0):
        post_event(client, incident["id"], type="avg.breach", aware_at=T0.isoformat(), risk="high", reasoning="EPD")


def test_events_have_no_zero_length_dtend_and_the_feed_asks_for_refreshes(client, app):
    significant_incident(client)
    feed = _feed(client, app)
    assert str(feed["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT1H"  # RFC 7986
    assert feed["REFRESH-INTERVAL"].params.get("VALUE") == "DURATION"
    events = feed.walk("VEVENT")
    assert len(events) == 3
    for event in events:
        # RFC 5545 3.8.2.2: DTEND must be later than DTSTART; a deadline is an instant, so it has none.
        assert "DTEND" not in event
        assert "DURATION" not in event or event["DURATION"].dt.total_seconds() >= 0


def test_uids_do_not_change_when_the_base_url_changes(client, app):
    significant_incident(client)
    before = {str(e["UID"]) for e in _feed(client, app).walk("VEVENT")}
    app.state.settings = app.state.settings.model_copy(update={"base_url": "https://elsewhere.example/meldplicht"})
    after_feed = _feed(client, app)
    after = {str(e["UID"]) for e in after_feed.walk("VEVENT")}
    assert before == after and len(before) == 3
    assert all("mp.example" not in uid for uid in before)
    assert all(str(e["URL"]).startswith("https://elsewhere.example/meldplicht/") for e in after_feed.walk("VEVENT"))


def _doubled(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    return [a for a, b in zip(words, words[1:], strict=False) if a == b]


def test_summary_and_description_in_the_organisations_language_without_doubled_words(client, app):
    significant_incident(client)
    nl = _feed(client, app).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in nl]
    assert any(s.startswith("Vroegtijdige waarschuwing: #") for s in summaries)
    for event in nl:
        description = str(event["DESCRIPTION"])
        assert not _doubled(description), description
        assert "CBW" not in description
        assert "Cyberbeveiligingswet" in description
    app.state.settings = app.state.settings.model_copy(update={"mail_language": "en"})
    en = _feed(client, app).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in en]
    assert any(s.startswith("Early warning: #") for s in summaries), summaries
    assert any(s.startswith("Final report (provisional)") for s in summaries), summaries
    assert all("Cyber Security Act" in str(e["DESCRIPTION"]) for e in en)
    assert all(not _doubled(str(e["DESCRIPTION"])) for e in en)


def test_the_data_subject_communication_is_in_the_feed_until_it_is_filed(client, app):
    incident = significant_incident(client)
    _breach_too(client, incident)
    events = _feed(client, app).walk("VEVENT")
    [communication] = [e for e in events if str(e["SUMMARY"]).startswith("Mededeling aan betrokkenen")]
    # Without undue delay: the organisation's target, 72 h from the assessment at awareness.
    assert communication["DTSTART"].dt == T0 + timedelta(hours=72)
    assert "(streefdatum)" in str(communication["SUMMARY"])
    assert "AVG art. 34" in str(communication["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    with freeze_time(T0):
        post_event(
            client,
            incident["id"],
            type="avg.submitted",
            stage="data_subject_communication",
            submitted_at=T0.isoformat(),
        )
    events = _feed(client, app).walk("VEVENT")
    assert not [e for e in events if str(e["SUMMARY"]).startswith("Mededeling aan betrokkenen")]
