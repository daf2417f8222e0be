"""The contract between the publisher and the four platform clients (Facebook Pages, Instagram,
Threads, X).

A client knows one platform's HTTP API and nothing about our database: it receives the account's
current credentials and one prepared post, and answers with the platform's id or a typed error.
The publisher (exactly-once bookkeeping, quota ledger, token refresh) is written against this
module only, so every client — and the local platform emulator behind them — is interchangeable.

Errors say what the caller should do next, not which HTTP status came back:
- ``AuthExpired``: refresh the token (single-flight per account) and try again once.
- ``PermissionDenied``: the user must reconnect or grant a scope; retrying cannot help.
- ``PlatformRateLimited``: wait until ``reset_at`` (never less), then try again.
- ``PlatformBadRequest``: the platform refused this post; its message is shown to the user.
- ``TransientError``: the platform failed before accepting anything (5xx on a step that creates
  nothing, connection refused): safe to retry with backoff.
- ``AmbiguousOutcome``: the request that creates the post may or may not have taken effect
  (timeout, dropped connection, 5xx after the create call was sent). Never retried blindly: the
  publisher reconciles through ``recent_posts`` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from icop.errors import ICOPError
from icop.platforms import Platform

__all__ = [
    "AccountAuth",
    "AmbiguousOutcome",
    "AuthExpired",
    "ConnectedIdentity",
    "MediaUpload",
    "OAuthProvider",
    "OutgoingPost",
    "PermissionDenied",
    "Platform",
    "PlatformBadRequest",
    "PlatformClient",
    "PlatformError",
    "PlatformRateLimited",
    "PublishLimit",
    "PublishedPost",
    "RateState",
    "RemotePost",
    "TokenGrant",
    "TransientError",
]


@dataclass(frozen=True, slots=True)
class AccountAuth:
    """What a client needs to act as one connected account (decrypted from the vault just
    before the call; never logged).

    ``account_id`` is the platform's id of the thing we post to: the Facebook Page id, the
    Instagram business account id, the Threads user id, the X user id."""

    platform: Platform
    account_id: str
    access_token: str
    # X (OAuth 2.0 PKCE) and Threads long-lived tokens can be refreshed; Page tokens cannot.
    refresh_token: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MediaUpload:
    """One JPEG, or one MP4, already through the image or video pipeline for this platform.

    Meta's APIs fetch images from a public URL (``url``); X takes the bytes (``content``). A
    video carries both where it can: Instagram's resumable upload and X's chunked upload send
    the bytes, Facebook and Threads fetch the URL. ``cover_url`` is a video's cover frame."""

    url: str | None = None
    content: bytes | None = None
    mime_type: str = "image/jpeg"
    alt_text: str | None = None
    cover_url: str | None = None

    @property
    def is_video(self) -> bool:
        return self.mime_type.startswith("video/")


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """One platform post exactly as it goes out (one part of a thread is one OutgoingPost).

    ``reply_to`` is the platform id of the post this one answers (X replies and threads;
    Threads reply chains). ``link_url`` is only used where the platform takes the link as its
    own field (a Facebook link post). More than one media item makes a carousel / multi-photo
    post where the platform has one."""

    text: str
    media: Sequence[MediaUpload] = ()
    reply_to: str | None = None
    link_url: str | None = None
    topic_tag: str | None = None


@dataclass(frozen=True, slots=True)
class RateState:
    """The platform's own view of our usage, read from response headers, for the quota ledger.

    ``remaining``/``limit``/``reset_at`` come from X's ``x-rate-limit-*`` headers (and from
    ``x-user-limit-24hour-*`` when present); ``usage_percent`` is the highest percentage in
    Meta's ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` (0 to 100); ``regain_after_s`` from
    Meta's ``estimated_time_to_regain_access`` (minutes there, seconds here)."""

    remaining: int | None = None
    limit: int | None = None
    reset_at: datetime | None = None
    usage_percent: float | None = None
    regain_after_s: float | None = None
    raw: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublishedPost:
    platform_post_id: str
    permalink: str | None = None
    rate: RateState | None = None


@dataclass(frozen=True, slots=True)
class RemotePost:
    """One of the account's recent posts as the platform lists it (for reconciliation)."""

    platform_post_id: str
    text: str
    created_at: datetime | None = None
    reply_to: str | None = None


@dataclass(frozen=True, slots=True)
class PublishLimit:
    """A platform-reported publishing window: Instagram's ``content_publishing_limit``,
    Threads' ``threads_publishing_limit`` (``quota_usage`` of ``quota_total`` per
    ``window_s``)."""

    used: int
    total: int
    window_s: int


class PlatformError(ICOPError):
    """A platform refused or failed a call. ``platform_message`` is the platform's own words,
    safe to show (it never contains our token)."""

    status = 502
    code = "platform_error"

    def __init__(
        self,
        message: str,
        *,
        platform: Platform,
        platform_message: str | None = None,
        platform_code: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.platform = platform
        self.platform_message = platform_message
        self.platform_code = platform_code
        self.http_status = http_status


class AuthExpired(PlatformError):
    code = "platform_auth_expired"


class PermissionDenied(PlatformError):
    code = "platform_permission_denied"


class PlatformBadRequest(PlatformError):
    status = 422
    code = "platform_bad_request"


class PlatformRateLimited(PlatformError):
    status = 429
    code = "platform_rate_limited"

    def __init__(
        self,
        message: str,
        *,
        platform: Platform,
        reset_at: datetime,
        rate: RateState | None = None,
        platform_message: str | None = None,
        platform_code: str | None = None,
        http_status: int | None = 429,
    ) -> None:
        super().__init__(
            message,
            platform=platform,
            platform_message=platform_message,
            platform_code=platform_code,
            http_status=http_status,
        )
        self.reset_at = reset_at
        self.rate = rate


class TransientError(PlatformError):
    code = "platform_unavailable"


class AmbiguousOutcome(PlatformError):
    code = "platform_outcome_unknown"


class PlatformClient(Protocol):
    """One platform's API. Implementations are stateless apart from their HTTP client; the base
    URL is configuration (the real API or the local emulator)."""

    platform: Platform

    async def publish(self, auth: AccountAuth, post: OutgoingPost) -> PublishedPost:
        """Create and publish one post (container → publish on Meta; one create call on X)."""
        ...

    async def recent_posts(
        self,
        auth: AccountAuth,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[RemotePost]:
        """The account's posts created at or after ``since`` (and, given ``until``, at or
        before it, to the platform's one-second resolution), newest first, at most
        ``limit``: page backwards by passing the oldest one's time as the next ``until``."""
        ...

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        """The platform-reported window, where the platform has one (Instagram, Threads)."""
        ...

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        """A new token for this account; ``PermissionDenied`` when it cannot be refreshed."""
        ...


@dataclass(frozen=True, slots=True)
class ConnectedIdentity:
    """One account an OAuth login gives us the right to post to.

    A Meta login yields every Facebook Page the user manages (each with its own page token) and
    each Page's Instagram business account; a Threads or X login yields the user's own account."""

    platform: Platform
    account_id: str
    name: str
    grant: TokenGrant


class OAuthProvider(Protocol):
    """The connect flow of one provider: "meta" (Facebook Pages + Instagram), "threads", "x".

    X uses OAuth 2.0 with PKCE (S256) and ``offline.access`` for a refresh token; the caller
    generates and keeps the verifier and ``state``."""

    name: str

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str: ...

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> Sequence[ConnectedIdentity]: ...
