"""The whole officer flow of issue 17 in a real browser (Debian's Chromium through Playwright), in both languages.

One walk per language, each at one width, and every page it visits opened again at the other width:
- English at desktop width (1280 px), every page checked again at 390 px;
- Dutch at phone width (390 px), every page checked again at 1280 px.
So both languages are walked end to end, both widths see every page in both languages, and the run stays short
(two walks instead of four: each walk signs in, enrols TOTP and fills forms, the re-opening is only a GET). Measured:
about a minute per walk, two minutes for the pair, on two shared cores.

The walk: the first administrator (`notifier users add`, as the README says), sign-in with TOTP enrolment, the
organisation profile, an incident logged as a high-risk breach (AVG), the significance assistant proposing and the
officer confirming it significant (Cbw), the facts, the draft (copy as text), confirming the early warning (the
flash names the reference), the dashboard (the data-subject communication as a chip of its own), a processor linked
and its answer through the reply link (the reply page, no account), an intermediate-report request, resolution, the
audit trail, the breach register and the calendar page.
On every main page: the page's language, axe-core (tests/web/a11y) finds no serious or critical violation, and at
390 px nothing scrolls sideways (document.documentElement.scrollWidth <= 390).

The English desktop walk writes incident.png (the next-action block), draft.png and reply.png to test-artifacts/,
and to docs/screenshots/ when NOTIFIER_UPDATE_SCREENSHOTS=1 (like dashboard.png in test_browser.py).
"""

import os
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pyotp
import pytest
import yaml
from sqlmodel import Session, select

from notifier import clock
from notifier.mail.models import OutboxMail
from notifier.web.forms import local_input
from notifier.web.i18n import t
from tests.conftest import AUTH, HOSPITAL
from tests.processors.test_processor_chase import CLOUD
from tests.web.test_accessibility import AXE, WIDEST, WIDTHS, serious_violations
from tests.web.test_avg_forms import set_language
from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM, PASSWORD, ROOT, add_admin_with_cli, fill_hospital_profile

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed"),
    pytest.mark.skipif(
        not AXE.exists(), reason="axe-core is installed by scripts/test.sh (npm ci --prefix tests/web/a11y)"
    ),
]

WORKFLOWS = ROOT / "workflows"
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
SHOTS = ("incident.png", "draft.png", "reply.png")


def stage_title(regime: str, stage: str, lang: str) -> str:
    return yaml.safe_load((WORKFLOWS / f"{regime}.yaml").read_text())["stages"][stage]["title"][lang]


class Inspector:
    """Checks a page where the walk stands, and the same address in a second browser context at the other width
    (same session cookie), collecting every problem so one run names them all."""

    def __init__(self, lang: str, main, other, other_width: str):
        self.lang, self.main, self.other, self.other_width = lang, main, other, other_width
        self.problems: list[str] = []
        self.seen: list[str] = []

    def _check(self, page, label: str, width: int) -> None:
        where = f"{self.lang} {width}px {label}"
        if page.locator("html").get_attribute("lang") != self.lang:
            self.problems.append(f"{where}: html lang is {page.locator('html').get_attribute('lang')}")
        self.problems += [f"{where}: {p}" for p in serious_violations(page)]
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            self.problems.append(f"{where}: {wide} px wide: {page.evaluate(WIDEST, width)}")

    def look(self, label: str, prepare: Callable | None = None) -> None:
        """`prepare(page)` opens what the walk opened (a draft, a form) before the check, on both pages."""
        self.seen.append(label)
        self._check(self.main, label, self.main.viewport_size["width"])
        url = self.main.url
        if self.other is not None:
            self.other.goto(url)
            if prepare is not None:
                prepare(self.other)
            self._check(self.other, label, WIDTHS[self.other_width]["width"])


def sign_in_first_time(page, base: str) -> None:
    """Password, then the TOTP enrolment administrators must do before anything else opens, then the codes."""
    page.goto(base + "/")
    assert page.url.endswith("/signin")
    page.fill("#email", "anna@zrl.example")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    assert page.url.endswith("/account/totp")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    assert page.locator("code.recovery").count() == 10
    page.click("a.button.primary[href='/']")
    assert page.url == base + "/"


