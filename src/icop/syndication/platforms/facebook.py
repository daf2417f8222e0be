"""Facebook Pages through the Graph API.

Sources:
- Page feed: https://developers.facebook.com/docs/pages-api/posts (``POST /{page-id}/feed`` with
  ``message`` and ``link``; answers ``{"id": "{page-id}_{post-id}"}``; needs
  ``pages_manage_posts``; reading ``GET /{page-id}/posts`` with ``since``).
- Page photos: https://developers.facebook.com/docs/graph-api/reference/page/photos
  (``POST /{page-id}/photos`` with ``url`` and ``caption`` answers ``{"id", "post_id"}``;
  ``published=false`` uploads a photo that a feed post then attaches through
  ``attached_media[i]={"media_fbid": id}`` — a multi-photo post).
- Page videos: https://developers.facebook.com/docs/video-api/guides/publishing and
  https://developers.facebook.com/docs/graph-api/reference/page/videos (``POST /{page-id}/videos``
  with ``file_url`` (non-resumable: the platform fetches the file) and ``description``; answers
  ``{"id": video-id}``; the video post appears on the Page's feed with the description as its
  message).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from icop.syndication.platforms.base import (
    AccountAuth,
    AmbiguousOutcome,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PublishedPost,
    PublishLimit,
    RateState,
    RemotePost,
    TokenGrant,
)
from icop.syndication.platforms.meta import GraphClient, graph_until, listed_posts


class FacebookPagesClient(GraphClient):
    platform = Platform.FACEBOOK

    async def publish(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        page = auth.account_id
        if post.media and post.media[0].is_video:
            return await self._publish_video(auth, post)
        urls = [item.url for item in post.media]
        if any(not url for url in urls):
            raise PlatformBadRequest(
                "facebook: photos are posted from a public URL", platform=self.platform
            )
        if len(urls) == 1:
            body, rate = await self._call(
                auth,
                "POST",
                f"{page}/photos",
                step="photo post",
                creates=True,
                data={"url": urls[0], "caption": post.text},
            )
            post_id = body.get("post_id") or body.get("id")
            return self._published(str(post_id) if post_id else None, rate)
        data: dict[str, Any] = {"message": post.text}
        if post.link_url and not urls:
            data["link"] = post.link_url
        for index, url in enumerate(urls):
            # Uploaded but not visible: only the feed post below publishes anything.
            photo_id = await self._create(
                auth,
                "photos",
                {"url": str(url), "published": "false"},
                step="unpublished photo upload",
            )
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        body, rate = await self._call(
            auth, "POST", f"{page}/feed", step="feed post", creates=True, data=data
        )
        return self._published(body.get("id"), rate)

    async def _publish_video(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        video = post.media[0]
        if not video.url:
            raise PlatformBadRequest(
                "facebook: a Page video is posted from a public URL", platform=self.platform
            )
        data = {"file_url": video.url, "description": post.text}
        body, rate = await self._call(
            auth, "POST", f"{auth.account_id}/videos", step="video post", creates=True, data=data
        )
        video_id = body.get("id")
        if not video_id:
            raise AmbiguousOutcome("facebook: video created without an id", platform=self.platform)
        return PublishedPost(
            platform_post_id=str(video_id),
            permalink=f"https://www.facebook.com/{auth.account_id}/videos/{video_id}",
            rate=rate,
        )

    def _published(self, post_id: object, rate: RateState | None) -> PublishedPost:
        if not post_id:
            # The platform said yes without an id: we cannot tell which post is ours.
            raise AmbiguousOutcome("facebook: post created without an id", platform=self.platform)
        return PublishedPost(
            platform_post_id=str(post_id),
            permalink=f"https://www.facebook.com/{post_id}",
            rate=rate,
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
            f"{auth.account_id}/posts",
            step="recent posts",
            params={
                "fields": "id,message,created_time",
                "since": int(since.timestamp()),
                "limit": limit,
                **graph_until(until),
            },
        )
        return listed_posts(body, since=since, text_field="message", time_field="created_time")

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        return None

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        # A Page token derived from a long-lived user token does not expire; when it stops working
        # only a new login (reconnect) gives another one.
        raise PermissionDenied(
            "facebook: page tokens cannot be refreshed; reconnect the account",
            platform=self.platform,
        )
