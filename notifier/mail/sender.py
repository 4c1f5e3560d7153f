"""Hand a mail to SMTP, or write it as an .eml file when no SMTP host is configured."""

import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from notifier.config import Settings
from notifier.mail.models import OutboxMail


def build_message(mail: OutboxMail, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = ", ".join(mail.to_addrs)
    if mail.cc_addrs:
        message["Cc"] = ", ".join(mail.cc_addrs)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    message["X-Meldplicht-Key"] = mail.idempotency_key
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


class SmtpSender:
    """One connection per delivery pass; smtplib raises on any refusal, which the pass turns into a retry."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        s = self.settings
        if s.smtp_tls == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
        with client:
            if s.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password or "")
            client.send_message(message, to_addrs=recipients)


class EmlSender:
    """The embedded default: var/outbox/<key>.eml, written atomically so a reader never sees half a file."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / (re.sub(r"[^A-Za-z0-9_.-]+", "_", key) + ".eml")

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(message["X-Meldplicht-Key"])
        temporary = target.with_suffix(f".tmp{os.getpid()}")
        temporary.write_bytes(bytes(message))
        os.replace(temporary, target)


def sender_for(settings: Settings) -> SmtpSender | EmlSender:
    if settings.smtp_host:
        return SmtpSender(settings)
    return EmlSender(Path(settings.var_dir) / "outbox")
