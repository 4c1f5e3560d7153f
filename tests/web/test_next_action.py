"""The officer under deadline pressure (issue 17, section 1): the next action first on the incident page, every duty
(the art. 34 communication too) on the dashboard, in the reminders and in the calendar, and a clear answer to every
form."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pyotp
import pytest
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier import clock
from notifier.reminders.models import ReminderStep
from notifier.web.forms import local_input
from tests.conftest import deadline, new_incident, post_event, put_organisation
from tests.web.conftest import PASSWORD, add_user
from tests.web.test_avg_forms import set_language

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Amsterdam
SUBJECTS = "data_subject_communication"
ZONE = ZoneInfo("Europe/Amsterdam")
# As tests/web/test_browser.py drives it (not imported from there: that module skips itself without Playwright).
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def high_risk_breach(client, *, significant: bool = False) -> dict:
    """A breach assessed as high risk from the start (no revision): the art. 34 communication is owed at once."""
    with freeze_time(T0):
        put_organisation(client)
        incident = new_incident(client)
        if significant:
            post_event(client, incident["id"], type="cbw.significant", aware_at=T0.isoformat(), reasoning="EPD down")
        return post_event(
            client, incident["id"], type="avg.breach", aware_at=T0.isoformat(), risk="high", reasoning="EPD-export"
        )


# --- the art. 34 communication is a duty like every other ------------------------------------------------------


def test_a_breach_declared_high_risk_has_the_communication_as_a_target_deadline(client):
    incident = high_risk_breach(client)
    communication = deadline(incident, "avg", SUBJECTS)
    # "Without undue delay", planned against the organisation's target (72 h) from the assessment at awareness.
    assert communication["due"] == "2026-11-19T09:00:00+01:00"
    assert communication["target"] is True and communication["status"] == "open"


def test_the_communication_has_a_chip_on_the_dashboard(client, signed_in):
    incident = high_risk_breach(client)
    web, _ = signed_in("officer")
    page = web.get("/")
    card = re.search(rf'data-incident="{incident["id"]}">(.*?)</li>', page.text, re.S)
    assert card, page.text
    chips = re.findall(r'<span class="chip[^"]*"[^>]*>([^<]+)</span>', card.group(1))
    assert any("Communication to data subjects" in chip for chip in chips), chips


def test_the_communication_has_reminder_steps(client, app):
    incident = high_risk_breach(client)
    with Session(app.state.engine) as session:
        planned = session.exec(
            select(ReminderStep).where(ReminderStep.incident_id == incident["id"], ReminderStep.stage == SUBJECTS)
        ).all()
    keys = {step.step_key for step in planned}
    assert {"before:12h", "at"} <= keys, keys
    at = next(step for step in planned if step.step_key == "at")
    assert at.due_at.replace(tzinfo=UTC) == T0 + timedelta(hours=72)


def test_the_communication_is_one_calendar_event_at_its_target(client, app):
    incident = high_risk_breach(client)
    with freeze_time(T0):
        url = client.get("/api/v1/calendar/token").json()["url"]
        body = client.get("/calendar/" + url.split("/calendar/", 1)[1], headers={"Authorization": ""}).content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    found = [e for e in events if str(e["SUMMARY"]).startswith("Mededeling aan betrokkenen")]
    assert len(found) == 1, [str(e["SUMMARY"]) for e in events]
    assert found[0]["DTSTART"].dt == T0 + timedelta(hours=72)
    assert "streefdatum" in str(found[0]["SUMMARY"])  # a target, not a legal deadline
    assert f"#{incident['id']}" in str(found[0]["SUMMARY"])


# --- the incident page: the next action first ------------------------------------------------------------------


def hours_ago(hours: float) -> str:
    return (clock.now() - timedelta(hours=hours)).isoformat()


def both_tracks(client) -> int:
    """A significant incident that is also a high-risk breach, both known for an hour."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at=hours_ago(1), risk="high", reasoning="EPD-export")
    post_event(client, iid, type="cbw.significant", aware_at=hours_ago(1), reasoning="EPD down")
    return iid


