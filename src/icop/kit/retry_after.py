"""``Retry-After`` (RFC 9110 §10.2.3), read once for every HTTP client in the project.

The header holds either a number of seconds or an HTTP date. Provider-specific hints
(``retry-after-ms``, rate-limit reset headers) are read by the clients that know them, on top
of this parser.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime


def retry_after(headers: Mapping[str, str] | None, *, now: float | None = None) -> float | None:
    """Seconds to wait according to ``Retry-After``, never negative.

    ``headers`` is any mapping (``httpx.Headers``, an SDK exception's headers, a plain dict;
    the name is matched case-insensitively). ``now`` (Unix seconds) is the clock an HTTP date
    is measured against. None when the header is absent or is neither seconds nor a date.
    """
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    clock = time.time() if now is None else now
    return max(when.timestamp() - clock, 0.0)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """``headers[name]`` ignoring case, whatever kind of mapping ``headers`` is."""
    if not headers:
        return None
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, found in headers.items():
        if key.lower() == wanted:
            return found
    return None
