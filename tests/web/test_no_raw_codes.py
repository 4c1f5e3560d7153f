"""Every word on the pages in the reader's language: the catalogue knows every key the pages ask for, and the
rendered pages, in Dutch and in English, show no untranslated key or raw code (a snake_case word such as
`healthcare_provider` or `role_officer`) outside code samples.

Found walking the officer flow (issue 17): codes on the pages where a word belonged."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from notifier import clock
from notifier.accounts.roles import ROLES
from notifier.config import PROJECT_ROOT
from notifier.web.i18n import MESSAGES
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

PAGES = PROJECT_ROOT / "templates" / "pages"
WEB = PROJECT_ROOT / "notifier" / "web"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def test_every_literal_key_the_pages_ask_for_is_in_the_catalogue():
    asked: dict[str, str] = {}
    for file in [*PAGES.glob("*.j2"), *WEB.glob("*.py")]:
        for key in LITERAL_KEY.findall(file.read_text(encoding="utf-8")):
            asked.setdefault(key, file.name)
    assert len(asked) > 100, "the pattern found too few keys to be looking at the right files"
    missing = {key: where for key, where in asked.items() if key not in MESSAGES}
    assert missing == {}


class _Visible(HTMLParser):
    """The text a reader sees: no script, style, code or pre, no attribute values."""

    SKIP = {"script", "style", "code", "pre", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):  # noqa: ANN001
        if not self.depth:
            self.text.append(data)


def raw_codes(page: str, lang: str = "en") -> set[str]:
    parser = _Visible()
    parser.feed(page)
    text = " ".join(parser.text)
    found = set(CODE.findall(text))
    if lang == "nl":  # codes that are English words: a Dutch page names the role, it does not print its code
        found |= {word for word in re.findall(r"(?<![\w@.-])[a-z]+(?![\w@.-])", text) if word in ROLES}
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pages_show_words_not_codes(app, client, signed_in, lang):
    put_organisation(client)
    iid = new_incident(client)["id"]
    now = clock.now()
    post_event(client, iid, type="cbw.significant", aware_at=(now - timedelta(hours=3)).isoformat(), reasoning="EPD")
    post_event(
        client, iid, type="cbw.submitted", stage="early_warning", submitted_at=now.isoformat(), reference="NCSC-1"
    )
    due = (now + timedelta(days=3)).isoformat()
    post_event(client, iid, type="cbw.intermediate_requested", due=due, requested_by="Z-CERT")  # the request list
    web, _ = signed_in("administrator")
    set_language(app, lang)
    paths = [
        "/",
        f"/incidents/{iid}",
        "/incidents/new",
        "/settings",
        "/settings/users",
        "/settings/tokens",
        "/settings/processors",
        "/settings/sources",
        "/account",
        "/account/tokens",
    ]
    found = {}
    for path in paths:
        page = web.get(path)
        assert page.status_code == 200, path
        codes = raw_codes(page.text, lang)
        if codes:
            found[path] = sorted(codes)
    assert found == {}
