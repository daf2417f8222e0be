"""Threads through graph.threads.net.

Sources:
- Posts: https://developers.facebook.com/docs/threads/posts (``POST /{threads-user-id}/threads``
  with ``media_type`` TEXT/IMAGE/CAROUSEL, ``text``, ``image_url``, ``is_carousel_item``,
  ``children``, ``reply_to_id``, ``topic_tag``; then ``POST /{threads-user-id}/threads_publish``
  with ``creation_id``; media containers report ``status`` FINISHED/IN_PROGRESS/ERROR/EXPIRED;
  a video post is ``media_type=VIDEO`` with ``video_url``, polled until FINISHED before
  ``threads_publish``, and reports ``error_message`` when processing fails).
- Publishing limit: https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting
  (250 posts per profile per rolling 24 h; ``GET /{id}/threads_publishing_limit?fields=
  quota_usage,config``).
- Media: ``GET /{id}/threads?fields=id,text,timestamp`` with ``since``; the user's replies are on
  ``GET /{id}/replies`` (https://developers.facebook.com/docs/threads/reply-management;
  ``threads_read_replies``), each with ``replied_to``.
- Tokens: https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
  (``GET /refresh_access_token?grant_type=th_refresh_token`` — 60 days from the refresh).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

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
from icop.syndication.platforms.instagram import parse_publishing_limit
from icop.syndication.platforms.meta import ContainerFlow, GraphClient, graph_until, map_error

FLOW = ContainerFlow(
    create_edge="threads",
    create_step="threads container",
    status_field="status",
    detail_field="error_message",
    publish_edge="threads_publish",
)


class ThreadsClient(GraphClient):
    platform = Platform.THREADS

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        version: str = "v1.0",
        poll_interval_s: float = 2.0,
        poll_timeout_s: float = 60.0,
        poll_first_s: float = 0.25,
    ) -> None:
        # Token endpoints are unversioned; everything else lives under the version.
        self._root = base_url.rstrip("/")
        super().__init__(
            http,
            base_url=f"{self._root}/{version}",
            poll_interval_s=poll_interval_s,
            poll_timeout_s=poll_timeout_s,
            poll_first_s=poll_first_s,
        )

    async def publish(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        urls = [item.url for item in post.media]
        if any(not url for url in urls):
            raise PlatformBadRequest(
                "threads: images are posted from a public URL", platform=self.platform
            )
        common: dict[str, str] = {"text": post.text}
        if post.reply_to:
            common["reply_to_id"] = post.reply_to
        if post.topic_tag:
            common["topic_tag"] = post.topic_tag
        if post.media and post.media[0].is_video:
            return await self._publish_container(
                auth, FLOW, {"media_type": "VIDEO", "video_url": str(urls[0]), **common}
            )
        if not urls:
            # Text only: nothing for the platform to fetch, so nothing to wait for.
            return await self._publish_container(
                auth, FLOW, {"media_type": "TEXT", **common}, wait=False
            )
        if len(urls) == 1:
            return await self._publish_container(
                auth, FLOW, {"media_type": "IMAGE", "image_url": str(urls[0]), **common}
            )
        return await self._publish_container(
            auth,
            FLOW,
            {"media_type": "CAROUSEL", **common},
            children=[
                {"media_type": "IMAGE", "image_url": str(url), "is_carousel_item": "true"}
                for url in urls
            ],
        )

    async def recent_posts(
        self,
        auth: AccountAuth,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[RemotePost]:
        """Top-level posts and replies: Threads lists them on two edges, and a reply chain (a
        split thread) must be reconcilable too."""
        posts: list[RemotePost] = []
        for edge in ("threads", "replies"):
            body, _ = await self._call(
                auth,
                "GET",
                f"{auth.account_id}/{edge}",
                step=f"recent {edge}",
                params={
                    "fields": "id,text,timestamp,replied_to",
                    "since": int(since.timestamp()),
                    "limit": limit,
                    **graph_until(until),
                },
            )
            for item in body.get("data") or []:
                created = _http.parse_time(item.get("timestamp"))
                if created is not None and created < since:
                    continue
                replied_to = item.get("replied_to")
                posts.append(
                    RemotePost(
                        platform_post_id=str(item.get("id")),
                        text=str(item.get("text") or ""),
                        created_at=created,
                        reply_to=str(replied_to["id"])
                        if isinstance(replied_to, dict) and replied_to.get("id")
                        else None,
                    )
                )
        oldest = datetime.min.replace(tzinfo=UTC)
        posts.sort(key=lambda post: post.created_at or oldest, reverse=True)
        return posts[:limit]

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        body, _ = await self._call(
            auth,
            "GET",
            f"{auth.account_id}/threads_publishing_limit",
            step="publishing limit",
            params={"fields": "quota_usage,config"},
        )
        return parse_publishing_limit(body)

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        response = await _http.send(
            self._http,
            self.platform,
            "GET",
            f"{self._root}/refresh_access_token",
            step="token refresh",
            params={"grant_type": "th_refresh_token"},
            headers={"Authorization": f"Bearer {auth.access_token}"},
        )
        if response.status_code >= 400:
            error = map_error(self.platform, response, creates=False)
            if isinstance(error, PlatformBadRequest):
                # An expired long-lived token cannot be refreshed: only a new login helps.
                raise PermissionDenied(
                    "threads: the token can no longer be refreshed; reconnect the account",
                    platform=self.platform,
                    platform_message=error.platform_message,
                    platform_code=error.platform_code,
                    http_status=error.http_status,
                )
            if error.code == "platform_auth_expired":
                raise PermissionDenied(
                    "threads: the token expired before it was refreshed; reconnect the account",
                    platform=self.platform,
                    platform_message=error.platform_message,
                    platform_code=error.platform_code,
                    http_status=error.http_status,
                )
            raise error
        body = _http.json_body(response, self.platform, step="token refresh", creates=False)
        return grant_from(body, refresh_token=None)


def grant_from(body: dict[str, object], *, refresh_token: str | None) -> TokenGrant:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PermissionDenied("threads: no token in the answer", platform=Platform.THREADS)
    expires_in = _http.safe_int(body.get("expires_in"))
    expires_at = _http.utcnow() + timedelta(seconds=expires_in) if expires_in else None
    return TokenGrant(access_token=token, refresh_token=refresh_token, expires_at=expires_at)
