"""Mail as mail servers expect it: CRLF, Auto-Submitted, Reply-To, one SMTP connection per pass, private .eml files,
and an HTML part that says what the text part says."""

import re
import stat
from datetime import timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path

import pytest

from notifier.db import session_scope
from notifier.mail.delivery import deliver_due
from notifier.mail.outbox import enqueue
from notifier.mail.render import Rendered, render
from notifier.mail.sender import EmlSender, SmtpSender
from tests.processors.test_processor_chase import link, setup_incident
from tests.reminders.conftest import MAIL_FROM
from tests.reminders.test_ladder import T0, significant_incident

REPLY_TO = "meldpunt@zrl.example"


def _queue(app, count: int) -> None:
    with session_scope(app.state.engine) as session:
        for n in range(count):
            mail = Rendered(f"subject {n}", "line one\nline two\n", "<p>line one<br>line two</p>\n")
            enqueue(
                session,
                key=f"k:{n}",
                kind="test",
                to=[f"x{n}@y.example"],
                cc=[],
                mail=mail,
                mail_from=MAIL_FROM,
                now=T0,
                organisation_id=1,
            )


def _crlf_only(data: bytes) -> bool:
    return b"\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_one_smtp_connection_per_pass_with_auto_submitted_reply_to_and_crlf(app, settings, smtp):
    settings = settings.model_copy(update={"mail_reply_to": REPLY_TO})
    _queue(app, 3)
    actions = deliver_due(app.state.engine, sender=SmtpSender(settings), mail_from=MAIL_FROM, reply_to=REPLY_TO, now=T0)
    assert [a["action"] for a in actions] == ["mail.sent"] * 3
    assert len(smtp.handler.received) == 3
    assert len({r.peer for r in smtp.handler.received}) == 1  # one connection carried the whole pass
    for received in smtp.handler.received:
        assert received.message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no vacation replies
        assert received.message["Reply-To"] == REPLY_TO
        assert _crlf_only(received.raw)


def test_a_refused_mail_does_not_cost_the_pass_its_connection(app, settings, smtp):
    _queue(app, 3)
    smtp.handler.refuse_remaining = 1
    actions = deliver_due(app.state.engine, sender=SmtpSender(settings), mail_from=MAIL_FROM, now=T0)
    assert [a["action"] for a in actions] == ["mail.retry", "mail.sent", "mail.sent"]
    assert len({r.peer for r in smtp.handler.received}) == 1
    assert smtp.handler.received[0].message["Reply-To"] is None  # not configured: no header


def test_the_scheduler_sets_reply_to_from_the_setting(client, app, settings, smtp, tick):
    from notifier.scheduler import run_once

    settings = settings.model_copy(update={"mail_reply_to": REPLY_TO})
    significant_incident(client)
    run_once(app.state.engine, settings=settings, registry=app.state.registry, now=T0 + timedelta(hours=12))
    [received] = smtp.handler.received
    assert received.message["Reply-To"] == REPLY_TO


