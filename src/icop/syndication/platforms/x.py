"""X (Twitter) through API v2 with an OAuth 2.0 user token.

Sources:
- Create post: https://docs.x.com/x-api/posts/create-post (``POST /2/tweets`` with ``text``,
  ``reply.in_reply_to_tweet_id``, ``media.media_ids``; 201 ``{"data": {"id", "text"}}``).
- Media upload: https://docs.x.com/x-api/media/upload-media (``POST /2/media/upload``,
  multipart ``media`` + ``media_category=tweet_image``; answers ``{"data": {"id", "media_key",
  "size", "expires_after_secs"}}``) and ``POST /2/media/metadata`` for alt text.
- Chunked (video) upload: https://docs.x.com/x-api/media/quickstart/media-upload-chunked and
  the v2 endpoints it uses (``POST /2/media/upload/initialize`` with JSON ``media_type``,
  ``total_bytes``, ``media_category=tweet_video`` → ``{"data": {"id", "media_key",
  "expires_after_secs"}}``; ``POST /2/media/upload/{id}/append`` multipart ``media`` +
  ``segment_index``; ``POST /2/media/upload/{id}/finalize`` → ``data.processing_info``
  ``{"state": "pending"|"in_progress"|"succeeded"|"failed", "check_after_secs", "error"}``;
  ``GET /2/media/upload?command=STATUS&media_id={id}`` until ``succeeded``).
- User posts: https://docs.x.com/x-api/users/get-posts (``GET /2/users/{id}/tweets`` with
  ``start_time``, ``max_results`` 5-100, ``tweet.fields``).
- Rate limits: https://docs.x.com/x-api/fundamentals/rate-limits (``x-rate-limit-limit``,
  ``-remaining``, ``-reset`` as epoch seconds; 429 without Retry-After: wait for the reset;
  ``x-user-limit-24hour-*`` for the per-user daily cap).
- Errors: https://docs.x.com/x-api/fundamentals/response-codes-and-errors (problem objects
  ``{"title", "detail", "type", "status"}`` or ``{"errors": [...]}``; 403 with "duplicate content"
  for a repeated text).
- Tokens: https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
  (``POST /2/oauth2/token`` ``grant_type=refresh_token``; public clients send ``client_id`` in
  the body, confidential clients use HTTP Basic).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from icop.syndication.platforms import _http
from icop.syndication.platforms.base import (
    AccountAuth,
    AmbiguousOutcome,
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformError,
    PlatformRateLimited,
    PublishedPost,
    PublishLimit,
    RateState,
    RemotePost,
    TokenGrant,
    TransientError,
)

PLATFORM = Platform.X
# APPEND segments: X takes up to 5 MB per request; 4 MiB leaves room for the multipart frame.
CHUNK_BYTES = 4 * 1024 * 1024
# No reset header at all on a 429 is rare; the shortest documented window is 15 minutes.
DEFAULT_X_BACKOFF = timedelta(minutes=15)


def _epoch(value: str | None) -> datetime | None:
    seconds = _http.safe_int(value)
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rate_state(headers: httpx.Headers) -> RateState | None:
    """The binding window: whichever of the endpoint window and the 24-hour user cap has fewer
    requests left."""
    names = [name for name in headers if name.startswith(("x-rate-limit-", "x-user-limit-"))]
    if not names:
        return None
    raw = {name: headers[name] for name in names}
    windows = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour"):
        remaining = _http.safe_int(headers.get(f"{prefix}-remaining"))
        if remaining is None:
            continue
        windows.append(
            (
                remaining,
                _http.safe_int(headers.get(f"{prefix}-limit")),
                _epoch(headers.get(f"{prefix}-reset")),
            )
        )
    if not windows:
        return RateState(raw=raw)
    remaining, limit, reset_at = min(windows, key=lambda window: window[0])
    return RateState(remaining=remaining, limit=limit, reset_at=reset_at, raw=raw)


def _reset_after_429(headers: httpx.Headers) -> datetime:
    now = _http.utcnow()
    resets = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour"):
        reset = _epoch(headers.get(f"{prefix}-reset"))
        remaining = _http.safe_int(headers.get(f"{prefix}-remaining"))
        if reset is not None and (remaining is None or remaining <= 0):
            resets.append(reset)
    if not resets:
        resets = [
            reset
            for prefix in ("x-rate-limit", "x-user-limit-24hour")
            if (reset := _epoch(headers.get(f"{prefix}-reset"))) is not None
        ]
    return max([*resets, now]) if resets else now + DEFAULT_X_BACKOFF


def map_error(response: httpx.Response, *, creates: bool) -> PlatformError:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    message = str(
        body.get("detail")
        or first.get("message")
        or first.get("detail")
        or body.get("error_description")
        or body.get("title")
        or f"HTTP {response.status_code}"
    )
    status = response.status_code
    kwargs: dict[str, Any] = {
        "platform": PLATFORM,
        "platform_message": message,
        # "about:blank" says nothing; the status says more.
        "platform_code": str(
            (body.get("type") if body.get("type") != "about:blank" else None)
            or body.get("error")
            or status
        ),
        "http_status": status,
    }
    if status >= 500:
        if creates:
            return AmbiguousOutcome("x: server error on the create call", **kwargs)
        return TransientError("x: temporary platform error", **kwargs)
    if status == 429:
        return PlatformRateLimited(
            f"x: rate limited: {message}",
            reset_at=_reset_after_429(response.headers),
            rate=rate_state(response.headers),
            **kwargs,
        )
    if status == 401:
        return AuthExpired("x: the access token expired or was revoked", **kwargs)
    if status == 403 and "duplicate" not in message.lower():
        return PermissionDenied(f"x: not allowed: {message}", **kwargs)
    return PlatformBadRequest(f"x: refused: {message}", **kwargs)


class XClient:
    platform = PLATFORM

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        chunk_bytes: int = CHUNK_BYTES,
        poll_timeout_s: float = 120.0,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._chunk_bytes = chunk_bytes
        self._poll_timeout_s = poll_timeout_s
        self._client_id = client_id
        self._client_secret = client_secret

    async def _call(
        self,
        auth: AccountAuth,
        method: str,
        path: str,
        *,
        step: str,
        creates: bool = False,
        **kwargs: Any,
    ) -> tuple[dict[str, Any], RateState | None]:
        response = await _http.send(
            self._http,
            PLATFORM,
            method,
            f"{self._base}{path}",
            step=step,
            creates=creates,
            headers={"Authorization": f"Bearer {auth.access_token}"},
            **kwargs,
        )
        if response.status_code >= 400:
            raise map_error(response, creates=creates)
        body = _http.json_body(response, PLATFORM, step=step, creates=creates)
        if "data" not in body and body.get("errors"):
            raise map_error(response, creates=creates)
        return body, rate_state(response.headers)

    async def publish(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        media_ids = [await self._upload(auth, item) for item in post.media]
        payload: dict[str, Any] = {"text": post.text}
        if post.reply_to:
            payload["reply"] = {"in_reply_to_tweet_id": post.reply_to}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        body, rate = await self._call(
            auth, "POST", "/2/tweets", step="create post", creates=True, json=payload
        )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        post_id = data.get("id") if isinstance(data, dict) else None
        if not post_id:
            raise AmbiguousOutcome("x: post created without an id", platform=PLATFORM)
        return PublishedPost(
            platform_post_id=str(post_id),
            permalink=f"https://x.com/i/web/status/{post_id}",
            rate=rate,
        )

    async def _upload(self, auth: AccountAuth, item: MediaUpload) -> str:
        if item.is_video:
            return await self._upload_video(auth, item)
        content = item.content if item.content is not None else await self._fetch(item)
        body, _ = await self._call(
            auth,
            "POST",
            "/2/media/upload",
            step="media upload",
            files={"media": ("image.jpg", content, item.mime_type)},
            data={"media_category": "tweet_image", "media_type": item.mime_type},
        )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        media_id = _http.require_id(data or {}, "id", PLATFORM, step="media upload")
        if item.alt_text:
            await self._call(
                auth,
                "POST",
                "/2/media/metadata",
                step="media alt text",
                json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text[:1000]}}},
            )
        return media_id

    async def _fetch(self, item: MediaUpload) -> bytes:
        """X takes bytes: media that is not ours (a URL a user typed) is fetched first."""
        kind = "video" if item.is_video else "image"
        if not item.url:
            raise PlatformBadRequest(f"x: the {kind} needs bytes or a URL", platform=PLATFORM)
        fetched = await _http.send(self._http, PLATFORM, "GET", item.url, step=f"{kind} fetch")
        if fetched.status_code >= 400:
            raise TransientError(
                f"x: could not fetch the {kind} (HTTP {fetched.status_code})", platform=PLATFORM
            )
        return fetched.content

    async def _upload_video(self, auth: AccountAuth, item: MediaUpload) -> str:
        """INIT → APPEND (in segments) → FINALIZE → STATUS until processed. Nothing is visible
        until POST /2/tweets, so every step here is safe to fail (a transient error at worst)."""
        content = item.content if item.content is not None else await self._fetch(item)
        body, _ = await self._call(
            auth,
            "POST",
            "/2/media/upload/initialize",
            step="video upload init",
            json={
                "media_type": item.mime_type,
                "total_bytes": len(content),
                "media_category": "tweet_video",
            },
        )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        media_id = _http.require_id(data or {}, "id", PLATFORM, step="video upload init")
        for segment, start in enumerate(range(0, len(content), self._chunk_bytes)):
            chunk = content[start : start + self._chunk_bytes]
            # A 2xx is all APPEND promises: its body may be empty (the guide's example).
            response = await _http.send(
                self._http,
                PLATFORM,
                "POST",
                f"{self._base}/2/media/upload/{media_id}/append",
                step="video upload append",
                headers={"Authorization": f"Bearer {auth.access_token}"},
                files={"media": ("chunk", chunk, "application/octet-stream")},
                data={"segment_index": str(segment)},
            )
            if response.status_code >= 400:
                raise map_error(response, creates=False)
        body, _ = await self._call(
            auth, "POST", f"/2/media/upload/{media_id}/finalize", step="video upload finalize"
        )
        await self._wait_processed(auth, media_id, body)
        return media_id

    async def _wait_processed(self, auth: AccountAuth, media_id: str, body: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._poll_timeout_s
        while True:
            data = body.get("data") if isinstance(body.get("data"), dict) else {}
            info = (data or {}).get("processing_info")
            if not isinstance(info, dict) or info.get("state") == "succeeded":
                return  # no processing_info: the media is ready as it is
            if info.get("state") == "failed":
                error = info.get("error") if isinstance(info.get("error"), dict) else {}
                message = str((error or {}).get("message") or "processing failed")
                raise PlatformBadRequest(
                    f"x: the video could not be processed: {message}",
                    platform=PLATFORM,
                    platform_message=message,
                    platform_code=str((error or {}).get("name") or "processing_failed"),
                )
            wait = float(_http.safe_int(info.get("check_after_secs")) or 1)
            if loop.time() + wait > deadline:
                raise TransientError(
                    f"x: video still processing after {self._poll_timeout_s:.0f} s",
                    platform=PLATFORM,
                )
            await asyncio.sleep(wait)
            body, _ = await self._call(
                auth,
                "GET",
                "/2/media/upload",
                step="video upload status",
                params={"command": "STATUS", "media_id": media_id},
            )

    async def recent_posts(
        self,
        auth: AccountAuth,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[RemotePost]:
        params: dict[str, Any] = {
            "start_time": _x_time(since),
            "max_results": min(max(limit, 5), 100),
            "tweet.fields": "created_at,referenced_tweets",
        }
        if until is not None:
            # end_time is exclusive and to the second: one second later keeps ``until`` in.
            params["end_time"] = _x_time(until + timedelta(seconds=1))
        body, _ = await self._call(
            auth, "GET", f"/2/users/{auth.account_id}/tweets", step="recent posts", params=params
        )
        posts = []
        for item in body.get("data") or []:
            reply_to = next(
                (
                    str(ref.get("id"))
                    for ref in item.get("referenced_tweets") or []
                    if ref.get("type") == "replied_to"
                ),
                None,
            )
            posts.append(
                RemotePost(
                    platform_post_id=str(item.get("id")),
                    text=str(item.get("text") or ""),
                    created_at=_http.parse_time(item.get("created_at")),
                    reply_to=reply_to,
                )
            )
        return posts[:limit]

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        return None

    async def me(self, access_token: str) -> dict[str, Any]:
        """``GET /2/users/me``: the ``data`` object (id, name, username) of the token's user."""
        auth = AccountAuth(platform=PLATFORM, account_id="me", access_token=access_token)
        body, _ = await self._call(auth, "GET", "/2/users/me", step="users/me")
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        if not auth.refresh_token:
            raise PermissionDenied(
                "x: no refresh token (offline.access was not granted); reconnect the account",
                platform=PLATFORM,
            )
        data = {"grant_type": "refresh_token", "refresh_token": auth.refresh_token}
        grant = await token_request(
            self._http,
            f"{self._base}/2/oauth2/token",
            data,
            client_id=self._client_id,
            client_secret=self._client_secret,
        )
        if grant.refresh_token is None:
            # X rotates refresh tokens; should one not come back, the old one is all we have.
            grant = replace(grant, refresh_token=auth.refresh_token)
        return grant


