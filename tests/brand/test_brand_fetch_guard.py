"""The page fetch's guard against server-side request forgery, at the wire level (respx):
internal addresses refused before any request, by literal address, by a DNS name resolving to
one, and by a redirect to one (each hop checked); size and time limits; the production rule."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from icop.brand.learning.fetch import FetchLimits, FetchRefused, blocked_address, fetch_page
from icop.brand.proposals import fetch_limits
from icop.config import Settings

PUBLIC = "93.184.215.14"
DNS = {
    "brand.example.com": [PUBLIC],
    "sneaky.example.com": ["127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "intranet.example.com": ["10.0.0.1"],
    "mixed.example.com": [PUBLIC, "10.0.0.1"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
}
PRODUCTION = FetchLimits(max_bytes=10_000, timeout_s=2.0, allow_private=False)


async def resolver(host: str, port: int) -> list[str]:
    if host in DNS:
        return DNS[host]
    try:  # a literal address resolves to itself, as getaddrinfo does
        blocked_address(host)
    except ValueError:
        raise OSError(f"no such host {host}") from None
    return [host.strip("[]")]


@pytest.fixture
def wire() -> respx.MockRouter:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link_local"),
        ("http://10.0.0.1/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://sneaky.example.com/", "loopback"),
        ("http://metadata.example.com/latest/meta-data/", "link_local"),
        ("http://intranet.example.com/", "private"),
        ("http://mixed.example.com/", "private"),  # one bad address is enough
        ("http://mapped.example.com/", "loopback"),
        ("http://100.64.0.1/", "not_global"),  # carrier-grade NAT
        ("file:///etc/passwd", "scheme"),
        ("http://brand.example.com:22/", "port"),
        ("http://user:pw@brand.example.com/", "credentials"),
        ("http://nowhere.invalid/", "dns"),
    ],
)
async def test_internal_targets_are_refused_before_any_request(
    wire: respx.MockRouter, url: str, reason: str
) -> None:
    html = {"content-type": "text/html"}
    anything = wire.route().respond(200, text="<html></html>", headers=html)
    with pytest.raises(FetchRefused) as refused:
        await fetch_page(url, PRODUCTION, resolver=resolver)
    assert refused.value.reason == reason
    assert refused.value.status == 422
    assert not anything.called


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://sneaky.example.com/",
        "/../../internal",  # relative: stays on the public host, so this one is allowed
    ],
)
async def test_each_redirect_hop_is_checked(wire: respx.MockRouter, target: str) -> None:
    wire.get("http://brand.example.com/").respond(302, headers={"location": target})
    internal = wire.route(host__in=("127.0.0.1", "169.254.169.254", "10.0.0.1")).respond(200)
    sneaky = wire.get(host="sneaky.example.com").respond(200)
    relative = wire.get("http://brand.example.com/internal").respond(
        200, text="<style>h1{color:#123456}</style>", headers={"content-type": "text/html"}
    )
    if target.startswith("/"):
        page = await fetch_page("http://brand.example.com/", PRODUCTION, resolver=resolver)
        assert page.url == "http://brand.example.com/internal" and relative.called
        return
    with pytest.raises(FetchRefused) as refused:
        await fetch_page("http://brand.example.com/", PRODUCTION, resolver=resolver)
    assert refused.value.reason in {"loopback", "link_local", "private"}
    assert not internal.called and not sneaky.called


async def test_a_public_page_is_read_within_the_size_limit(wire: respx.MockRouter) -> None:
    wire.get("https://brand.example.com/").respond(
        200, text="<h1>Hello</h1>", headers={"content-type": "text/html; charset=utf-8"}
    )
    page = await fetch_page("https://brand.example.com/", PRODUCTION, resolver=resolver)
    assert page.text == "<h1>Hello</h1>" and page.content_type == "text/html"

    wire.get("https://brand.example.com/big").respond(
        200, content=b"x" * 20_000, headers={"content-type": "text/html"}
    )
    with pytest.raises(FetchRefused) as refused:
        await fetch_page("https://brand.example.com/big", PRODUCTION, resolver=resolver)
    assert refused.value.reason == "too_large"

    wire.get("https://brand.example.com/logo.png").respond(
        200, content=b"\x89PNG", headers={"content-type": "image/png"}
    )
    with pytest.raises(FetchRefused) as refused:
        await fetch_page("https://brand.example.com/logo.png", PRODUCTION, resolver=resolver)
    assert refused.value.reason == "content_type"


async def test_redirect_loops_and_slow_pages_end(wire: respx.MockRouter) -> None:
    wire.get("http://brand.example.com/loop").respond(302, headers={"location": "/loop"})
    with pytest.raises(FetchRefused) as refused:
        await fetch_page("http://brand.example.com/loop", PRODUCTION, resolver=resolver)
    assert refused.value.reason == "redirect"

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    wire.get("http://brand.example.com/slow").mock(side_effect=slow)
    quick = FetchLimits(max_bytes=10_000, timeout_s=0.2)
    with pytest.raises(FetchRefused) as refused:
        await fetch_page("http://brand.example.com/slow", quick, resolver=resolver)
    assert refused.value.reason == "timeout"


def test_production_never_allows_private_addresses_whatever_the_setting() -> None:
    production = Settings(environment="production", brand_fetch_allow_private=True)
    assert fetch_limits(production).allow_private is False
    assert fetch_limits(Settings(environment="development")).allow_private is False
    allowed = Settings(environment="development", brand_fetch_allow_private=True)
    assert fetch_limits(allowed).allow_private is True


async def test_the_dev_allowance_lets_a_local_test_site_through(wire: respx.MockRouter) -> None:
    wire.get("http://127.0.0.1:8080/").respond(
        200, text="<style>h1{color:#123456}</style>", headers={"content-type": "text/html"}
    )
    local = FetchLimits(max_bytes=10_000, timeout_s=2.0, allow_private=True)
    page = await fetch_page("http://127.0.0.1:8080/", local, resolver=resolver)
    assert "#123456" in page.text
