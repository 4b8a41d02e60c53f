"""POST to a receiver, refusing server-side request forgery.

The host is resolved here and every address it resolves to must be public: loopback,
private, link-local (cloud metadata at 169.254.169.254), shared, reserved and multicast
addresses are refused before any connection, unless the host is named in
WEBHOOK_ALLOWED_HOSTS. The connection then goes to the address that was checked (the URL's
host still names the server in Host and in TLS), so a second resolution cannot swap it."""
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import httpx

ANSWER_KEPT = 2048  # bytes of the receiver's answer recorded with the attempt


class Refused(Exception):
    """The address is not one the worker may connect to."""


@dataclass
class Answer:
    status_code: int | None = None
    error: str | None = None
    body: str | None = None
    duration_ms: int = 0
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def checked_address(host: str, port: int, allowed_hosts) -> str:
    """The address to connect to for ``host``; Refused if any it resolves to is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(f"{host} does not resolve: {error.strerror}") from error
    addresses = [info[4][0] for info in infos]
    if host not in allowed_hosts:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            ip = getattr(ip, "ipv4_mapped", None) or ip
            if not ip.is_global or ip.is_multicast:
                raise Refused(f"{host} resolves to {address}, which is not a public address")
    return addresses[0]


@dataclass
class Post:
    """A POST for a pool thread to make (a webhook, a push): all it needs, no database."""

    url: str
    body: bytes
    headers: dict
    timeout: float
    allowed_hosts: list

    def run(self) -> Answer:
        return post(self.url, self.body, self.headers, timeout=self.timeout,
                    allowed_hosts=self.allowed_hosts)


def post(url: str, body: bytes, headers: dict, *, timeout: float, allowed_hosts) -> Answer:
    """POST ``body``; redirects are answers, not followed; only a 2xx within ``timeout``
    seconds counts."""
    started = time.monotonic()
    answer = Answer()
    try:
        answer = _post(url, body, headers, timeout, allowed_hosts)
    except Refused as error:
        answer.error = f"refused: {error}"
    except httpx.TimeoutException:
        answer.error = f"timed out after {timeout:g} s"
    except httpx.HTTPError as error:
        answer.error = f"{type(error).__name__}: {error}"[:500]
    answer.duration_ms = round((time.monotonic() - started) * 1000)
    if answer.status_code is not None and answer.duration_ms > timeout * 1000:
        answer.status_code, answer.error = None, f"answered after the {timeout:g} s timeout"
    return answer


def _post(url, body, headers, timeout, allowed_hosts) -> Answer:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = checked_address(parts.hostname, port, allowed_hosts)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(parts._replace(netloc=f"{literal}:{port}"))
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    with httpx.Client(timeout=timeout, follow_redirects=False, verify=_tls()) as client:
        with client.stream("POST", pinned, content=body, headers={**headers, "Host": host_header},
                           extensions={"sni_hostname": parts.hostname}) as response:
            kept = b""
            for chunk in response.iter_bytes():
                kept += chunk
                if len(kept) >= ANSWER_KEPT:
                    break
            return Answer(status_code=response.status_code,
                          body=kept[:ANSWER_KEPT].decode("utf-8", "replace"),
                          retry_after=_retry_after(response.headers.get("Retry-After")))


@cache
def _tls() -> ssl.SSLContext:
    """One context for every delivery: loading the CA certificates takes milliseconds."""
    return ssl.create_default_context()


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date; None if unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
