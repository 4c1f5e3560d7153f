"""The public reply page, byte for byte: what a processor's contact sees (and its status) is pinned by reviewed files,
so a change in how the page is built cannot change what it shows. UPDATE_GOLDEN=1 rewrites them (then review)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from tests.processors.test_processor_chase import T0, link, reply_path, setup_incident

GOLDEN = Path(__file__).parent / "golden"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""}


def same_as_golden(name: str, response, token: str) -> None:
    text = f"{response.status_code} {response.headers['content-type']}\n" + response.text.replace(token, "TOKEN")
    # An apostrophe may be spelled &#x27; (html.escape) or &#39; (Jinja's markupsafe): the same character shown.
    text = text.replace("&#x27;", "&#39;")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def reply(client, app, smtp, tick) -> str:
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    return reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)


def test_the_reply_pages_show_exactly_what_they_showed(client, reply):
    token = reply.removeprefix("/reply/")
    with freeze_time(T0 + timedelta(hours=2)):
        same_as_golden("reply_form.html", client.get(reply, headers={"Authorization": ""}), token)
        same_as_golden("reply_nothing_filled.html", client.post(reply, content="severity=+", headers=FORM), token)
        too_large = client.post(reply, content="causes=" + "x" * 200_001, headers=FORM)
        same_as_golden("reply_too_large.html", too_large, token)
        same_as_golden("reply_invalid.html", client.get(reply[:-1] + ("x" if reply[-1] != "x" else "y")), token)
        same_as_golden(
            "reply_thanks.html", client.post(reply, content="severity=high&causes=%3Cb%3E", headers=FORM), token
        )
    with freeze_time(T0 + timedelta(days=15, hours=2)):
        same_as_golden("reply_expired.html", client.get(reply), token)
