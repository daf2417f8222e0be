"""The one ``Retry-After`` parser: seconds or an HTTP date, never negative, None otherwise."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest

from icop.kit.retry_after import retry_after

NOW = 1_900_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-3", 0.0),  # never negative
        (formatdate(NOW + 90, usegmt=True), 90.0),  # an HTTP date in the future
        (formatdate(NOW - 90, usegmt=True), 0.0),  # ... and in the past
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),  # RFC 9110's example, long gone
        ("soon", None),
        ("", None),
        ("   ", None),
        ("nan", None),
        ("inf", None),
        ("Mon, 99 Foo 2015 25:61:00 GMT", None),
        ("7 seconds", None),
    ],
)
def test_values(value: str, expected: float | None) -> None:
    assert retry_after({"Retry-After": value}, now=NOW) == pytest.approx(expected)


def test_an_http_date_without_zone_is_gmt() -> None:
    date = formatdate(NOW + 30, usegmt=True).removesuffix(" GMT")
    assert retry_after({"retry-after": date}, now=NOW) == pytest.approx(30.0)


def test_absent() -> None:
    assert retry_after(None) is None
    assert retry_after({}) is None
    assert retry_after({"x-ratelimit-reset": "10"}) is None


def test_any_mapping_and_any_case() -> None:
    assert retry_after(httpx.Headers({"RETRY-AFTER": "4"})) == 4.0
    assert retry_after(httpx.Response(429, headers={"Retry-After": "5"}).headers) == 5.0
    assert retry_after({"rEtRy-AfTeR": "6"}) == 6.0


def test_dates_are_measured_against_the_clock_by_default() -> None:
    import time

    wait = retry_after({"Retry-After": formatdate(time.time() + 60, usegmt=True)})
    assert wait is not None and 55 <= wait <= 60
