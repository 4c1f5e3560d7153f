"""Keyboard and browser basics of every page (issue 17, section 7): a skip link as the first focusable element, a
favicon (linked, and at /favicon.ico where browsers ask anyway), and the HTML not-found page for an unknown address
a browser asks for, while the API and non-HTML clients keep the problem+json answer."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.test_avg_forms import set_language

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SKIP = {"nl": "Naar de inhoud", "en": "Skip to content"}
NOT_FOUND = {"nl": "Niet gevonden", "en": "Not found"}
FOCUSABLE = re.compile(r"<(a|button|input|select|textarea)\b[^>]*>", re.S)


def first_focusable(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return next(m.group(0) for m in FOCUSABLE.finditer(body) if 'type="hidden"' not in m.group(0))


def skip_link_leads_to_the_content(html: str, lang: str) -> bool:
    first = first_focusable(html)
    return 'href="#content"' in first and f">{SKIP[lang]}</a>" in html and '<main id="content"' in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_skip_link_is_the_first_focusable_element(app, signed_in, web_client, lang):
    signin = web_client.get("/signin", headers={"Accept-Language": lang})
    assert skip_link_leads_to_the_content(signin.text, lang)
    web, _ = signed_in("officer")
    set_language(app, lang)
    for path in ("/", "/incidents/new", "/account", "/register/breaches"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert skip_link_leads_to_the_content(page.text, lang), path


def test_the_favicon_is_linked_and_answered_where_browsers_ask(web_client):
    page = web_client.get("/signin")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    for path in ("/static/favicon.svg", "/favicon.ico"):
        icon = web_client.get(path, headers=BROWSER)
        assert icon.status_code == 200, path
        assert icon.headers["content-type"].startswith("image/svg+xml"), path
        assert icon.text.startswith("<svg") and "</svg>" in icon.text, path


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_browser_gets_the_not_found_page_for_an_unknown_address(app, signed_in, lang):
    anonymous = TestClient(app).get("/no/such/page", headers={**BROWSER, "Accept-Language": lang})
    assert anonymous.status_code == 404
    assert anonymous.headers["content-type"].startswith("text/html")
    assert f"<h1>{NOT_FOUND[lang]}</h1>" in anonymous.text
    web, _ = signed_in("viewer")
    set_language(app, lang)
    page = web.get("/incidents/1/nothing-here", headers=BROWSER)
    assert page.status_code == 404 and f"<h1>{NOT_FOUND[lang]}</h1>" in page.text
    assert 'href="/register/breaches"' in page.text  # the signed-in user keeps the navigation


def test_the_api_and_programs_keep_problem_json(web_client):
    for path, headers in (
        ("/api/v1/no-such-thing", BROWSER),  # the API, even when a browser asks
        ("/calendar/not-a-token/incidents/1.ics", BROWSER),  # a calendar client
        ("/no/such/page", {"Accept": "application/json"}),
        ("/no/such/page", {"Accept": "*/*"}),  # curl's default
    ):
        answer = web_client.get(path, headers=headers)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("application/problem+json"), (path, headers)
        assert answer.json()["status"] == 404, path
