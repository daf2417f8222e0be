"""Queries of the syndication tables. Row locks (``FOR UPDATE``) serialise the two things that
must not race across worker processes: a token refresh and the taking of a quota slot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Text, cast, delete, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.db.keyset import Cursor
from icop.db.repository import Repository
from icop.models import (
    AccountRateState,
    AccountStatus,
    ApiCredential,
    AttemptOutcome,
    OAuthState,
    Post,
    PostStatus,
    PublishAttempt,
    PublishLedgerEntry,
    SocialAccount,
)
from icop.syndication.exceptions import AccountNotFound, PostNotFound


class AccountRepository(Repository[SocialAccount]):
    model = SocialAccount
    not_found = AccountNotFound
    noun = "social account"

    async def find(self, platform: str, platform_account_id: str) -> SocialAccount | None:
        return await self.session.scalar(
            select(SocialAccount).where(
                SocialAccount.platform == platform,
                SocialAccount.platform_account_id == platform_account_id,
            )
        )

    async def connected(self, platforms: Sequence[str]) -> Sequence[SocialAccount]:
        result = await self.session.scalars(
            select(SocialAccount)
            .where(
                SocialAccount.status == AccountStatus.CONNECTED,
                SocialAccount.platform.in_(platforms),
            )
            .order_by(SocialAccount.platform, SocialAccount.created_at, SocialAccount.id)
        )
        return result.all()

    async def list(self, *, limit: int, offset: int) -> Sequence[SocialAccount]:
        result = await self.session.scalars(
            select(SocialAccount)
            .order_by(SocialAccount.created_at, SocialAccount.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def refreshable(self, account_ids: Sequence[UUID]) -> set[UUID]:
        """Those of ``account_ids`` whose stored credentials include a refresh token."""
        if not account_ids:
            return set()
        result = await self.session.scalars(
            select(SocialAccount.id)
            .join(
                ApiCredential,
                (ApiCredential.tenant_id == SocialAccount.tenant_id)
                & (ApiCredential.id == SocialAccount.credential_id),
            )
            .where(
                SocialAccount.id.in_(account_ids),
                ApiCredential.encrypted_refresh_token.is_not(None),
            )
        )
        return set(result.all())

    async def add(self, account: SocialAccount) -> SocialAccount:
        self.session.add(account)
        await self.session.flush()
        return account

    async def set_status(self, account_id: UUID, status: AccountStatus, reason: str | None) -> None:
        await self.session.execute(
            update(SocialAccount)
            .where(SocialAccount.id == account_id)
            .values(status=status, status_reason=reason)
            .execution_options(synchronize_session=False)
        )


class PostRepository(Repository[Post]):
    model = Post
    not_found = PostNotFound
    noun = "post"

    async def unsent_carrying(self, shas: Sequence[str]) -> Sequence[Post]:
        """Posts not sent yet whose media name one of these stored objects (by content hash,
        which every URL of ours carries), locked so a publish run cannot take one meanwhile."""
        if not shas:
            return []
        result = await self.session.scalars(
            select(Post)
            .where(
                Post.status.in_((PostStatus.SCHEDULED, PostStatus.WAITING_QUOTA)),
                or_(*(cast(Post.parts, Text).contains(sha) for sha in shas)),
            )
            .order_by(Post.scheduled_at, Post.id)
            .with_for_update()
        )
        return result.all()

    async def add(self, post: Post) -> Post:
        self.session.add(post)
        await self.session.flush()
        return post

    async def for_article(self, article_id: UUID) -> Sequence[Post]:
        result = await self.session.scalars(
            select(Post).where(Post.article_id == article_id).order_by(Post.created_at, Post.id)
        )
        return result.all()

    async def for_articles(self, article_ids: Sequence[UUID]) -> Sequence[Post]:
        """Posts of several articles (a plan row's), oldest first."""
        if not article_ids:
            return []
        result = await self.session.scalars(
            select(Post).where(Post.article_id.in_(article_ids)).order_by(Post.created_at, Post.id)
        )
        return result.all()

    async def calendar(
        self,
        *,
        start: datetime | None,
        end: datetime | None,
        status: PostStatus | None,
        account_id: UUID | None,
        limit: int,
        offset: int,
        after: Cursor | None = None,
    ) -> Sequence[Post]:
        """Earliest first. Each filter has an index leading with ``tenant_id`` and ending in
        ``(scheduled_at, id)`` (migration 0026), so a page costs the same at any depth."""
        statement = select(Post).order_by(Post.scheduled_at, Post.id)
        if after is not None:
            statement = statement.where(tuple_(Post.scheduled_at, Post.id) > (after.at, after.id))
        if start is not None:
            statement = statement.where(Post.scheduled_at >= start)
        if end is not None:
            statement = statement.where(Post.scheduled_at < end)
        if status is not None:
            statement = statement.where(Post.status == status)
        if account_id is not None:
            statement = statement.where(Post.social_account_id == account_id)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def recent_texts(self, account_id: UUID, since: datetime, limit: int = 50) -> list[str]:
        """Texts this account published recently (for the platforms' duplicate rules)."""
        result = await self.session.scalars(
            select(Post.parts)
            .where(
                Post.social_account_id == account_id,
                Post.status == PostStatus.PUBLISHED,
                Post.published_at >= since,
            )
            .order_by(Post.published_at.desc())
            .limit(limit)
        )
        return [part.text for parts in result.all() for part in parts]

    async def attempts(self, post_id: UUID) -> Sequence[PublishAttempt]:
        result = await self.session.scalars(
            select(PublishAttempt)
            .where(PublishAttempt.post_id == post_id)
            .order_by(PublishAttempt.attempt_no)
        )
        return result.all()

    async def next_attempt_no(self, post_id: UUID) -> int:
        current = await self.session.scalar(
            select(func.max(PublishAttempt.attempt_no)).where(PublishAttempt.post_id == post_id)
        )
        return int(current or 0) + 1

    async def count_errors(self, post_id: UUID, code: str) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(PublishAttempt)
            .where(PublishAttempt.post_id == post_id, PublishAttempt.error_code == code)
        )
        return int(count or 0)

    async def known_platform_ids(self, candidates: Sequence[str]) -> set[str]:
        """Which of these platform ids our attempts already account for."""
        if not candidates:
            return set()
        result = await self.session.scalars(
            select(PublishAttempt.platform_post_id).where(
                PublishAttempt.platform_post_id.in_(list(candidates)),
                PublishAttempt.outcome.in_([o for o in AttemptOutcome if o.created_post]),
            )
        )
        return {value for value in result.all() if value is not None}

    async def add_attempt(self, attempt: PublishAttempt) -> PublishAttempt:
        self.session.add(attempt)
        await self.session.flush()
        return attempt

    async def update_attempt(self, attempt_id: UUID, **values: Any) -> None:
        await self.session.execute(
            update(PublishAttempt)
            .where(PublishAttempt.id == attempt_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_since(self, account_id: UUID, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(PublishLedgerEntry)
            .where(
                PublishLedgerEntry.social_account_id == account_id,
                PublishLedgerEntry.counted_at > since,
            )
        )
        return int(count or 0)

    async def nth_since(self, account_id: UUID, since: datetime, n: int) -> datetime | None:
        """The time of the n-th oldest entry (0-based) counted after ``since``."""
        value: datetime | None = await self.session.scalar(
            select(PublishLedgerEntry.counted_at)
            .where(
                PublishLedgerEntry.social_account_id == account_id,
                PublishLedgerEntry.counted_at > since,
            )
            .order_by(PublishLedgerEntry.counted_at)
            .offset(n)
            .limit(1)
        )
        return value

    async def add(self, entry: PublishLedgerEntry) -> None:
        self.session.add(entry)
        await self.session.flush()

    async def move(self, attempt_id: UUID, counted_at: datetime) -> None:
        await self.session.execute(
            update(PublishLedgerEntry)
            .where(PublishLedgerEntry.attempt_id == attempt_id)
            .values(counted_at=counted_at)
            .execution_options(synchronize_session=False)
        )

    async def release(self, attempt_id: UUID) -> None:
        await self.session.execute(
            delete(PublishLedgerEntry)
            .where(PublishLedgerEntry.attempt_id == attempt_id)
            .execution_options(synchronize_session=False)
        )

    async def rate_state(self, account_id: UUID) -> AccountRateState | None:
        return await self.session.scalar(
            select(AccountRateState).where(AccountRateState.social_account_id == account_id)
        )

    async def rate_state_for_update(self, tenant_id: UUID, account_id: UUID) -> AccountRateState:
        state = await self.rate_state(account_id)
        if state is None:
            state = AccountRateState(tenant_id=tenant_id, social_account_id=account_id)
            self.session.add(state)
            await self.session.flush()
        return state


class OAuthStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, state: OAuthState) -> None:
        self.session.add(state)
        await self.session.flush()

    async def take(self, state_id: UUID) -> OAuthState | None:
        """Read and delete: a state is good for one callback."""
        state = await self.session.scalar(
            select(OAuthState).where(OAuthState.id == state_id).with_for_update()
        )
        if state is not None:
            await self.session.delete(state)
            await self.session.flush()
        return state

    async def purge_expired(self, now: datetime) -> None:
        await self.session.execute(
            delete(OAuthState)
            .where(OAuthState.expires_at < now)
            .execution_options(synchronize_session=False)
        )
