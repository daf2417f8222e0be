"""Token refresh: before expiry and after a 401, exactly one refresh per account however many
publishes meet the expired token, in one process or in two."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from icop.credentials.repository import CredentialRepository
from icop.db.session import unit_of_work
from icop.models import SocialAccount
from icop.syndication.exceptions import AccountNeedsReconnect
from icop.syndication.platforms.base import Platform
from tests.syndication.publishing.conftest import World
from tests.syndication.support import load_post, make_account, make_post


async def test_fifty_concurrent_callers_on_an_expired_token_refresh_once(world: World) -> None:
    fake = world.platforms[Platform.X]
    account_id = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, expires_in=timedelta(0)
    )
    tokens = world.runtime().tokens
    results = await asyncio.gather(*(tokens.auth(world.tenant_id, account_id) for _ in range(50)))
    assert fake.refresh_calls == 1
    assert {auth.access_token for auth in results} == {fake.valid_token}
    # Stored encrypted, never in the clear.
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        account = await session.scalar(select(SocialAccount).where(SocialAccount.id == account_id))
        assert account is not None and account.credential_id is not None
        assert account.last_refreshed_at is not None
        credential = await CredentialRepository(session).get(account.credential_id)
        assert credential is not None
        assert fake.valid_token.encode() not in credential.encrypted_access_token


async def test_fifty_concurrent_publishes_after_a_401_refresh_once(world: World) -> None:
    fake = world.platforms[Platform.X]
    account_id = await make_account(world.sessionmaker, world.context.keyring, world.tenant_id)
    fake.valid_token = "rotated-elsewhere"  # the stored token is refused from now on
    runtime = world.runtime()
    posts = [
        await make_post(world.sessionmaker, world.tenant_id, account_id, [f"post {i}"])
        for i in range(50)
    ]
    outcomes = await asyncio.gather(
        *(runtime.publisher.publish(world.tenant_id, post_id) for post_id in posts)
    )
    assert {o.status for o in outcomes} == {"published"}
    assert fake.refresh_calls == 1 and len(fake.posts) == 50


async def test_a_second_process_rereads_the_token_instead_of_refreshing_again(
    world: World,
) -> None:
    fake = world.platforms[Platform.X]
    account_id = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, expires_in=timedelta(0)
    )
    # Two token managers with their own in-process locks: only the row lock and the
    # re-read after acquiring it stand between them.
    first, second = world.runtime().tokens, world.runtime().tokens
    stale = await first.current(world.tenant_id, account_id)
    await first.refresh(world.tenant_id, account_id, stale=stale)
    fresh = await second.refresh(world.tenant_id, account_id, stale=stale)
    assert fake.refresh_calls == 1 and fresh.access_token == fake.valid_token


async def test_a_failed_refresh_marks_the_account_and_fails_the_post(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.refresh_fails = True
    account_id = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, expires_in=timedelta(0)
    )
    post_id = await make_post(world.sessionmaker, world.tenant_id, account_id, ["x"])
    runtime = world.runtime()
    outcome = await runtime.publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "failed" and "connect the account again" in (outcome.reason or "")
    assert "invalid_grant" in (outcome.reason or "")
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "failed" and attempts == [] and fake.publish_calls == 0
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        account = await session.scalar(select(SocialAccount).where(SocialAccount.id == account_id))
        assert account is not None and account.status == "needs_reconnect"
    with pytest.raises(AccountNeedsReconnect):
        await runtime.tokens.auth(world.tenant_id, account_id)


async def test_the_demo_names_an_account_that_needs_reconnecting(world: World) -> None:
    """`make run` printed "x: failed" and nothing else; now it says which account and why."""
    from icop.cli.demo import summary

    world.platforms[Platform.X].refresh_fails = True
    account_id = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, expires_in=timedelta(0)
    )
    post_id = await make_post(world.sessionmaker, world.tenant_id, account_id, ["x"])
    await world.runtime().publisher.publish(world.tenant_id, post_id)
    _, published, problems = await summary(
        world.settings, world.sessionmaker, world.tenant_id, uuid.uuid4()
    )
    assert published == 0
    assert len(problems) == 1 and problems[0].startswith("x account ")
    assert "needs_reconnect" in problems[0] and "invalid_grant" in problems[0]
