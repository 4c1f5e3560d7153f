"""A real SMTP server on loopback (aiosmtpd) that records what it accepted and can refuse for a while."""

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes = b""  # the DATA as it came over the wire
    peer: tuple = ()  # the client's address and port: one per SMTP connection


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refuse_remaining: int = 0  # answer "451 try later" to this many DATA commands
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_receive: Callable[[], None] | None = None  # runs after a message is stored, before "250 OK" is answered

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        with self.lock:
            if self.refuse_remaining > 0:
                self.refuse_remaining -= 1
                self.refused += 1
                return "451 4.3.0 Mail server temporarily refusing, try later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content, session.peer)
            )
        if self.on_receive is not None:
            self.on_receive()
        return "250 OK"

    def by_key(self, prefix: str) -> list[Received]:
        return [r for r in self.received if str(r.message["X-Meldplicht-Key"]).startswith(prefix)]


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


@pytest.fixture
def smtp():
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer("127.0.0.1", port, handler)
    controller.stop()
