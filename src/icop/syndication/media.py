"""Getting a post's images into the shape each platform takes, just before it is sent.

Validation (``validation/media.py``) names what an image breaks — a PNG for Instagram, an
aspect outside 4:5…1.91:1, too many bytes — but converts nothing. Here every image of ours
(an object in our store, named by its key in the URL) is read and checked against the same
rules, and what breaks one goes through the image service's JPEG pipeline
(``icop.images.to_platform_jpeg``: re-encode, crop into the aspect range, fit the byte cap);
the result is stored (content-addressed: a retried run stores the same key) and sent instead.
So Instagram never receives anything but a JPEG.

What each platform is then given: Meta's APIs fetch media from a URL, so they get a freshly
signed URL of the stored object (the one kept with the article may have expired); X takes the
bytes, which are read from the store rather than fetched back over HTTP. Images that are not
ours (a URL a user typed) are passed on as they are.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from PIL import Image

from icop.images import ImageRejected, to_platform_jpeg
from icop.models import PostMedia, PostPart
from icop.platforms import Platform as ImagePlatform
from icop.platforms.validation import PLATFORM_RULES
from icop.platforms.validation.media import normalize_format
from icop.storage.base import ObjectNotFound, ObjectStore
from icop.storage.keys import key_in_url
from icop.syndication.platforms.base import MediaUpload, Platform, PlatformBadRequest

# Decoding only the header is enough to check format and size.
_MAX_PIXELS = 100_000_000


@dataclass(frozen=True, slots=True)
class PreparedImage:
    upload: MediaUpload
    converted: bool
    changes: tuple[str, ...] = ()


def _fits(data: bytes, platform: Platform) -> bool:
    rules = PLATFORM_RULES[platform]
    spec = rules.media.spec
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = normalize_format(image.format or "")
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    if width * height > _MAX_PIXELS or height == 0:
        return False
    return (
        fmt in rules.media.formats
        and len(data) <= spec.max_bytes
        and spec.min_aspect <= width / height <= spec.max_aspect
    )


class MediaPreparer:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def prepare(
        self, tenant_id: UUID, platform: Platform, items: Sequence[PostMedia]
    ) -> list[PreparedImage]:
        return [await self._one(tenant_id, platform, item) for item in items]

    async def prepare_parts(
        self,
        tenant_id: UUID,
        platform: Platform,
        parts: Sequence[PostPart],
        sent: Sequence[str | None],
    ) -> dict[int, list[MediaUpload]]:
        """The media of each part not sent yet, by part index (parts without media: none)."""
        prepared: dict[int, list[MediaUpload]] = {}
        for index, part in enumerate(parts):
            if sent[index] is None and part.media:
                images = await self.prepare(tenant_id, platform, part.media)
                prepared[index] = [image.upload for image in images]
        return prepared

    async def _one(self, tenant_id: UUID, platform: Platform, item: PostMedia) -> PreparedImage:
        if item.kind == "video":
            return await self._video(tenant_id, platform, item)
        url, alt = item.url, item.alt
        key = key_in_url(url, tenant_id)
        if key is None:
            return PreparedImage(MediaUpload(url=url, alt_text=alt), converted=False)
        try:
            data = await self.store.get(key)
        except ObjectNotFound:
            raise PlatformBadRequest(
                f"{platform.value}: an image of this post is no longer stored",
                platform=platform,
            ) from None
        converted = False
        changes: tuple[str, ...] = ()
        content_type = "image/jpeg" if key.endswith(".jpg") else f"image/{key.rsplit('.', 1)[1]}"
        if not await asyncio.to_thread(_fits, data, platform):
            try:
                result = await asyncio.to_thread(
                    to_platform_jpeg, data, platform=ImagePlatform(platform.value)
                )
            except ImageRejected as error:
                raise PlatformBadRequest(
                    f"{platform.value}: an image cannot be made to fit: {error.detail}",
                    platform=platform,
                    platform_message=str(error.detail),
                ) from None
            stored = await self.store.put(tenant_id, result.data, "image/jpeg")
            key, data, content_type = stored.key, result.data, "image/jpeg"
            converted, changes = True, result.changes
        if platform is Platform.X:
            upload = MediaUpload(content=data, mime_type=content_type, alt_text=alt)
        else:
            upload = MediaUpload(url=self.store.url(key), mime_type=content_type, alt_text=alt)
        return PreparedImage(upload, converted=converted, changes=changes)

    async def _video(self, tenant_id: UUID, platform: Platform, item: PostMedia) -> PreparedImage:
        """A video: probed against the platform's rules and, where it breaks one, re-encoded
        by the video pipeline (icop.platforms.video.prepare_for) and stored; its cover frame
        is stored beside it unless the post names one. Every platform gets the URL and the
        bytes: Instagram and X upload the bytes, Facebook and Threads fetch the URL."""
        # PyAV loads FFmpeg's libraries: only a process that publishes a video pays for that.
        from icop.platforms import video

        key = key_in_url(item.url, tenant_id)
        if key is None:
            # An external https URL: the platform fetches it; nothing of ours to check.
            return PreparedImage(
                MediaUpload(
                    url=item.url, mime_type="video/mp4", alt_text=item.alt, cover_url=item.cover_url
                ),
                converted=False,
            )
        try:
            data = await self.store.get(key)
        except ObjectNotFound:
            raise PlatformBadRequest(
                f"{platform.value}: the video of this post is no longer stored", platform=platform
            ) from None
        target = ImagePlatform(platform.value)
        converted, cover_url = False, item.cover_url
        changes: tuple[str, ...] = ()
        try:
            facts = await asyncio.to_thread(video.probe, data)
            if not video.fits(facts, target):
                prepared = await asyncio.to_thread(video.prepare_for, target, data)
                stored = await self.store.put(tenant_id, prepared.data, "video/mp4")
                key, data = stored.key, prepared.data
                converted, changes = True, prepared.changes
                cover = prepared.cover_jpeg
            elif cover_url is None:
                cover = await asyncio.to_thread(video.cover_frame, data)
        except video.VideoRejected as error:
            raise PlatformBadRequest(
                f"{platform.value}: the video cannot be made to fit: {error.detail}",
                platform=platform,
                platform_message=str(error.detail),
            ) from None
        if cover_url is None:
            cover_url = self.store.url((await self.store.put(tenant_id, cover, "image/jpeg")).key)
        upload = MediaUpload(
            url=self.store.url(key),
            content=data,
            mime_type="video/mp4",
            alt_text=item.alt,
            cover_url=cover_url,
        )
        return PreparedImage(upload, converted=converted, changes=changes)
