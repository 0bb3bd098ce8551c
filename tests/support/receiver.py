"""A webhook receiver on loopback that verifies signatures with the standardwebhooks library,
answers as a script says (500s, a stall past the sender's timeout, then 2xx) and keeps each
event once by its webhook-id, as a careful receiver does."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    """Start with `with Receiver() as r:`; `r.url` takes POSTs, `r.secret` must be set before."""

    def __init__(self, script: list[int | str] | None = None, stall_s: float = 2.0) -> None:
        # Each request takes the next answer: a status code, or "stall" (no answer for stall_s);
        # once the script runs out every request gets 204.
        self.script = list(script or [])
        self.stall_s = stall_s
        self.secrets: list[str] = []
        self.events: dict[str, dict[str, Any]] = {}  # webhook-id -> body, first accepted
        self.bodies: dict[str, bytes] = {}  # webhook-id -> the bytes of every copy (equal)
        self.attempts: Counter[str] = Counter()
        self.bad_signatures = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    @property
    def secret(self) -> str:
        return self.secrets[0]

    @secret.setter
    def secret(self, value: str) -> None:
        self.secrets = [value]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
        return None

    def _answer(self, body: bytes, headers: dict[str, str]) -> int | str:
        payload = self._verify(body, headers)
        with self.lock:
            if payload is None:
                self.bad_signatures += 1
                return 401
            msg_id = headers["webhook-id"]
            self.attempts[msg_id] += 1
            assert self.bodies.setdefault(msg_id, body) == body, "a retry sent other bytes"
            answer = self.script.pop(0) if self.script else 204
            if answer == 204 or answer == "stall":
                self.events.setdefault(msg_id, payload)  # a stalled one is kept, then dropped
            return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                answer = receiver._answer(body, {k.lower(): v for k, v in self.headers.items()})
                if answer == "stall":
                    time.sleep(receiver.stall_s)
                    answer = 204
                try:
                    self.send_response(int(answer))
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *_: Any) -> None:
                pass

        return Handler

    def types(self) -> list[str]:
        """The event types received, each event once."""
        with self.lock:
            return sorted(e["type"] for e in self.events.values())


def decode(body: bytes) -> dict[str, Any]:
    return json.loads(body)