def card_ids(html: str) -> list[str]:
    return re.findall(r'<article class="card report[^"]*" id="(report-[^"]+)"', html)


def test_the_next_action_block_names_the_earliest_duty_its_recipients_and_its_forms(client, signed_in):
    iid = both_tracks(client)
    web, _ = signed_in("officer")
    page = web.get(f"/incidents/{iid}")
    box = re.search(r'<div class="next-box" id="next-action"[^>]*>(.*?)\n  </div>', page.text, re.S)
    assert box, page.text
    block = box.group(1)
    assert "Next action" in block and "Early warning" in block
    assert 'class="countdown big" data-due=' in block
    assert "Z-CERT" in block or "NCSC" in block, block  # the recipient, with its channel in brackets
    assert re.search(r"<strong>[^<]+</strong> <span class=\"help\">\([^)]+\)</span>", block)
    assert 'href="#report-cbw-early_warning"' in block
    assert 'href="#confirm-report-cbw-early_warning"' in block
    assert 'id="confirm-report-cbw-early_warning"' in page.text  # the link's target exists
    assert page.text.count('class="next-box"') == 1


def test_report_cards_are_ordered_by_due_time_over_all_regimes(client, signed_in):
    iid = both_tracks(client)
    web, _ = signed_in("officer")
    ids = card_ids(web.get(f"/incidents/{iid}").text)
    # The 24 h early warning before the 72 h AP notification, although the AVG track was declared first.
    assert ids == ["report-cbw-early_warning", "report-avg-ap_notification", "report-avg-data_subject_communication"]


def test_optional_actions_are_folded_under_other_actions_without_missing_boxes(app, client, signed_in):
    iid = both_tracks(client)
    post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at=hours_ago(0.5))
    web, _ = signed_in("officer")
    page = web.get(f"/incidents/{iid}").text
    folded = re.search(r'<details class="other-actions" id="other-actions" >(.*?)\n</details>', page, re.S)
    assert folded, page
    inside = folded.group(1)
    assert "<summary>Other actions</summary>" in inside
    for stage in ("follow_up", "correction", "withdrawal"):
        assert f'id="report-avg-{stage}"' in inside
    assert 'class="missing"' not in inside  # not an obligation: no orange "missing" box
    duties = page.split('<details class="other-actions"')[0]
    assert 'id="report-avg-follow_up"' not in duties and 'id="report-cbw-early_warning"' in duties
    set_language(app, "nl")
    page = web.get(f"/incidents/{iid}").text
    assert "<summary>Andere acties</summary>" in page and "Volgende actie" in page


# --- a clear answer to every form ------------------------------------------------------------------------------


def test_a_confirmed_submission_redirects_and_says_so_with_its_reference(app, client, signed_in):
    iid = both_tracks(client)
    web, token = signed_in("officer")
    form = {
        "csrf_token": token,
        "type": "cbw.submitted",
        "stage": "early_warning",
        "submitted_at": local_input(clock.now() - timedelta(minutes=5), ZONE),
        "reference": "NCSC-2026-0042",
        "language": "en",
        "ack_missing": "yes",
    }
    answer = web.post(f"/incidents/{iid}/events", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/incidents/{iid}"
    page = web.get(f"/incidents/{iid}").text
    flash = re.search(r'<p class="notice success" role="status" id="flash">([^<]+)</p>', page)
    assert flash and "Early warning" in flash.group(1) and "NCSC-2026-0042" in flash.group(1), page
    assert 'id="flash"' not in web.get(f"/incidents/{iid}").text  # shown once
    set_language(app, "nl")
    post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at=hours_ago(0.1))
    facts = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_nature": "Versleuteld EPD"})
    assert facts.status_code == 200 and "Feiten opgeslagen" in facts.text