def flash(page) -> str:
    return page.locator("#flash").inner_text()


def open_details(selector: str) -> Callable:
    def prepare(page) -> None:
        page.locator(selector).evaluate("el => { el.open = true; }")

    return prepare


def reply_path(app, incident_id: int) -> str:
    with Session(app.state.engine) as session:
        mail = session.exec(
            select(OutboxMail).where(OutboxMail.incident_id == incident_id, OutboxMail.kind == "processor_request")
        ).one()
    return re.search(r"(/reply/\S+)", mail.text_body).group(1)


@pytest.mark.parametrize(("lang", "width", "other_width"), [("en", "desktop", "phone"), ("nl", "phone", "desktop")])
def test_the_whole_officer_walk(app, settings, live_server, lang, width, other_width):
    ARTIFACTS.mkdir(exist_ok=True)
    add_admin_with_cli(settings)
    set_language(app, lang)
    with httpx.Client(base_url=live_server, headers=AUTH) as api:  # the processor the administrator keeps on file
        assert api.post("/api/v1/processors", json=CLOUD).status_code == 201
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # bypass_csp lets the test inject axe; the pages' own policy stays as served.
        context = browser.new_context(locale=LOCALES[lang], viewport=WIDTHS[width], bypass_csp=True)
        page = context.new_page()
        sign_in_first_time(page, live_server)
        other_context = browser.new_context(
            locale=LOCALES[lang], viewport=WIDTHS[other_width], bypass_csp=True, storage_state=context.storage_state()
        )
        look = Inspector(lang, page, other_context.new_page(), other_width)
        assert page.locator("h1").count() >= 1
        look.look("dashboard")

        # The organisation profile: a hospital, so an essential entity with Z-CERT as its CSIRT.
        fill_hospital_profile(page, live_server)
        assert t("class_essential", lang) in page.locator(".classification").inner_text()
        look.look("settings")

        # A high-risk personal data breach, the significance still open.
        page.goto(live_server + "/incidents/new")
        look.look("new incident")
        page.fill("#title", "Ransomware op het EPD")
        page.fill("#summary", "EPD en labsystemen versleuteld; losgeldbrief op de fileservers.")
        page.fill("#fact_nature", "Ransomware op het ziekenhuisnetwerk")
        page.select_option("#fact_incident_type", "ransomware")
        page.check("input[name=breach_risk][value=high]")
        page.fill("#avg_aware_at", page.locator("#detected_at").get_attribute("max"))
        page.fill("#avg_reasoning", "Patiëntdossiers mogelijk ingezien door de aanvallers.")
        page.click("button.big")
        assert re.search(r"/incidents/\d+$", page.url), page.locator(".error").all_inner_texts()
        incident_url = page.url
        iid = int(incident_url.rsplit("/", 1)[1])
        assert flash(page) == t("done_incident", lang).format(id=iid)
        box = page.locator("#next-action")
        assert box.get_attribute("data-stage") == "ap_notification"
        assert t("next_action", lang) in box.text_content()
        assert stage_title("avg", "ap_notification", lang) in box.text_content()
        assert "Autoriteit Persoonsgegevens" in box.text_content()
        # The data-subject communication is a duty of its own (issue 17 §1), not hidden behind the AP notification.
        assert page.locator("#report-avg-data_subject_communication").count() == 1

        # The significance assistant: a death cannot be ruled out, so it proposes significant; the officer agrees.
        page.click("#assistant-cbw > summary")
        assistant = page.locator("#assistant-cbw")
        assistant.locator("#q_death_possible").select_option("yes")
        assistant.locator('form[data-form="assessment"] button').click()
        assert flash(page) == t("done_assessment", lang)
        proposal = page.locator("#assistant-cbw .proposal")
        assert proposal.get_attribute("class") == "proposal yes", proposal.inner_text()
        look.look("assistant proposal", open_details("#assistant-cbw"))
        confirm = page.locator('#assistant-cbw form[data-form="confirm"]')
        confirm.locator("#reasoning").fill("Patiëntenzorg ernstig verstoord; levensgevaar niet uitgesloten.")
        confirm.locator("button.primary").click()
        assert flash(page) == t("done_assessment_confirmed", lang)
        # Now the 24 h early warning comes first, above the 72 h AP notification.
        box = page.locator("#next-action")
        assert box.get_attribute("data-stage") == "early_warning", box.text_content()
        assert stage_title("cbw", "early_warning", lang) in box.text_content()
        assert "Z-CERT" in box.text_content()
        cards = page.locator("article.card.report").evaluate_all("els => els.map(e => e.id)")
        assert cards[:2] == ["report-cbw-early_warning", "report-avg-ap_notification"], cards
        if width == "desktop" and lang == "en":
            page.wait_for_timeout(1100)  # the countdown ticks once
            page.screenshot(path=str(ARTIFACTS / "incident.png"))
        look.look("incident page")

        # The facts: Dutch number notation on the Dutch page.
        facts = page.locator("#facts")
        if facts.locator("details.facts").get_attribute("open") is None:
            facts.locator("details.facts > summary").click()
        facts.locator("#fact_subjects_min").fill("20.000" if lang == "nl" else "20000")
        facts.locator("#fact_measures_taken").fill("Netwerk gesegmenteerd, back-ups veiliggesteld.")
        facts.locator("button.primary").click()
        assert flash(page) == t("done_facts", lang).format(n=2), flash(page)
        look.look("facts", open_details("#facts details.facts"))

        # The draft of the next action, as plain text field by field with a copy button, and the whole as text.
        page.click("#next-action a[data-open^='draft-']")
        report = page.locator("#report-cbw-early_warning")
        assert report.locator("details.draft").get_attribute("open") is not None
        assert report.locator("button.copy-all").is_visible()
        assert report.locator(".paste-field button.copy").first.is_visible()
        assert "Ziekenhuis Rivierenland" in report.locator("details.draft").inner_text()
        assert "**" not in report.locator("details.draft").inner_text()
        if width == "desktop" and lang == "en":
            page.evaluate("document.querySelector('#report-cbw-early_warning').scrollIntoView()")
            page.screenshot(path=str(ARTIFACTS / "draft.png"))
        look.look("draft", open_details("#draft-report-cbw-early_warning"))

        # Confirm the early warning submitted: back on the page, the flash names the stage and the reference.
        page.click("#next-action a[data-open^='confirm-']")
        form = page.locator('form[data-form="cbw.submitted:early_warning"]')
        form.locator("#reference").fill("NCSC-2026-1207-0042")
        if form.locator("input[name=ack_missing]").count():
            form.locator("input[name=ack_missing]").check()
        form.locator("button.primary").click()
        assert page.url == incident_url
        expected = t("done_submitted", lang).format(
            stage=stage_title("cbw", "early_warning", lang), reference="NCSC-2026-1207-0042"
        )
        assert flash(page) == expected
        assert page.locator('tr.deadline[data-stage="early_warning"]').get_attribute("data-status") == "met"
        assert page.locator("#next-action").get_attribute("data-stage") != "early_warning"

        # The dashboard: the incident with its countdown, and the data-subject communication as a chip of its own.
        page.goto(live_server + "/")
        card = page.locator(f'.incident-card[data-incident="{iid}"]')
        assert card.locator(".countdown").count() >= 1
        chips = card.locator(".chip").all_text_contents()
        assert any(stage_title("avg", "data_subject_communication", lang) in chip for chip in chips), chips
        look.look("dashboard with the incident")
        page.goto(incident_url)

        # The processor: linked from the incident page, its service desk answers through the mailed link.
        page.select_option("#processor_id", label="NimbusCloud B.V.")
        page.locator("#processors form button.primary").click()
        assert flash(page) == t("done_processor", lang).format(name="NimbusCloud B.V.")
        assert t("waiting", lang) in page.locator("#processors table").inner_text()
        look.look("incident with processor")
        desk = browser.new_context(locale=LOCALES[lang], viewport=WIDTHS[width], bypass_csp=True)
        reply = desk.new_page()
        reply.goto(live_server + reply_path(app, iid))
        assert "Ransomware op het EPD" in reply.locator("main").inner_text()
        assert "Ziekenhuis Rivierenland" in reply.locator("main").inner_text()
        desk_other = browser.new_context(locale=LOCALES[lang], viewport=WIDTHS[other_width], bypass_csp=True)
        replies = Inspector(lang, reply, desk_other.new_page(), other_width)
        replies.look("reply page")
        if width == "desktop" and lang == "en":
            reply.screenshot(path=str(ARTIFACTS / "reply.png"))
        reply.fill("#remark", "Opslagcluster versleuteld via een gestolen beheeraccount; herstel loopt.")
        reply.click("button.primary")
        assert reply.locator("h1").inner_text() == t("reply_thanks_title", lang)
        replies.look("reply received")
        desk_other.close()
        look.problems += replies.problems
        look.seen += replies.seen
        desk.close()
        page.goto(incident_url)
        answer = page.locator("#processors .processor-answer")
        assert "Opslagcluster versleuteld via een gestolen beheeraccount" in answer.inner_text()
        assert t("answered", lang) in page.locator("#processors table").inner_text()

        # An intermediate report asked for by the CSIRT: recorded with who asked and by when.
        request_form = page.locator('form[data-form="cbw.intermediate_requested"]')
        request_form.locator("xpath=ancestor::details[1]/summary").click()
        due = local_input(clock.now() + timedelta(days=5), ZoneInfo(HOSPITAL["timezone"]))
        request_form.locator("input[name=due]").fill(due)
        request_form.locator("input[name=requested_by]").fill("Z-CERT")
        request_form.locator("button.primary").click()
        label = yaml.safe_load((WORKFLOWS / "cbw.yaml").read_text())["track"]["events"]["intermediate_requested"]
        assert flash(page) == t("done_event", lang).format(what=label["label"][lang])
        assert "Z-CERT" in page.locator("section.card", has_text=t("requests", lang)).first.inner_text()
        look.look("incident with request")

        # Resolved: the reasoning stays in the record.
        resolve = page.locator('form[data-form="incident.resolved"]')
        resolve.locator("xpath=ancestor::details[1]/summary").click()
        resolve.locator("#reasoning").fill("Systemen hersteld uit back-ups; wachtwoorden vervangen.")
        resolve.locator("button.primary").click()
        assert flash(page) == t("done_event", lang).format(what=t("resolve", lang))
        assert page.locator('form[data-form="incident.resolved"]').count() == 0

        # The audit trail in words: the reference, no raw event codes.
        page.click("#audit-full")
        assert page.url == f"{incident_url}/audit"
        trail = page.locator("table.audit").inner_text()
        assert "NCSC-2026-1207-0042" in trail and "user:anna@zrl.example" in trail
        assert "cbw.submitted" not in trail and "intermediate_requested" not in trail, trail
        look.look("audit trail")

        # The breach register: the breach with its high risk.
        page.goto(live_server + "/register/breaches")
        row = page.locator("table.register tbody tr", has_text="Ransomware op het EPD")
        assert row.count() == 1
        look.look("breach register")

        # The calendar subscription: the feed address is shown once, on request.
        page.goto(live_server + "/account/calendar")
        look.look("calendar")
        page.click("main button.primary")
        assert page.locator("#calendar-feed").inner_text().startswith("http")
        look.look("calendar address")
        browser.close()

    assert len(look.seen) == 16, look.seen
    assert look.problems == [], "\n".join(look.problems)
    if width == "desktop" and lang == "en" and os.environ.get("NOTIFIER_UPDATE_SCREENSHOTS") == "1":
        shots = ROOT / "docs" / "screenshots"
        for name in SHOTS:
            shutil.copy(ARTIFACTS / name, shots / name)
