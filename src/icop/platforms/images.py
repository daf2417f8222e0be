"""What each platform accepts for a feed image, in one table.

Sources (checked 2026; limits change, so keep them here and nowhere else):
- Instagram Graph API (content publishing, image specifications): JPEG only, ≤ 8 MB, aspect ratio
  from 4:5 to 1.91:1, width 320-1440 px (narrower is scaled up, wider scaled down by Instagram).
- Threads API (media specifications): JPEG/PNG, ≤ 8 MB, aspect ratio limit 10:1, width
  320-1440 px, sRGB (other colour spaces are converted by Threads).
- Facebook Graph API, Page Photos: "photos should be less than 4 MB"; no aspect limit is
  documented. Facebook serves photos at most 2048 px on the long side, so anything larger is
  only wasted upload.
- X API v2 media upload: images ≤ 5 MB. X documents no aspect limit for single images; its
  largest served variant is 4096 px on a side.

Sizes are decimal megabytes: the documents say "MB" without saying which, and the decimal reading
is the smaller one, so it is safe under either. Where a platform documents no aspect limit we
do not crop (cropping loses content); the renderer's presets already fit every platform.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from icop.platforms import Platform


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """Aspect ratios are width / height."""

    min_aspect: float
    max_aspect: float
    min_width: int
    max_width: int | None
    max_side: int
    max_bytes: int


MB = 1_000_000
# Used when no platform is given: the most generous of the limits below that is still sane.
DEFAULT_MAX_SIDE = 4096
DEFAULT_MAX_BYTES = 8 * 1024 * 1024

PLATFORM_SPECS: dict[Platform, PlatformSpec] = {
    # 4:5 portrait to 1.91:1 landscape; 1440 wide at 4:5 makes 1800 the tallest useful side.
    Platform.INSTAGRAM: PlatformSpec(
        min_aspect=4 / 5,
        max_aspect=1.91,
        min_width=320,
        max_width=1440,
        max_side=1800,
        max_bytes=8 * MB,
    ),
    # 10:1 either way; height is not documented, so the default side limit applies.
    Platform.THREADS: PlatformSpec(
        min_aspect=1 / 10,
        max_aspect=10.0,
        min_width=320,
        max_width=1440,
        max_side=DEFAULT_MAX_SIDE,
        max_bytes=8 * MB,
    ),
    Platform.FACEBOOK: PlatformSpec(
        min_aspect=0.0,
        max_aspect=math.inf,
        min_width=1,
        max_width=None,
        max_side=2048,
        max_bytes=4 * MB,
    ),
    Platform.X: PlatformSpec(
        min_aspect=0.0,
        max_aspect=math.inf,
        min_width=1,
        max_width=None,
        max_side=DEFAULT_MAX_SIDE,
        max_bytes=5 * MB,
    ),
}
