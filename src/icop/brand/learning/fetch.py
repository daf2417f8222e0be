"""Fetching a web page a user names, guarded against server-side request forgery.

A user's URL is fetched by the server, so it must not become a way to read what only the
server can reach: loopback, link-local (169.254.0.0/16, where cloud metadata services answer),
private and otherwise non-global ranges. Each hop is checked before it is requested: the
scheme and port, every address the host name resolves to (a public name that resolves to
10.0.0.1 is refused), and each redirect's target likewise — redirects are followed here, hop
by hop, never by the HTTP client. The body is streamed and cut at ``max_bytes``; the whole
fetch, redirects included, has one deadline.

Residual risk, accepted and documented (ADR 0030): the HTTP client resolves the name again
when it connects, so a DNS server that answers public first and private second (rebinding)
could slip through that window. Pinning the connection to the checked address would need a
custom transport per TLS host; the deadline, the size cap and that only editors may ask keep
the exposure small.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import httpx

from icop.errors import ValidationFailed

Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_REDIRECTS = 5
ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})
ACCEPTED_TYPES = ("text/html", "text/css", "text/plain", "application/xhtml+xml")


class FetchRefused(ValidationFailed):
    """422: the URL (or a hop it redirects to) may not be fetched; ``reason`` says why."""

    code: ClassVar[str] = "fetch_refused"
    title: ClassVar[str] = "The page may not be fetched"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 2_000_000
    timeout_s: float = 10.0
    allow_private: bool = False
    """Only outside production, and only when the operator says so (a local test site)."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    """The final URL, after redirects."""
    content_type: str
    text: str


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return sorted({str(info[4][0]) for info in infos})


def blocked_address(address: str) -> str | None:
    """Why an address may not be fetched, or None. Anything not globally routable is out
    (loopback, link-local, private, shared, reserved, multicast …), IPv4 inside IPv6 too."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "not_global"
    return None


async def check_url(url: str, limits: FetchLimits, resolver: Resolver) -> None:
    """Refuse (``FetchRefused``) a URL this server must not request."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused("scheme", f"only http and https pages are fetched, not {url!r}")
    if not parts.hostname:
        raise FetchRefused("host", f"the URL {url!r} names no host")
    if parts.username or parts.password:
        raise FetchRefused("credentials", "URLs with a user name or password are not fetched")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if port not in ALLOWED_PORTS:
        raise FetchRefused("port", f"port {port} is not fetched (only {sorted(ALLOWED_PORTS)})")
    if limits.allow_private:
        return
    try:
        addresses = await resolver(parts.hostname, port)
    except OSError as error:
        raise FetchRefused("dns", f"{parts.hostname} does not resolve ({error})") from error
    if not addresses:
        raise FetchRefused("dns", f"{parts.hostname} does not resolve")
    for address in addresses:
        reason = blocked_address(address)
        if reason is not None:
            raise FetchRefused(
                reason,
                f"{parts.hostname} resolves to {address}, a {reason.replace('_', '-')} "
                "address: only public pages are fetched",
            )


async def fetch_page(
    url: str,
    limits: FetchLimits,
    *,
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchedPage:
    """The page at ``url``: checked, redirects followed hop by hop (each checked), at most
    ``limits.max_bytes`` read, everything within ``limits.timeout_s``."""
    try:
        async with asyncio.timeout(limits.timeout_s):
            return await _fetch(url, limits, resolver, transport)
    except TimeoutError as error:
        raise FetchRefused(
            "timeout", f"the page did not arrive within {limits.timeout_s:g} s"
        ) from error


async def _fetch(
    url: str,
    limits: FetchLimits,
    resolver: Resolver,
    transport: httpx.AsyncBaseTransport | None,
) -> FetchedPage:
    async with httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        timeout=limits.timeout_s,
        headers={"User-Agent": "ICOP brand learning", "Accept": "text/html,text/css"},
    ) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            await check_url(url, limits, resolver)
            try:
                async with client.stream("GET", url) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchRefused("redirect", "a redirect without a Location")
                        url = urljoin(url, location)
                        continue
                    if response.status_code != 200:
                        raise FetchRefused(
                            "status", f"the page answered HTTP {response.status_code}"
                        )
                    content_type = response.headers.get("content-type", "").split(";")[0]
                    if content_type.strip().lower() not in ACCEPTED_TYPES:
                        raise FetchRefused(
                            "content_type", f"{content_type or 'no type'} is not HTML or CSS"
                        )
                    body = await _read_capped(response, limits.max_bytes)
                    return FetchedPage(
                        url=url,
                        content_type=content_type,
                        text=body.decode(response.encoding or "utf-8", errors="replace"),
                    )
            except httpx.HTTPError as error:
                raise FetchRefused(
                    "unreachable", f"the page could not be fetched ({error})"
                ) from error
    raise FetchRefused("redirect", f"more than {MAX_REDIRECTS} redirects")


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused("too_large", f"the page is larger than {max_bytes:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused("too_large", f"the page is larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
