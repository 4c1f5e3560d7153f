"""The acceptance flow in a real browser (Playwright for Python driving Debian's Chromium, no browser download).

Sign in with TOTP, log an incident through the form (a failed submission first), see it on the dashboard with its
countdown, declare it significant, open the early warning, confirm it submitted, and see the deadline turn to met.
Screenshots of the dashboard and the incident page go to test-artifacts/ (the dashboard also to docs/screenshots/
when NOTIFIER_UPDATE_SCREENSHOTS=1).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest

from notifier import clock
from tests.conftest import AUTH

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a long and careful passphrase"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed")


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def fill_hospital_profile(page, live_server: str) -> None:  # noqa: ANN001
    """The settings form filled as the hospital's officer would, and saved: a hospital (health care provider,
    3,200 staff), so an essential entity with Z-CERT as its CSIRT."""
    page.goto(live_server + "/settings")
    page.fill("#name", "Ziekenhuis Rivierenland")
    page.fill("#kvk_number", "41234567")
    page.select_option("#sector", "health")
    page.select_option("#entity_type", "healthcare_provider")
    page.fill("#staff_count", "3200")
    page.fill("#reporting_officer_name", "Anna de Vries")
    page.fill("#reporting_officer_email", "a.devries@zrl.example")
    page.fill("#reporting_officer_phone", "+31 88 123 4567")
    page.click("form.stack button.primary")


def add_admin_with_cli(settings) -> None:
    """The first administrator, made the way the README says: `notifier users add`."""
    env = {
        **os.environ,
        "NOTIFIER_DATABASE_URL": settings.database_url,
        "NOTIFIER_ENV": "test",
        "NOTIFIER_VAR_DIR": str(settings.var_dir),
        "NOTIFIER_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "notifier.cli",
            "users",
            "add",
            "--email",
            "anna@zrl.example",
            "--name",
            "Anna de Vries",
            "--role",
            "administrator",
            "--language",
            "en",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "two-factor" in done.stdout


def seed_other_incidents(base: str) -> None:
    """Two more incidents through the API, so the dashboard shows several urgencies side by side."""
    now = clock.now()
    with httpx.Client(base_url=base, headers=AUTH) as api:
        for title, hours_ago in (("DDoS on the patient portal", 21.5), ("Phishing: mailbox of a ward manager", 26)):
            incident = api.post("/api/v1/incidents", json={"title": title}).json()
            aware = (now - timedelta(hours=hours_ago)).isoformat()
            answer = api.post(
                f"/api/v1/incidents/{incident['id']}/events",
                json={"type": "cbw.significant", "aware_at": aware, "reasoning": "Service disrupted"},
            )
            assert answer.status_code == 200, answer.text


def local_now(page) -> str:
    return page.locator("#submitted_at, #aware_at").first.input_value()


def test_officer_flow_in_a_real_browser(app, settings, live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    add_admin_with_cli(settings)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # Sign in: password, then TOTP enrolment (required for administrators), with the secret shown on the page.
    page.goto(live_server + "/")
    assert page.url.endswith("/signin")
    page.fill("#email", "anna@zrl.example")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    assert page.url.endswith("/account/totp")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    assert page.locator("code.recovery").count() == 10  # the recovery codes, shown this once
    page.click("text=Continue")
    assert page.url == live_server + "/"

    # Sign out and in again: now the second step asks for the code.
    page.click("text=Sign out")
    page.fill("#email", "anna@zrl.example")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    assert page.url.endswith("/signin/totp")
    page.fill("#code", "000000")
    page.click("button.primary")
    assert page.locator(".error").is_visible()
    # The enrolment code is used up: the next one (accepted one step early for clock drift) signs in.
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("button.primary")
    assert page.url == live_server + "/"

    # The organisation profile (sector health: Z-CERT and IGJ receive the Cbw reports).
    fill_hospital_profile(page, live_server)
    assert page.locator(".classification").inner_text().lower().count("essential") >= 1
    page.screenshot(path=str(ARTIFACTS / "settings.png"), full_page=True)

    # Log an incident: first without a title; the error sits next to the field and the typed input stays.
    page.click("text=Log an incident")
    page.fill("#summary", "EHR and lab systems encrypted; ransom note on the file servers.")
    page.fill("#fact_nature", "Ransomware on the hospital network")
    page.click("button.big")
    title_error = page.locator("#title-error")
    assert title_error.is_visible() and "required" in title_error.inner_text()
    assert page.locator(".field.invalid #title").count() == 1
    assert page.input_value("#summary") == "EHR and lab systems encrypted; ransom note on the file servers."
    assert page.input_value("#fact_nature") == "Ransomware on the hospital network"
    page.screenshot(path=str(ARTIFACTS / "incident-form-error.png"))

    page.fill("#title", "Ransomware on the EHR")
    page.select_option("#fact_incident_type", "ransomware")
    page.select_option("#fact_malicious_suspected", "yes")
    page.select_option("#fact_cross_border_possible", "no")
    page.check("input[name=breach_risk][value=risk]")
    page.fill("#avg_aware_at", page.locator("#detected_at").get_attribute("max"))
    page.fill("#avg_reasoning", "Patient records may have been read by the attackers.")
    page.click("button.big")
    assert re.search(r"/incidents/\d+$", page.url), page.locator(".error").all_inner_texts()
    incident_url = page.url
    incident_id = incident_url.rsplit("/", 1)[1]

    # The dashboard: the incident with its live countdown (AP notification, 72 hours).
    seed_other_incidents(live_server)
    page.goto(live_server + "/")
    card = page.locator(f'.incident-card[data-incident="{incident_id}"]')
    countdown = card.locator(".countdown")
    assert re.match(r"^(2 d|3 d|71 h|\d+ h \d+ min)", countdown.inner_text()), countdown.inner_text()
    assert "left" in countdown.inner_text()
    assert card.get_attribute("data-urgency") == "later"
    assert "Autoriteit Persoonsgegevens" in card.inner_text()
    # Ordered by the next deadline: the overdue phishing first, then the DDoS (< 4 h), then ours.
    order = page.locator(".incident-card .card-title a").all_inner_texts()
    assert "Phishing" in order[0] and "DDoS" in order[1] and "Ransomware" in order[2], order
    assert page.locator(".incident-card").first.get_attribute("data-urgency") == "overdue"
    page.wait_for_timeout(1200)  # the live countdown ticks
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # Declare it significant on the incident page.
    page.goto(incident_url)
    page.click("summary:has-text('Significant incident')")
    form = page.locator('form[data-form="cbw.significant"]')
    form.locator("#reasoning").fill("EHR unavailable: severe disruption of care (NIS2 art. 23(3)).")
    form.locator("button.primary").click()
    early = page.locator('tr.deadline[data-stage="early_warning"]')
    assert early.get_attribute("data-status") == "open"

    # Open the early warning: sections with copy buttons, recipients, completeness.
    report = page.locator("#report-cbw-early_warning")
    assert "Z-CERT" in report.inner_text()
    report.locator("details.draft > summary").click()
    assert report.locator("pre").first.is_visible()
    assert report.locator("button.copy").first.is_visible()  # JavaScript unhid the copy buttons
    assert "Early warning" in report.inner_text() or "Vroegtijdige waarschuwing" in report.inner_text()

    # Confirm it submitted.
    report.locator("summary:has-text('Confirm submitted')").click()
    confirm = page.locator('form[data-form="cbw.submitted:early_warning"]')
    confirm.locator("#reference").fill("NCSC-2026-1123-0042")
    if confirm.locator("input[name=ack_missing]").count():
        confirm.locator("input[name=ack_missing]").check()
    confirm.locator("button.primary").click()
    assert page.url == incident_url
    assert page.locator('tr.deadline[data-stage="early_warning"]').get_attribute("data-status") == "met"
    audit = page.locator("#audit").inner_text()  # in words now: the event's name, its stage and reference
    assert "NCSC-2026-1123-0042" in audit and "cbw.submitted" not in audit, audit
    assert "user:anna@zrl.example" in audit
    page.screenshot(path=str(ARTIFACTS / "incident.png"), full_page=True)

    if os.environ.get("NOTIFIER_UPDATE_SCREENSHOTS") == "1":  # a test run leaves the tracked files alone
        shots = ROOT / "docs" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / "dashboard.png", shots / "dashboard.png")
    context.close()


def test_now_button_and_copy_as_text_in_a_real_browser(app, client, live_server, browser):
    """The "Now" button fills the organisation's wall clock; "copy the whole report as text" and a field's copy
    button put plain text on the clipboard: no asterisks for the NCSC form (issue 17, sections 3 and 4)."""
    from zoneinfo import ZoneInfo

    from notifier.web.forms import local_input
    from tests.conftest import new_incident, post_event, put_organisation
    from tests.web.conftest import PASSWORD as USER_PASSWORD
    from tests.web.conftest import add_user

    put_organisation(client)
    iid = new_incident(client, "Ransomware op het EPD")["id"]
    aware = (clock.now() - timedelta(minutes=20)).isoformat()
    post_event(client, iid, type="cbw.significant", aware_at=aware, reasoning="EPD onbeschikbaar")
    facts = {"nature": "Bestanden versleuteld op de fileservers", "malicious_suspected": True}
    assert client.patch(f"/api/v1/incidents/{iid}/facts", json=facts).status_code == 200
    secret = add_user(app, "olga@zrl.example", "officer", totp=True)

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(live_server + "/signin")
    page.fill("#email", "olga@zrl.example")
    page.fill("#password", USER_PASSWORD)
    page.click("button.primary")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    # Logging an incident: the awareness typed for one duty is offered to the other's empty field.
    page.goto(live_server + "/incidents/new")
    page.check("input[name=significant][value=yes]")
    page.check("input[name=breach_risk][value=risk]")
    page.fill("#cbw_aware_at", "2026-12-01T08:15")
    assert page.input_value("#avg_aware_at") == "2026-12-01T08:15"
    assert page.get_attribute("#avg_aware_at", "min") == "1990-01-01T00:00"

    page.goto(f"{live_server}/incidents/{iid}")

    # "Now" in the early warning's confirmation: the field emptied, the button fills the current local time.
    report = page.locator("#report-cbw-early_warning")
    report.locator("details.confirm > summary").click()
    confirm = report.locator('form[data-form="cbw.submitted:early_warning"]')
    field = confirm.locator("input[name=submitted_at]")
    field.fill("")
    assert field.input_value() == ""
    before = local_input(clock.now(), ZoneInfo("Europe/Amsterdam"))
    confirm.locator("button.now").click()
    after = local_input(clock.now() + timedelta(minutes=1), ZoneInfo("Europe/Amsterdam"))
    assert before <= field.input_value() <= after, (before, field.input_value(), after)
    assert field.get_attribute("min") == "1990-01-01T00:00" and field.input_value() <= field.get_attribute("max")

    # Copy the whole report as text: plain text on the clipboard, the button says it was copied.
    copy_all = report.locator("button.copy-all")
    assert copy_all.is_visible()
    copy_all.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Ziekenhuis Rivierenland" in copied and "Bestanden versleuteld op de fileservers" in copied
    assert "*" not in copied and "\\" not in copied, copied
    # One field: its value alone.
    report.locator("details.draft > summary").click()
    nature = report.locator(".paste-field", has_text="Bestanden versleuteld").first
    nature.locator("button.copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == "Bestanden versleuteld op de fileservers"
    context.close()


def test_the_first_tab_reaches_the_skip_link_and_no_request_is_a_404(app, live_server, browser):
    """Issue 17 §7: the skip link is the first stop of the keyboard and takes it to the content (on a page without
    an autofocused field: the sign-in form starts in its e-mail field on purpose); an unknown address is the HTML
    not-found page; the sign-in page, its favicon included, loads without a single 404."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 800})
    page = context.new_page()
    answer = page.goto(live_server + "/no/such/page")
    assert answer.status == 404 and page.locator("h1").inner_text() == "Niet gevonden"
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Naar de inhoud"]
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # shown while focused, not left off-screen
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    assert page.evaluate("() => document.activeElement.id") == "content"
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(live_server + "/signin")
    page.wait_for_load_state("networkidle")
    assert page.goto(live_server + "/favicon.ico").status == 200
    assert missing == []
    context.close()


def test_the_record_pages_fit_a_phone(app, client, live_server, browser):
    """The register, the filed reports, the audit trail and the calendar page at 390 px: no horizontal scrolling
    (issue 17 §7); their tables become one block per row."""
    from tests.web.conftest import PASSWORD as USER_PASSWORD
    from tests.web.conftest import add_user
    from tests.web.test_records_pages import _breach_with_a_filing

    iid = _breach_with_a_filing(client)
    secret = add_user(app, "olga@zrl.example", "officer", totp=True)
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/signin")
    page.fill("#email", "olga@zrl.example")
    page.fill("#password", USER_PASSWORD)
    page.click("button.primary")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    for path in ("/register/breaches", "/ledger", f"/incidents/{iid}/submissions", f"/incidents/{iid}/audit"):
        page.goto(live_server + path)
        assert page.locator("table.stack tbody tr").count() >= 1, path
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
    page.goto(live_server + "/account/calendar")
    page.click("button.primary")
    assert page.locator("#calendar-feed").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()
