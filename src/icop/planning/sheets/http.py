"""Kept only so that ``google.py`` imports what it always did; the parser is
:func:`icop.kit.retry_after.retry_after`, and this module goes once nothing imports it."""

from __future__ import annotations

import httpx

from icop.kit.retry_after import retry_after


def retry_after_s(response: httpx.Response) -> float | None:
    """``Retry-After`` of ``response`` in seconds (see :func:`icop.kit.retry_after.retry_after`)."""
    return retry_after(response.headers)
