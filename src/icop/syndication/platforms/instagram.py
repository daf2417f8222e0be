"""Instagram feed posts through the Instagram Graph API (Facebook Login for Business).

Sources:
- Content publishing: https://developers.facebook.com/docs/instagram-platform/content-publishing
  (``POST /{ig-user-id}/media`` with ``image_url`` and ``caption`` creates a container; carousel
  items carry ``is_carousel_item=true`` and a ``media_type=CAROUSEL`` container lists them in
  ``children``; ``GET /{container-id}?fields=status_code`` until ``FINISHED``; then
  ``POST /{ig-user-id}/media_publish`` with ``creation_id`` makes the post visible).
- Publishing limit: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
  reference/ig-user/content_publishing_limit (``{"data": [{"quota_usage": 2, "config":
  {"quota_total": 50, "quota_duration": 86400}}]}``).
- IG User media: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
  reference/ig-user/media (``fields=id,caption,timestamp``; ``since``/``until``).
- Reels by resumable upload: https://developers.facebook.com/documentation/instagram-platform/
  content-publishing/resumable-uploads (``POST /{ig-user-id}/media`` with ``media_type=REELS``
  and ``upload_type=resumable`` answers ``{"id", "uri"}``; the bytes go to that
  ``rupload.facebook.com/ig-api-upload/{version}/{container-id}`` URI with the headers
  ``Authorization: OAuth {token}``, ``offset`` and ``file_size``; then ``status_code`` is
  polled until ``FINISHED`` and ``media_publish`` publishes it). An interrupted upload is resumed
  from the offset the server reports, read the way Meta's Resumable Upload API reports it
  (https://developers.facebook.com/docs/graph-api/guides/upload: ``GET`` the upload session →
  ``{"id", "file_offset"}``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icop.syndication.platforms import _http
from icop.syndication.platforms.base import (
    AccountAuth,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PublishedPost,
    PublishLimit,
    RemotePost,
    TokenGrant,
    TransientError,
)
from icop.syndication.platforms.meta import (
    ContainerFlow,
    GraphClient,
    graph_until,
    listed_posts,
    map_error,
)

# An interrupted reel upload is resumed this many times before the publish gives up (nothing
# is visible yet, so giving up is a plain transient failure).
RESUME_ATTEMPTS = 4

FLOW = ContainerFlow(
    create_edge="media",
    create_step="media container",
    status_field="status_code",
    detail_field="status",
    publish_edge="media_publish",
)


class InstagramClient(GraphClient):
    platform = Platform.INSTAGRAM

    async def publish(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        if post.media and post.media[0].is_video:
            return await self._publish_reel(auth, post)
        urls = [item.url for item in post.media]
        if not urls or any(not url for url in urls):
            raise PlatformBadRequest(
                "instagram: a feed post needs at least one image at a public URL",
                platform=self.platform,
            )
        if len(urls) == 1:
            return await self._publish_container(
                auth, FLOW, {"image_url": str(urls[0]), "caption": post.text}
            )
        return await self._publish_container(
            auth,
            FLOW,
            {"media_type": "CAROUSEL", "caption": post.text},
            children=[{"image_url": str(url), "is_carousel_item": "true"} for url in urls],
        )

    async def _publish_reel(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        """Container → resumable upload of the bytes → status polling → media_publish. Nothing
        is visible before media_publish, so only that call can leave the outcome unknown."""
        video = post.media[0]
        data = {"media_type": "REELS", "caption": post.text}
        if video.cover_url:
            data["cover_url"] = video.cover_url
        if video.content is None:
            # Not ours (an external https URL): Instagram fetches it, as it does an image.
            if not video.url:
                raise PlatformBadRequest(
                    "instagram: a reel needs its bytes or a public URL", platform=self.platform
                )
            return await self._publish_container(auth, FLOW, {**data, "video_url": video.url})
        data["upload_type"] = "resumable"
        body, _ = await self._call(
            auth, "POST", f"{auth.account_id}/media", step="reel container", data=data
        )
        container_id = _http.require_id(body, "id", self.platform, step="reel container")
        uri = str(body.get("uri") or "")
        if not uri:
            raise PlatformBadRequest(
                "instagram: the reel container came without an upload URI", platform=self.platform
            )
        await self._upload_resumable(auth, uri, video.content)
        return await self._publish_created(auth, FLOW, container_id)

    async def _upload_resumable(self, auth: AccountAuth, uri: str, content: bytes) -> None:
        """Send ``content`` from offset 0; after an interruption, ask the server how much it
        has and send the rest from there (at most ``RESUME_ATTEMPTS`` times)."""
        offset = 0
        for attempt in range(RESUME_ATTEMPTS):
            try:
                response = await _http.send(
                    self._http,
                    self.platform,
                    "POST",
                    uri,
                    step="reel upload",
                    content=content[offset:],
                    headers={
                        "Authorization": f"OAuth {auth.access_token}",
                        "offset": str(offset),
                        "file_size": str(len(content)),
                        "Content-Type": "application/octet-stream",
                    },
                )
            except TransientError:
                if attempt + 1 == RESUME_ATTEMPTS:
                    raise
                offset = await self._uploaded_offset(auth, uri, len(content))
                continue
            if response.status_code >= 500 and attempt + 1 < RESUME_ATTEMPTS:
                offset = await self._uploaded_offset(auth, uri, len(content))
                continue
            if response.status_code >= 400:
                raise map_error(self.platform, response, creates=False)
            body = _http.json_body(response, self.platform, step="reel upload", creates=False)
            if body.get("success") is not True:
                raise PlatformBadRequest(
                    f"instagram: the reel upload was not accepted: {body.get('message')}",
                    platform=self.platform,
                )
            return

    async def _uploaded_offset(self, auth: AccountAuth, uri: str, size: int) -> int:
        response = await _http.send(
            self._http,
            self.platform,
            "GET",
            uri,
            step="reel upload offset",
            headers={"Authorization": f"OAuth {auth.access_token}"},
        )
        if response.status_code >= 400:
            raise map_error(self.platform, response, creates=False)
        body = _http.json_body(response, self.platform, step="reel upload offset", creates=False)
        offset = _http.safe_int(body.get("file_offset"))
        if offset is None or not 0 <= offset <= size:
            raise TransientError(
                "instagram: the upload server reported no usable offset", platform=self.platform
            )
        return offset

    async def recent_posts(
        self,
        auth: AccountAuth,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[RemotePost]:
        body, _ = await self._call(
            auth,
            "GET",
            f"{auth.account_id}/media",
            step="recent posts",
            params={
                "fields": "id,caption,timestamp",
                "since": int(since.timestamp()),
                "limit": limit,
                **graph_until(until),
            },
        )
        return listed_posts(body, since=since, text_field="caption", time_field="timestamp")

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        body, _ = await self._call(
            auth,
            "GET",
            f"{auth.account_id}/content_publishing_limit",
            step="publishing limit",
            params={"fields": "quota_usage,config"},
        )
        return parse_publishing_limit(body)

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        raise PermissionDenied(
            "instagram: the page token cannot be refreshed; reconnect the account",
            platform=self.platform,
        )


def parse_publishing_limit(body: dict[str, object]) -> PublishLimit | None:
    """Instagram's and Threads' windows have the same shape."""
    data = body.get("data")
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    entry = data[0]
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    assert isinstance(config, dict)
    used = _http.safe_int(entry.get("quota_usage"))
    total = _http.safe_int(config.get("quota_total"))
    window = _http.safe_int(config.get("quota_duration"))
    if used is None or total is None:
        return None
    return PublishLimit(used=used, total=total, window_s=window or 86_400)