async def token_request(
    http: httpx.AsyncClient,
    url: str,
    data: dict[str, str],
    *,
    client_id: str | None,
    client_secret: str | None,
) -> TokenGrant:
    """One call to X's token endpoint (code exchange or refresh). A refused grant means the user
    must connect again: ``PermissionDenied``."""
    form = dict(data)
    auth: httpx.BasicAuth | None = None
    if client_secret:
        auth = httpx.BasicAuth(client_id or "", client_secret)
    elif client_id:
        form["client_id"] = client_id
    response = await _http.send(
        http, PLATFORM, "POST", url, step="token request", data=form, auth=auth
    )
    if response.status_code >= 400:
        error = map_error(response, creates=False)
        if response.status_code in (400, 401):
            raise PermissionDenied(
                "x: the token could not be renewed; reconnect the account",
                platform=PLATFORM,
                platform_message=error.platform_message,
                platform_code=error.platform_code,
                http_status=response.status_code,
            )
        raise error
    body = _http.json_body(response, PLATFORM, step="token request", creates=False)
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PermissionDenied("x: no token in the answer", platform=PLATFORM)
    expires_in = _http.safe_int(body.get("expires_in"))
    refresh = body.get("refresh_token")
    return TokenGrant(
        access_token=token,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=_http.utcnow() + timedelta(seconds=expires_in) if expires_in else None,
        scopes=tuple(str(body.get("scope") or "").split()),
    )
