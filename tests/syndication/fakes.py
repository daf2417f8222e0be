"""An in-memory platform behind the PlatformClient/OAuthProvider contract (it fakes the
*platform*; our database is the real one). Publish calls follow a script of behaviours so a
test can inject each outcome the contract names."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from icop.syndication.platforms.base import (
    AccountAuth,
    AmbiguousOutcome,
    AuthExpired,
    ConnectedIdentity,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformRateLimited,
    PublishedPost,
    PublishLimit,
    RateState,
    RemotePost,
    TokenGrant,
    TransientError,
)

_ids = itertools.count(1000)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class FakePlatform:
    platform: Platform = Platform.X
    valid_token: str = "token-0"
    # Publish behaviours consumed in order; "ok" once the script is empty.
    # ok | created_then_lost | lost | 429 | transient | bad_request | denied | expired
    script: list[str] = field(default_factory=list)
    reset_at: datetime | None = None
    refresh_fails: bool = False
    refresh_delay_s: float = 0.02
    limit: PublishLimit | None = None
    rate: RateState | None = None
    posts: list[RemotePost] = field(default_factory=list)
    refresh_calls: int = 0
    publish_calls: int = 0
    recent_calls: int = 0
    # Posts that exist but are not listed yet (the platform's index lags).
    hidden_for_looks: int = 0
    _tokens: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _check(self, auth: AccountAuth) -> None:
        if auth.access_token != self.valid_token:
            raise AuthExpired("token expired", platform=self.platform, http_status=401)

    def _create(self, text: str, reply_to: str | None) -> RemotePost:
        remote = RemotePost(f"p{next(_ids)}", text, created_at=now(), reply_to=reply_to)
        self.posts.append(remote)
        return remote

    async def publish(self, auth: AccountAuth, post: object) -> PublishedPost:
        from icop.syndication.platforms.base import OutgoingPost

        assert isinstance(post, OutgoingPost)
        self.publish_calls += 1
        self._check(auth)
        behaviour = self.script.pop(0) if self.script else "ok"
        if behaviour == "expired":
            self.valid_token = "revoked"
            raise AuthExpired("token expired", platform=self.platform, http_status=401)
        if behaviour == "429":
            reset = self.reset_at or now() + timedelta(seconds=60)
            raise PlatformRateLimited(
                "rate limited", platform=self.platform, reset_at=reset, http_status=429
            )
        if behaviour == "transient":
            raise TransientError("503", platform=self.platform, http_status=503)
        if behaviour == "bad_request":
            raise PlatformBadRequest(
                "refused",
                platform=self.platform,
                platform_message="Status is a duplicate.",
                http_status=403,
            )
        if behaviour == "denied":
            raise PermissionDenied(
                "denied", platform=self.platform, platform_message="missing scope"
            )
        if behaviour == "lost":
            raise AmbiguousOutcome("timeout", platform=self.platform)
        remote = self._create(post.text, post.reply_to)
        if behaviour == "created_then_lost":
            raise AmbiguousOutcome("connection dropped", platform=self.platform)
        return PublishedPost(
            remote.platform_post_id,
            permalink=f"https://fake/{remote.platform_post_id}",
            rate=self.rate,
        )

    async def recent_posts(
        self,
        auth: AccountAuth,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[RemotePost]:
        self.recent_calls += 1
        self._check(auth)
        if self.hidden_for_looks > 0:
            self.hidden_for_looks -= 1
            return []
        found = [
            p
            for p in self.posts
            if p.created_at and p.created_at >= since and (until is None or p.created_at <= until)
        ]
        return list(reversed(found))[:limit]

    async def publishing_limit(self, auth: AccountAuth) -> PublishLimit | None:
        return self.limit

    async def refresh(self, auth: AccountAuth) -> TokenGrant:
        self.refresh_calls += 1
        await asyncio.sleep(self.refresh_delay_s)  # let concurrent callers pile up
        if self.refresh_fails:
            raise PermissionDenied(
                "refresh refused", platform=self.platform, platform_message="invalid_grant"
            )
        self.valid_token = f"token-{next(self._tokens)}"
        return TokenGrant(self.valid_token, "refresh-next", now() + timedelta(hours=2))


@dataclass
class FakeOAuth:
    name: str = "x"
    platform: Platform = Platform.X
    exchanged: list[tuple[str, str | None]] = field(default_factory=list)

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str:
        return (
            f"https://fake.example/oauth?state={state}&redirect_uri={redirect_uri}"
            f"&code_challenge={code_challenge}"
        )

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> Sequence[ConnectedIdentity]:
        if code == "bad":
            raise PlatformBadRequest(
                "bad code", platform=self.platform, platform_message="invalid code"
            )
        self.exchanged.append((code, code_verifier))
        return [
            ConnectedIdentity(
                platform=self.platform,
                account_id="u-42",
                name="Acme on X",
                grant=TokenGrant(
                    "token-0", "refresh-0", now() + timedelta(hours=2), ("tweet.write",)
                ),
            )
        ]
