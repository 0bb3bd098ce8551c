"""Where a webhook may be sent: http(s) URLs without credentials, to hosts whose every address
is public (loopback, private, link-local, multicast, reserved and metadata are refused)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services that are not link-local (the link-local ones fall to that rule).
METADATA = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}


class Refused(ValueError):
    """A webhook URL, or the address its host resolves to, that may not be used."""


@dataclass(frozen=True)
class Target:
    """A checked URL's parts."""

    scheme: str
    host: str
    port: int
    path: str  # with the query


def parse(url: str, *, allow_http: bool) -> Target:
    """The parts of a URL a webhook may use; raise Refused saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("must be an http(s) URL")
    if parts.scheme == "http" and not allow_http:
        raise Refused("must use https")
    if parts.username is not None or parts.password is not None:
        raise Refused("must not carry credentials")
    if not parts.hostname:
        raise Refused("must name a host")
    if parts.fragment:
        raise Refused("must not have a fragment")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default, path)


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215


def public(address: IPAddress) -> bool:
    """Whether an address is a public unicast one (IPv4 inside IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo:
            return False
        if address in NAT64_LOCAL:  # a network's own translator: never a public host
            return False
        inner = address.ipv4_mapped or address.sixtofour
        if address in NAT64:  # the well-known prefix carries the IPv4 in its last 32 bits
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            address = inner
    if address in METADATA or address.is_multicast:
        return False
    return address.is_global


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (the tests replace this to play DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vetted_address(target: Target, *, allow_private: bool) -> str:
    """The address to connect to: the host's first, if none of them is refused."""
    try:
        found = resolve(target.host, target.port)
    except (OSError, UnicodeError):
        raise Refused(f"host {target.host} does not resolve") from None
    if not found:
        raise Refused(f"host {target.host} does not resolve")
    if not allow_private:
        for text in found:
            if not public(ipaddress.ip_address(text.split("%")[0])):
                raise Refused(f"host {target.host} resolves to a non-public address ({text})")
    return found[0]
