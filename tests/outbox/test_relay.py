"""The outbox relay against a real RabbitMQ: confirmed publishing to a topic exchange, rows
marked sent only after the broker's confirm, and nothing lost while the broker is away."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import aio_pika
import aio_pika.abc
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import OutboxEvent
from icop.outbox.relay import BrokerUnavailable, OutboxRelay, RelaySettings
from icop.outbox.service import emit
from icop.tenants.repository import TenantRepository
from tests.system_services import RabbitMQ, free_port


@pytest.fixture
def committed(app_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Units of work that really commit: the relay reads in transactions of its own."""
    return create_sessionmaker(app_engine)


@pytest.fixture
async def tenant_id(committed: async_sessionmaker[AsyncSession]) -> UUID:
    tenant = uuid.uuid4()
    async with unit_of_work(committed, tenant) as session:
        await TenantRepository(session).create(
            tenant_id=tenant, company_name=f"Relay {tenant.hex[:6]}", plan="free"
        )
    return tenant


def relay_settings(url: str, exchange: str, **overrides: Any) -> RelaySettings:
    values: dict[str, Any] = {
        "url": url,
        "exchange": exchange,
        "batch_size": 50,
        "poll_s": 0.05,
        "tenant_refresh_s": 0.0,
        "backoff_initial_s": 0.1,
        "backoff_max_s": 0.5,
        "confirm_timeout_s": 5.0,
    }
    values.update(overrides)
    return RelaySettings(**values)


async def emit_events(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: UUID, topics: list[str]
) -> list[UUID]:
    async with unit_of_work(sessionmaker, tenant) as session:
        for number, topic in enumerate(topics):
            await emit(session, tenant_id=tenant, topic=topic, payload={"n": number})
        await session.flush()
        rows = await session.scalars(
            select(OutboxEvent.id).where(OutboxEvent.published_at.is_(None))
        )
        return list(rows)


async def pending(sessionmaker: async_sessionmaker[AsyncSession], tenant: UUID) -> list[Any]:
    async with unit_of_work(sessionmaker, tenant) as session:
        return list(
            await session.scalars(select(OutboxEvent).where(OutboxEvent.published_at.is_(None)))
        )


class Consumer:
    """A durable queue bound to the exchange: it survives a broker restart."""

    def __init__(self, url: str, exchange: str, binding: str = "#") -> None:
        self.url, self.exchange, self.binding = url, exchange, binding
        self.queue_name = f"test-{uuid.uuid4().hex[:8]}"
        self.connection: aio_pika.abc.AbstractConnection | None = None

    async def open(self) -> None:
        self.connection = await aio_pika.connect(self.url)
        channel = await self.connection.channel()
        exchange = await channel.declare_exchange(
            self.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(self.queue_name, durable=True)
        await queue.bind(exchange, routing_key=self.binding)

    async def drain(self, tenant: UUID, expected: int, wait_s: float = 10) -> list[Any]:
        """Messages of ``tenant`` until ``expected`` arrived (or the timeout), acked."""
        assert self.connection is not None
        channel = await self.connection.channel()
        queue = await channel.get_queue(self.queue_name)
        received: list[Any] = []
        deadline = asyncio.get_running_loop().time() + wait_s
        while len(received) < expected and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            if message.headers.get("tenant_id") == str(tenant):
                received.append(message)
        await channel.close()
        return received

    async def close(self) -> None:
        if self.connection is not None and not self.connection.is_closed:
            await self.connection.close()


@pytest.fixture
async def exchange() -> str:
    return f"icop.test.{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def consumer(broker: RabbitMQ, exchange: str) -> AsyncIterator[Consumer]:
    consumer = Consumer(broker.url, exchange)
    await consumer.open()
    yield consumer
    await consumer.close()


async def test_events_are_published_with_confirms_and_routed_by_type(
    broker: RabbitMQ,
    exchange: str,
    consumer: Consumer,
    committed: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
) -> None:
    posts_only = Consumer(broker.url, exchange, binding="post.*")
    await posts_only.open()
    topics = ["post.published", "article.ready", "post.failed", "post.unconfirmed"]
    ids = await emit_events(committed, tenant_id, topics)
    relay = OutboxRelay(committed, relay_settings(broker.url, exchange))
    try:
        assert await relay.relay_tenant(tenant_id) == 4
    finally:
        await relay.publisher.close()

    received = await consumer.drain(tenant_id, 4)
    assert sorted(m.routing_key for m in received) == sorted(topics)
    assert {UUID(m.message_id) for m in received} == set(ids)
    first = received[0]
    assert first.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert first.content_type == "application/json"
    body = json.loads(first.body)
    assert body["type"] == first.routing_key == first.type
    assert body["tenant_id"] == str(tenant_id)
    assert set(body) == {"id", "type", "tenant_id", "occurred_at", "payload"}
    routed = await posts_only.drain(tenant_id, 3)
    posts = sorted(topic for topic in topics if topic.startswith("post."))
    assert sorted(m.routing_key for m in routed) == posts
    await posts_only.close()

    assert await pending(committed, tenant_id) == []
    async with unit_of_work(committed, tenant_id) as session:
        rows = list(await session.scalars(select(OutboxEvent)))
    assert all(row.published_at is not None and row.attempts == 1 for row in rows)


async def test_unreachable_broker_leaves_rows_unsent_until_it_answers(
    broker: RabbitMQ,
    exchange: str,
    consumer: Consumer,
    committed: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
) -> None:
    ids = await emit_events(committed, tenant_id, ["post.published"] * 3)
    nowhere = OutboxRelay(
        committed, relay_settings(f"amqp://guest:guest@127.0.0.1:{free_port()}/", exchange)
    )
    with pytest.raises(BrokerUnavailable):
        await nowhere.relay_tenant(tenant_id)
    assert {row.id for row in await pending(committed, tenant_id)} == set(ids)

    relay = OutboxRelay(committed, relay_settings(broker.url, exchange))
    try:
        assert await relay.relay_tenant(tenant_id) == 3
    finally:
        await relay.publisher.close()
    assert {UUID(m.message_id) for m in await consumer.drain(tenant_id, 3)} == set(ids)
    assert await pending(committed, tenant_id) == []


async def test_broker_restart_loses_nothing_and_duplicates_nothing(
    broker: RabbitMQ,
    exchange: str,
    consumer: Consumer,
    committed: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
) -> None:
    relay = OutboxRelay(committed, relay_settings(broker.url, exchange))
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        before = await emit_events(committed, tenant_id, ["post.published"] * 5)
        first = await consumer.drain(tenant_id, 5)
        assert {UUID(m.message_id) for m in first} == set(before)
        await consumer.close()

        await asyncio.to_thread(broker.stop)
        during = await emit_events(committed, tenant_id, ["article.ready"] * 5)
        await asyncio.sleep(1.0)  # the relay retries with backoff meanwhile
        assert {row.id for row in await pending(committed, tenant_id)} == set(during)
        assert not running.done()

        await asyncio.to_thread(broker.start)
        await consumer.open()  # the durable queue kept its binding through the restart
        after = await consumer.drain(tenant_id, 5, wait_s=20)
        assert sorted(UUID(m.message_id) for m in after) == sorted(during)
        deadline = asyncio.get_running_loop().time() + 10
        while await pending(committed, tenant_id):
            assert asyncio.get_running_loop().time() < deadline, "rows were never marked sent"
            await asyncio.sleep(0.1)
        # At least once: a duplicate may only follow a lost confirm; nothing was lost here.
        assert await consumer.drain(tenant_id, 1, wait_s=1) == []
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=15)
