from __future__ import annotations

from icop.errors import ICOPError


class UnsupportedMediaType(ICOPError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported file type"
