"""Why an image was refused. One class with a machine-readable reason rather than a subclass per
cause: callers (the image worker, the upload endpoint) branch on `reason`, and the gateway renders
every refusal the same way, as a 422 problem with the reason in it."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from icop.errors import ValidationFailed


class RejectReason(StrEnum):
    EMPTY = "empty"  # zero bytes
    INPUT_TOO_LARGE = "input_too_large"  # more compressed bytes than we are willing to parse
    NOT_AN_IMAGE = "not_an_image"  # no decoder recognises it (random bytes, HTML, PDF …)
    UNSUPPORTED_FORMAT = "unsupported_format"  # an image, but of a format we refuse to decode
    DECOMPRESSION_BOMB = "decompression_bomb"  # claims more pixels than the limit
    DIMENSIONS = "dimensions"  # a side of zero, or longer than any real picture
    TRUNCATED = "truncated"  # the data stops before the image does
    CORRUPT = "corrupt"  # the decoder failed for another reason
    CANNOT_FIT = "cannot_fit"  # no quality/size combination fits the byte cap


class ImageRejected(ValidationFailed, ValueError):
    """An input image we will not convert. Also a ValueError, because that is what it is to code
    that does not know our hierarchy (bad data passed in), and a ValidationFailed so the API
    answers 422 with the reason instead of 500."""

    code: ClassVar[str] = "image_rejected"
    title: ClassVar[str] = "The image was rejected"

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail, reason=reason.value)
        self.reason = reason
