"""A tenant's time zone: an IANA name from the zone database Python ships with (zoneinfo,
with the ``tzdata`` package as its fallback), the same database the workflow engine reads."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from icop.errors import ValidationFailed

DEFAULT_TIME_ZONE = "UTC"
# Files the zone directory holds that are no zone a person picks: the machine's own setting
# (its meaning differs per host) and tzdata's placeholder.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    # Read once: scanning the zone files on every request would cost a directory walk.
    return (frozenset(available_timezones()) - NOT_ZONES) | {DEFAULT_TIME_ZONE}


def check_time_zone(name: str) -> str:
    """The name itself when it is a zone (``Asia/Seoul``); a 422 naming the fix otherwise.
    Membership in the list, not ``ZoneInfo(name)``: that would open any file under the zone
    directory, and a path-like name is no business of a request."""
    zone = name.strip()
    if zone in known_zones():
        return zone
    raise ValidationFailed(
        f"{name!r} is not a time zone: use an IANA name such as 'Asia/Seoul', "
        "'America/New_York' or 'UTC'"
    )
