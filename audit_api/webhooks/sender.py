"""One HTTP POST to an address already vetted: no redirects, a deadline, a capped excerpt."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from audit_api.webhooks.addresses import Target

EXCERPT_BYTES = 1000


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code and an excerpt, or an error."""

    status: int | None = None
    excerpt: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Pinned(http.client.HTTPConnection):
    """Connects to the vetted address; the Host header keeps the URL's host."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """TLS to the vetted address, the certificate checked against the URL's host."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(raw, server_hostname=self.host)


def post(target: Target, address: str, body: bytes, headers: dict[str, str], timeout: float):
    """POST `body`; never raises for network trouble (it is the Outcome's error)."""
    kind = _PinnedTLS if target.scheme == "https" else _Pinned
    connection = kind(target, address, timeout)
    deadline = time.monotonic() + timeout
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        _remaining(connection, deadline)
        response = connection.getresponse()
        _remaining(connection, deadline)
        raw = response.read(EXCERPT_BYTES)
        # Text a database can hold: NUL is refused by PostgreSQL.
        excerpt = raw.decode("utf-8", "replace").replace("\x00", "")
        return Outcome(status=response.status, excerpt=excerpt or None)
    except TimeoutError:
        return Outcome(error=f"timed out after {timeout:g} s")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(error=f"{error.__class__.__name__}: {error}"[:300])
    finally:
        connection.close()


def _remaining(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Each read gets only what is left of the attempt's time."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(left)
