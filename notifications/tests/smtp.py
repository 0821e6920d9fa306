"""A real SMTP server on loopback (aiosmtpd) keeping what it receives: for tests and the bench."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collect:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.sink.refuse:  # a greylisting server: come back later
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.peers.append(session.peer)  # which connection brought it
        return "250 OK"


class SmtpSink:
    """Start, stop (to play "SMTP is down") and start again on the same port."""

    def __init__(self, port: int | None = None):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.messages = []
        self.peers = []  # the client's (host, port) per message: one per SMTP connection
        self.refuse = set()  # recipients answered with a temporary 451
        self.lock = threading.Lock()
        self._controller = None

    def start(self) -> "SmtpSink":
        self._controller = Controller(_Collect(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def to(self, recipient: str) -> list:
        with self.lock:
            return [m for m in self.messages if recipient in str(m["To"])]

    def wait_for(self, count: int, *, timeout: float = 15.0, recipient: str | None = None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(recipient) if recipient else list(self.messages)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        got = self.to(recipient) if recipient else list(self.messages)
        raise AssertionError(f"expected {count} messages, got {len(got)} within {timeout}s")
