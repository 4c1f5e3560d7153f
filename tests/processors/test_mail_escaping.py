"""The HTML part of a mail escapes every included fragment: a processor named `<script>` stays text (issue 11)."""

from datetime import timedelta
from html.parser import HTMLParser

from tests.processors.test_processor_chase import CLOUD, T0, link, setup_incident

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)> B.V.'


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_processor_name_with_markup_is_text_in_every_part_of_the_request_mail(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    renamed = client.put(f"/api/v1/processors/{processor['id']}", json={**CLOUD, "name": EVIL})
    assert renamed.status_code == 200, renamed.text
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    [mail] = smtp.handler.by_key(f"processor:{linked['id']}:level:1")

    html = mail.message.get_body(("html",)).get_content()
    parsed = Tags()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags, html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # Both the included subject line and the body name the processor, as typed.
    assert "".join(parsed.text).count(EVIL) == 2
    # Plain text and subject are not HTML: they carry the name as it is.
    assert EVIL in mail.message.get_body(("plain",)).get_content()
    assert EVIL in str(mail.message["Subject"])
