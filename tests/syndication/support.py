"""Shared fixtures' building blocks: a serial sessionmaker over the test's one connection,
accounts with tokens in the real vault, and posts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.models import OutboxEvent, Post, PublishAttempt, SocialAccount
from icop.syndication.platforms.base import TokenGrant
from icop.syndication.tokens import store_grant


class SerialSession(AsyncSession):
    """Units of work of a test share its one connection and take turns (production has a
    pool)."""

    turn: asyncio.Lock

    async def __aenter__(self) -> SerialSession:
        await self.turn.acquire()
        await super().__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            await super().__aexit__(*exc_info)
        finally:
            self.turn.release()


def serial(sessionmaker: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    session_class = type("SyndicationSerialSession", (SerialSession,), {"turn": asyncio.Lock()})
    return async_sessionmaker(
        bind=sessionmaker.kw["bind"],
        class_=session_class,
        **{k: v for k, v in sessionmaker.kw.items() if k != "bind"},
    )


async def make_account(
    sessionmaker: async_sessionmaker[AsyncSession],
    keyring: Keyring,
    tenant_id: uuid.UUID,
    *,
    platform: str = "x",
    token: str = "token-0",  # noqa: S107 - a fake platform's token
    expires_in: timedelta = timedelta(hours=2),
) -> uuid.UUID:
    async with unit_of_work(sessionmaker, tenant_id) as session:
        account = SocialAccount(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            platform=platform,
            platform_account_id=f"acct-{uuid.uuid4().hex[:8]}",
            name="Acme",
            provider=platform,
            status="connected",
        )
        session.add(account)
        await session.flush()
        await store_grant(
            session,
            keyring,
            account,
            TokenGrant(token, "refresh-0", datetime.now(UTC) + expires_in),
        )
        return account.id


async def make_post(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: uuid.UUID,
    account_id: uuid.UUID,
    texts: list[str],
    *,
    platform: str = "x",
    scheduled_at: datetime | None = None,
) -> uuid.UUID:
    post_id = uuid.uuid4()
    parts = [
        {"text": text, "media": [], "reply_to_previous": index > 0}
        for index, text in enumerate(texts)
    ]
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(
            Post(
                tenant_id=tenant_id,
                id=post_id,
                social_account_id=account_id,
                platform=platform,
                parts=parts,
                scheduled_at=scheduled_at or datetime.now(UTC),
                status="scheduled",
                platform_post_ids=[],
                workflow_id=f"post-{post_id}",
            )
        )
    return post_id


async def load_post(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, post_id: uuid.UUID
) -> tuple[Post, list[PublishAttempt]]:
    async with unit_of_work(sessionmaker, tenant_id) as session:
        post = await session.scalar(select(Post).where(Post.id == post_id))
        assert post is not None
        await session.refresh(post)
        attempts = (
            await session.scalars(
                select(PublishAttempt)
                .where(PublishAttempt.post_id == post_id)
                .order_by(PublishAttempt.attempt_no)
            )
        ).all()
        return post, list(attempts)


async def events(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID
) -> list[OutboxEvent]:
    async with unit_of_work(sessionmaker, tenant_id) as session:
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.topic.like("post.%"))
            .order_by(OutboxEvent.created_at)
        )
        return list(rows.all())
