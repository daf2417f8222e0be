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
)
from icop.syndication.platforms.meta import ContainerFlow, GraphClient, graph_until, listed_posts

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
