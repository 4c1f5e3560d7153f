"""Hand a mail to SMTP, or write it as an .eml file when no SMTP host is configured."""

import os
import re
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from notifier.config import Settings
from notifier.mail.models import OutboxMail


def build_message(mail: OutboxMail, mail_from: str, reply_to: str | None = None) -> EmailMessage:
    # policy.SMTP: CRLF line ends in every serialisation, the .eml files included (smtplib fixes them on the wire,
    # a mail client opening an .eml with bare LF may not).
    message = EmailMessage(policy=policy.SMTP)
    # A display name of the mail's own keeps the deployment's address: a domain that is not ours to send from
    # would fail SPF/DMARC at the recipient.
    message["From"] = formataddr((mail.from_name, parseaddr(mail_from)[1])) if mail.from_name else mail_from
    if mail.reply_to or reply_to:
        message["Reply-To"] = mail.reply_to or reply_to
    message["To"] = ", ".join(mail.to_addrs)
    if mail.cc_addrs:
        message["Cc"] = ", ".join(mail.cc_addrs)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    message["X-Meldplicht-Key"] = mail.idempotency_key
    # RFC 3834: a machine sent it, so vacation responders and ticket systems do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


class SmtpSender:
    """One connection per delivery pass: opened at the first mail, reused for the next, closed by `close()` (the
    pass calls it). smtplib raises on any refusal, which the pass turns into a retry; after a refusal of one mail the
    server has been reset (RSET) and the connection serves the next, after any other error it is dropped."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_tls == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
        try:
            if s.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        if self._client is None:
            self._client = self._connect()
        try:
            self._client.send_message(message, to_addrs=recipients)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # this mail was refused; the session is still good
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


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
        # 0600 from the start (not chmod afterwards): the file holds reply links that work without an account.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(bytes(message))
        os.replace(temporary, target)

    def close(self) -> None:
        pass


def sender_for(settings: Settings) -> SmtpSender | EmlSender:
    if settings.smtp_host:
        return SmtpSender(settings)
    return EmlSender(Path(settings.var_dir) / "outbox")