def test_eml_files_are_private_and_use_crlf(app, settings):
    _queue(app, 1)
    directory = settings.var_dir / "outbox"
    deliver_due(app.state.engine, sender=EmlSender(directory), mail_from=MAIL_FROM, now=T0)
    [path] = directory.glob("*.eml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # they hold reply links that work without an account
    data = path.read_bytes()
    assert _crlf_only(data)
    message = message_from_bytes(data, policy=policy.default)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_body(("plain",)).get_content().splitlines() == ["line one", "line two"]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.parts += [value for name, value in attrs if name == "href" and value]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _missing_from_html(message) -> set[str]:  # noqa: ANN001
    text = message.get_body(("plain",)).get_content()
    parser = _Text()
    parser.feed(message.get_body(("html",)).get_content())
    return _words(text) - _words(" ".join(parser.parts))


def test_html_part_of_a_reminder_says_what_the_text_part_says(client, app, smtp, tick):
    significant_incident(client)
    tick(T0 + timedelta(hours=12))
    [received] = smtp.handler.received
    text = received.message.get_body(("plain",)).get_content()
    assert "Beste" in text
    assert _missing_from_html(received.message) == set()


def test_html_part_of_a_processor_request_says_what_the_text_part_says(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    [received] = [r for r in smtp.handler.received if "processor" in str(r.message["X-Meldplicht-Key"])]
    text = received.message.get_body(("plain",)).get_content()
    assert "dagen geldig" in text
    assert _missing_from_html(received.message) == set()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", ["reminder", "processor_request", "audit_checkpoint"])
def test_html_and_text_templates_carry_the_same_words(name, lang):
    """Every template pair, with the optional branches on (escalation, overdue, provisional, a recipient name)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    context = {
        "incident": {"id": 7, "title": "Ransomware"},
        "recipient_name": "Anna",
        "overdue": True,
        "due_now": False,
        "provisional": True,
        "stage_title": "Eindverslag",
        "regime_title": "Cbw",
        "legal_basis": "Cbw art. 23",
        "due_local": "2026-11-17 09:00 CET",
        "remaining": "3 u",
        "parties": [{"name": "Z-CERT", "channel": "portaal"}],
        "missing": ["Aard"],
        "link": "https://mp.example/incidents/7",
        "step": "overdue:1",
        "step_text": "na de termijn, herhaling 1",
        "stage_in_sentence": "eindverslag",
        "contact_name": "Servicedesk",
        "escalation": True,
        "requested_local": "2026-11-16 10:00 CET",
        "term_hours": 4,
        "level": 2,
        "processor": "NimbusCloud",
        "facts": ["Aard"],
        "reply_url": "https://mp.example/reply/abc",
        "reply_days": 14,
        "organisation_name": "Ziekenhuis Rivierenland",
        "officer": {"name": "Anna de Vries", "email": "a.devries@zrl.example", "phone": "+31 88 123 4567"},
        "reply_by": "2026-11-16 14:00 CET",
        "seq": 12,
        "hash": "ab" * 32,
        "at": "2026-11-16T10:00:00+00:00",
        "key": "k1",
        "line": '{"seq":12}',
    }
    rendered = render(templates, name, lang, context)
    message = message_from_bytes(_as_mail(rendered), policy=policy.default)
    assert _missing_from_html(message) == set()


def _as_mail(rendered: Rendered) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = rendered.subject
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return bytes(message)


def test_a_reminder_names_the_stage_and_its_step_in_words_not_codes(client, app, smtp, tick):
    """'melding datalek aan de AP', not 'aan de ap'; 'herinnering 12 uur vóór de termijn', not 'herinnering before:12h'
    (found walking the officer flow, issue 17)."""
    from freezegun import freeze_time

    from tests.conftest import new_incident, post_event, put_organisation

    with freeze_time(T0):
        put_organisation(client)
        incident = new_incident(client)
        post_event(client, incident["id"], type="avg.breach", aware_at=T0.isoformat(), risk="high", reasoning="EPD")
    tick(T0 + timedelta(hours=60))  # the AP notification is due at T0 + 72 h: the 12 h reminder
    [received] = [r for r in smtp.handler.received if "ap_notification" in str(r.message["X-Meldplicht-Key"])]
    text = received.message.get_body(("plain",)).get_content()
    assert "Over 12 u 0 min verstrijkt de termijn voor ‘Melding datalek aan de AP’." in text, text
    assert "(automatisch bericht; herinnering 12 uur vóór de termijn)" in text
    assert "before:12h" not in text and " ap." not in text
    assert "12 uur vóór de termijn" in received.message.get_body(("html",)).get_content()


@pytest.mark.parametrize("title", ["Eindverslag", "Tussentijds verslag", "Melding datalek aan de AP"])
@pytest.mark.parametrize("when", [{"overdue": True}, {"due_now": True}, {}])
def test_a_dutch_reminder_names_the_stage_without_guessing_its_article(title, when):
    """'de eindverslag' and 'de tussentijds verslag' are wrong Dutch (het verslag): the stage is named by its title
    in quotes, which reads right for every stage."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    from notifier.i18n import in_sentence

    context = {
        "incident": {"id": 7, "title": "Ransomware"},
        "overdue": False,
        "due_now": False,
        **when,
        "stage_title": title,
        "stage_in_sentence": in_sentence(title),
        "regime_title": "Cbw",
        "due_local": "17-11-2026 09:00 CET",
        "remaining": "3 u",
        "parties": [],
        "missing": [],
        "link": "https://mp.example/incidents/7",
        "step_text": "na de termijn, herhaling 1",
        "recipient_name": "Anna",
        "legal_basis": "Cbw art. 23",
        "provisional": False,
        "step": "overdue:1",
    }
    rendered = render(templates, "reminder", "nl", context)
    for body in (rendered.text, rendered.html):
        assert f"termijn voor ‘{title}’" in body, body
        assert f"voor de {in_sentence(title)}" not in body