def test_a_refused_form_starts_with_an_error_summary_linking_to_its_fields(app, client, signed_in):
    iid = both_tracks(client)
    web, token = signed_in("officer")
    form = {
        "csrf_token": token,
        "type": "cbw.submitted",
        "stage": "early_warning",
        "submitted_at": "",
        "ack_missing": "yes",
    }
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422
    refused = re.search(r'data-form="cbw.submitted:early_warning">(.*?)</form>', page.text, re.S)
    assert refused, page.text
    summary = re.search(
        r'<div class="error-summary" role="alert" tabindex="-1" data-error-summary>(.*?)</div>', refused.group(1), re.S
    )
    assert summary, refused.group(1)
    assert refused.group(1).index("error-summary") < refused.group(1).index('name="submitted_at"')
    links = dict(re.findall(r'<a href="#([^"]+)" data-field="[^"]+">([^<]+)</a>', summary.group(1)))
    assert "submitted_at-error" in links and links["submitted_at-error"].startswith("Submitted at: ")
    assert 'id="submitted_at-error"' in refused.group(1)  # the link's target is in the refused form
    assert page.text.count("data-error-summary") == 1
    set_language(app, "nl")
    page = web.post(f"/incidents/{iid}/facts", data={"csrf_token": token, "fact_subjects_min": "veel"})
    assert page.status_code == 422
    summary = re.search(r"data-error-summary>(.*?)</div>", page.text, re.S)
    assert summary and "Het formulier is niet opgeslagen" in summary.group(1)
    assert 'href="#fact_subjects_min-error"' in summary.group(1)


def test_in_a_browser_the_next_action_opens_its_form_and_a_refusal_focuses_the_summary(app, client, live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium package is not installed")
    iid = both_tracks(client)
    secret = add_user(app, "officer@zrl.example", "officer", totp=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(locale="en-GB").new_page()
        page.goto(live_server + "/signin")
        page.fill("#email", "officer@zrl.example")
        page.fill("#password", PASSWORD)
        page.click("button.primary")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("button.primary")
        page.goto(f"{live_server}/incidents/{iid}")
        page.click("#next-action a[data-open^='confirm-']")
        assert page.locator("#confirm-report-cbw-early_warning").get_attribute("open") is not None
        form = page.locator('form[data-form="cbw.submitted:early_warning"]')
        # Past the browser's own check of the required field, to see the server's refusal.
        form.locator("#submitted_at").evaluate("el => { el.removeAttribute('required'); el.value = ''; }")
        if form.locator("input[name=ack_missing]").count():
            form.locator("input[name=ack_missing]").check()
        form.locator("button.primary").click()
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible() and "Submitted at" in summary.inner_text()
        summary.locator("a[data-field='submitted_at']").click()
        assert page.evaluate("document.activeElement.name") == "submitted_at"
        form = page.locator('form[data-form="cbw.submitted:early_warning"]')
        form.locator("#submitted_at").fill(local_input(clock.now() - timedelta(minutes=2), ZONE))
        form.locator("#reference").fill("NCSC-2026-0042")
        form.locator("button.primary").click()
        assert page.url == f"{live_server}/incidents/{iid}"
        assert "NCSC-2026-0042" in page.locator("#flash").inner_text()
        browser.close()


def test_a_refused_assessment_starts_with_the_summary_naming_the_question(client, signed_in):
    put_organisation(client)
    incident = new_incident(client)
    web, token = signed_in("officer")
    data = {"csrf_token": token, "q_financial_loss_expected_eur": "veel", "q_death_possible": "yes"}
    page = web.post(f"/incidents/{incident['id']}/assessment", data=data)
    assert page.status_code == 422
    summary = re.search(r"data-error-summary>(.*?)</div>", page.text, re.S)
    assert summary, page.text
    link = re.search(r'<a href="#q_financial_loss_expected_eur-error"[^>]*>([^<]+)</a>', summary.group(1))
    assert link and "Enter a number." in link.group(1)
    assert not link.group(1).startswith("q_")  # the question's words, not its code
