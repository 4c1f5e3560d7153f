"""The pages in a real browser (Debian's Chromium through Playwright) at desktop and phone width, in Dutch and
English: axe-core (tests/web/a11y, from the npm registry) finds no serious or critical violation, and no page scrolls
sideways at 390 px."""

from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest

from notifier import clock
from tests.conftest import AUTH, HOSPITAL
from tests.web.conftest import PASSWORD, add_user
from tests.web.test_avg_forms import set_language
from tests.web.test_browser import ARGS, CHROMIUM

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# The innermost elements that reach past the viewport, so a failure names what to fix.
WIDEST = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('svg') && e.getBoundingClientRect().right > width + 1
          && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 6)
  .map(e => e.tagName.toLowerCase()
            + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().replace(/ +/g, '.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().right))"""

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed"),
    pytest.mark.skipif(
        not AXE.exists(), reason="axe-core is installed by scripts/test.sh (npm ci --prefix tests/web/a11y)"
    ),
]


def _seed(base: str) -> int:
    """A hospital with an incident under both the Cbw and the AVG, so the incident page shows every kind of card."""
    now = clock.now()
    with httpx.Client(base_url=base, headers=AUTH) as api:
        assert api.put("/api/v1/organisation", json=HOSPITAL).status_code == 200
        incident = api.post("/api/v1/incidents", json={"title": "Ransomware op het EPD", "summary": "EPD versleuteld"})
        iid = incident.json()["id"]
        for event in (
            {
                "type": "cbw.significant",
                "aware_at": (now - timedelta(hours=3)).isoformat(),
                "reasoning": "Zorg verstoord",
            },
            {
                "type": "avg.breach",
                "aware_at": (now - timedelta(hours=2)).isoformat(),
                "risk": "high",
                "reasoning": "EPD",
            },
        ):
            answer = api.post(f"/api/v1/incidents/{iid}/events", json=event)
            assert answer.status_code == 200, answer.text
    return iid


def _sign_in(page, base: str, email: str, secret: str) -> None:
    page.goto(base + "/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    assert page.url == base + "/", page.url


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page (also used by the officer walk)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_no_serious_violation_and_no_sideways_scrolling(app, live_server):
    browser_context = playwright_api.sync_playwright().start()
    try:
        browser = browser_context.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        secret = add_user(app, "anna@zrl.example", "administrator", totp=True)
        iid = _seed(live_server)
        pages = ["/", f"/incidents/{iid}", "/incidents/new", "/settings", "/account", "/settings/processors"]
        problems: list[str] = []
        first = browser.new_context()
        _sign_in(first.new_page(), live_server, "anna@zrl.example", secret)  # once: a TOTP code is used up
        signed_in = first.storage_state()
        first.close()
        for lang in ("nl", "en"):
            set_language(app, lang)
            for width, viewport in WIDTHS.items():
                # bypass_csp lets the test inject axe; the pages' own policy stays as served.
                context = browser.new_context(viewport=viewport, bypass_csp=True, storage_state=signed_in)
                page = context.new_page()
                for path in pages:
                    page.goto(live_server + path)
                    assert page.locator("html").get_attribute("lang") == lang, path
                    problems += [f"{lang} {width} {path}: {p}" for p in serious_violations(page)]
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > viewport["width"]:
                        culprits = page.evaluate(WIDEST, viewport["width"])
                        problems.append(f"{lang} {width} {path}: {wide} px wide at {viewport['width']} px: {culprits}")
                # A refused form: the errors must be as accessible as the form.
                page.goto(live_server + "/incidents/new")
                page.click("button.big")
                problems += [f"{lang} {width} refused form: {p}" for p in serious_violations(page)]
                context.close()
        browser.close()
    finally:
        browser_context.stop()
    assert problems == [], "\n".join(problems)
