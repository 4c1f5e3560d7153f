"""Time entry that cannot silently fail (issue 17, section 4): every datetime-local input has the range the server
accepts (max "now" where the workflow says not_future), a "Nu" / "Now" button, the awareness another duty already
recorded is offered, and a date the browser could not read is named as such, not as "required"."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifier import clock
from notifier.web.forms import local_input, local_seconds
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language
from tests.web.test_pages import errors

ZONE = ZoneInfo("Europe/Amsterdam")
NOW_WORD = {"nl": "Nu", "en": "Now"}
DATETIME = re.compile(r'<input id="([^"]+)" name="[^"]+" type="datetime-local"[^>]*>')


def form_of(page: str, name: str) -> str:
    return page.split(f'data-form="{name}"', 1)[1].split("</form>", 1)[0]


def max_of(tag: str) -> str:
    found = re.search(r'max="([^"]+)"', tag)
    assert found, tag
    return found.group(1)


def recent_minutes() -> set[str]:
    """The minute now and the one before: a page rendered a moment ago may stand at the previous minute."""
    return {local_input(clock.now() - timedelta(minutes=m), ZONE) for m in (0, 1)}


def inputs(html: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(0)) for m in DATETIME.finditer(html)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_datetime_input_has_a_range_and_a_now_button(app, client, signed_in, lang):
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, _ = signed_in("officer")
    set_language(app, lang)
    for path in (f"/incidents/{iid}", "/incidents/new"):
        page = web.get(path).text
        found = inputs(page)
        assert found, path
        for _name, tag in found:
            assert 'min="1990-01-01T00:00"' in tag, (path, tag)
        now_buttons = re.findall(
            r'<button type="button" class="now" hidden data-now-for="([^"]+)" data-now="([^"]+)"[^>]*>([^<]+)</button>',
            page,
        )
        assert [b[0] for b in now_buttons] == [name for name, _ in found], path
        assert {b[2] for b in now_buttons} == {NOW_WORD[lang]}
        # The clock the button counts on from: the organisation's wall clock to the second.
        counted = {datetime.fromisoformat(b[1]) for b in now_buttons}
        wall = datetime.fromisoformat(local_seconds(clock.now(), ZONE))
        assert len(counted) == 1 and timedelta(0) <= wall - counted.pop() < timedelta(seconds=30)
    # Fields that record what happened (not_future in the workflow) end at now; the incident's detection too.
    page = web.get(f"/incidents/{iid}").text
    significant = dict(inputs(form_of(page, "cbw.significant")))
    assert max_of(significant["aware_at"]) in recent_minutes()
    new = dict(inputs(web.get("/incidents/new").text))
    assert max_of(new["detected_at"]) in recent_minutes()
    # The duties' awareness fields on the new-incident form offer each other the first one typed (app.js).
    awareness = sorted(name for name, tag in new.items() if "data-awareness" in tag)
    assert awareness == sorted(name for name in new if name.endswith("_aware_at")) and len(awareness) >= 2


def test_token_expiry_has_no_max_now(app, client, signed_in):
    """An expiry lies in the future: it gets the range's start but no "now" as its end."""
    web, _ = signed_in("administrator")
    tag = dict(inputs(web.get("/account/tokens").text))["expires_at"]
    assert 'min="1990-01-01T00:00"' in tag and "max=" not in tag


def test_the_awareness_of_one_duty_is_offered_to_the_next(app, client, signed_in):
    put_organisation(client)
    iid = new_incident(client)["id"]
    aware = clock.now() - timedelta(hours=3)
    post_event(client, iid, type="cbw.significant", aware_at=aware.isoformat(), reasoning="EPD onbeschikbaar")
    web, _ = signed_in("officer")
    set_language(app, "nl")
    page = web.get(f"/incidents/{iid}").text
    breach = form_of(page, "avg.breach")
    tag = dict(inputs(breach))["aware_at"]
    assert f'value="{local_input(aware, ZONE)}"' in tag
    assert "Overgenomen van Cyberbeveiligingswet" in breach
    # The duty that recorded it keeps its own forms as they were: nothing is offered where the time is known.
    assert "Overgenomen van" not in page.split('data-regime="cbw"', 1)[1].split('data-regime="avg"', 1)[0]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Datum/tijd niet herkend: gebruik dd-mm-jjjj uu:mm"),
        ("en", "Date/time not recognised: use dd-mm-yyyy hh:mm"),
    ],
)
def test_a_date_posted_empty_is_not_recognised_rather_than_missing(app, client, signed_in, lang, message):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at=clock.now().isoformat(), reasoning="EPD onbeschikbaar")
    web, token = signed_in("officer")
    set_language(app, lang)
    # What Chromium sends for "202601-..." typed into the year: the field, empty.
    form = {
        "csrf_token": token,
        "type": "cbw.submitted",
        "stage": "early_warning",
        "submitted_at": "",
        "ack_missing": "yes",
    }
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422
    assert errors(page.text)["submitted_at"] == message
    # The same form without the field at all is simply incomplete.
    del form["submitted_at"]
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422 and errors(page.text)["submitted_at"] != message
    assert client.get(f"/api/v1/incidents/{iid}").json()["submissions"] == []


def test_the_assistant_offers_the_other_duty_s_awareness_and_names_an_unread_time(app, client, signed_in):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    iid = new_incident(client)["id"]
    aware = clock.now() - timedelta(hours=2)
    post_event(client, iid, type="avg.breach", aware_at=aware.isoformat(), risk="risk", reasoning="Klantdata ingezien")
    web, token = signed_in("officer")
    set_language(app, "nl")
    answers = {"q_scheduled_maintenance": "no", "q_unavailable_minutes": "240", "q_malicious_access": "yes"}
    page = web.post(f"/incidents/{iid}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 200 and 'class="proposal yes"' in page.text
    confirm = form_of(page.text, "confirm")
    assert f'value="{local_input(aware, ZONE)}"' in dict(inputs(confirm))["aware_at"]
    data = {"csrf_token": token, "agree": "yes", "aware_at": "", "reasoning": "Eens"}
    page = web.post(f"/incidents/{iid}/assessment/1/confirm", data=data)
    assert page.status_code == 422
    assert errors(page.text)["aware_at"] == "Datum/tijd niet herkend: gebruik dd-mm-jjjj uu:mm"
