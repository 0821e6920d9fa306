"""A fake WhatsApp Cloud API and SMSC.kz gateway on loopback, over real HTTP: for the tests
and the bench (the real ones cannot be reached from CI).

It records every request and answers as the providers do; `script()` queues answers for
the next requests of one provider: an error body, a 5xx, or a hang (a read timeout).
"""

import contextlib
import itertools
import json
import socket
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications.tests.smtp import free_port


@dataclass
class Answer:
    status: int = 200
    body: dict | None = None
    hang: float = 0.0  # seconds to wait before answering


@dataclass
class Recorded:
    provider: str  # "whatsapp" | "sms"
    path: str
    headers: dict
    body: dict = field(default_factory=dict)


def whatsapp_error(code: int, *, status: int = 400) -> Answer:
    return Answer(
        status=status,
        body={"error": {"message": f"error {code}", "type": "OAuthException", "code": code}},
    )


def smsc_error(code: int) -> Answer:
    return Answer(body={"error": f"error {code}", "error_code": code})


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs: every answer has a length
    # Headers and body go out in two writes; with Nagle on, the second waits for the
    # client's delayed ACK (40 ms) on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def setup(self):
        super().setup()
        with self.server.provider._lock:
            self.server.provider._connections.add(self.connection)

    def finish(self):
        with self.server.provider._lock:
            self.server.provider._connections.discard(self.connection)
        super().finish()

    def do_POST(self):  # noqa: N802 - http.server's hook name
        provider = self.server.provider
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urllib.parse.urlsplit(self.path).path
        if path.endswith("/messages"):
            name, body = "whatsapp", json.loads(raw or b"{}")
        elif path == "/sys/send.php":
            name = "sms"
            body = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        else:
            self._answer(Answer(status=404, body={"error": "not found"}))
            return
        provider.requests.append(Recorded(name, path, dict(self.headers), body))
        answer = provider.next_answer(name)
        if answer is None:
            if name == "whatsapp":
                answer = Answer(
                    body={
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": f"wamid.TEST{next(provider.ids)}"}],
                    }
                )
            else:
                answer = Answer(body={"id": int(body.get("id") or next(provider.ids)), "cnt": 1})
        if answer.hang:
            time.sleep(answer.hang)
        self._answer(answer)

    def _answer(self, answer: Answer):
        data = json.dumps(answer.body or {}).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, provider):
        self.provider = provider
        super().__init__(address, _Handler)


class LoopbackProvider:
    """Start, stop (the provider is down) and start again on the same port."""

    def __init__(self, port: int | None = None):
        """On `port` (default: a free one), answering like the providers until scripted."""
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.requests: deque[Recorded] = deque()
        self.ids = itertools.count(1)
        self._scripts: dict[str, deque[Answer]] = {"whatsapp": deque(), "sms": deque()}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._connections: set[socket.socket] = set()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def whatsapp_url(self) -> str:
        return f"{self.url}/v23.0"

    def start(self) -> "LoopbackProvider":
        self._server = _Server((self.host, self.port), self)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        # A provider that is down keeps no kept-alive connection open either.
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def script(self, provider: str, *answers: Answer) -> None:
        with self._lock:
            self._scripts[provider].extend(answers)

    def next_answer(self, provider: str) -> Answer | None:
        with self._lock:
            queue = self._scripts[provider]
            return queue.popleft() if queue else None

    def sent(self, provider: str) -> list[Recorded]:
        return [r for r in list(self.requests) if r.provider == provider]
