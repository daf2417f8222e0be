"""The outbox relay: unsent outbox rows → a RabbitMQ topic exchange, at least once.

Each round walks the tenants (read through the audited ``icop_system_tenant_ids``, refreshed
every ``ICOP_OUTBOX_RELAY_TENANT_REFRESH_S``) and, per tenant under row-level security, locks
up to a batch of unsent rows (``FOR UPDATE SKIP LOCKED``: several relays may run, none
publishes a row another is holding), publishes them as persistent messages on a channel with
publisher confirms, and stamps ``published_at`` only on the rows the broker acknowledged, in
the same transaction that locked them.

At least once, not exactly once: if the process dies or the database commit fails after the
broker confirmed, the rows are published again on the next round. Consumers deduplicate on
the AMQP ``message_id`` (the outbox row's id). Order holds per tenant for one relay; with
several relays, or after a retry, it may not.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import aio_pika
import aio_pika.abc
import aiormq.exceptions
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.db import system
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.db.session import unit_of_work
from icop.errors import ConfigurationError
from icop.kit.background import in_background
from icop.models import OutboxEvent
from icop.observability.metrics import record_outbox_failure, record_outbox_published

logger = logging.getLogger(__name__)

TENANT_LIST_REASON = "outbox relay"
# A broker that is down or unreachable: the round stops, rows stay unsent, the relay backs off.
BROKER_DOWN: tuple[type[BaseException], ...] = (
    aio_pika.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelInvalidStateError,
    aiormq.exceptions.ConnectionClosed,
    ConnectionError,
    OSError,
    TimeoutError,
)


class BrokerUnavailable(Exception):
    """The broker cannot be reached or dropped the connection mid-round."""


@dataclass(frozen=True)
class RelaySettings:
    url: str
    exchange: str = "icop.events"
    batch_size: int = 100
    poll_s: float = 1.0
    tenant_refresh_s: float = 30.0
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    confirm_timeout_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RelaySettings | None:
        """None when ``AMQP_URL`` is unset (events then stay in the outbox)."""
        if settings.amqp_url is None:
            return None
        url = settings.amqp_url.get_secret_value().strip()
        if not url.startswith(("amqp://", "amqps://")):
            raise ConfigurationError("AMQP_URL must start with amqp:// or amqps://")
        return cls(
            url=url,
            exchange=settings.amqp_exchange,
            batch_size=settings.outbox_relay_batch_size,
            poll_s=settings.outbox_relay_poll_s,
            tenant_refresh_s=settings.outbox_relay_tenant_refresh_s,
            backoff_max_s=settings.outbox_relay_backoff_max_s,
            confirm_timeout_s=settings.outbox_relay_confirm_timeout_s,
        )


@dataclass(frozen=True)
class OutgoingEvent:
    id: UUID
    tenant_id: UUID
    type: str
    payload: dict[str, Any]
    created_at: datetime

    def body(self) -> bytes:
        return json.dumps(
            {
                "id": str(self.id),
                "type": self.type,
                "tenant_id": str(self.tenant_id),
                "occurred_at": self.created_at.isoformat(),
                "payload": self.payload,
            },
            separators=(",", ":"),
            default=str,
        ).encode()


class Publisher(Protocol):
    async def publish(self, events: Sequence[OutgoingEvent]) -> list[BaseException | None]:
        """Per event: None once the broker confirmed it, else why not."""

    async def close(self) -> None: ...


class AmqpPublisher:
    """One connection and one confirming channel, opened on first use and again after a
    failure (the relay's loop decides when, with backoff)."""

    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def _ready(self) -> aio_pika.abc.AbstractExchange:
        if self._exchange is not None and self._connection and not self._connection.is_closed:
            return self._exchange
        await self.close()
        try:
            connection = await aio_pika.connect(
                self.settings.url, timeout=self.settings.confirm_timeout_s
            )
            channel = await connection.channel(publisher_confirms=True)
            self._exchange = await channel.declare_exchange(
                self.settings.exchange, aio_pika.ExchangeType.TOPIC, durable=True
            )
        except BROKER_DOWN as error:
            raise BrokerUnavailable(f"cannot reach the broker: {error!r}") from error
        self._connection = connection
        return self._exchange

    async def publish(self, events: Sequence[OutgoingEvent]) -> list[BaseException | None]:
        exchange = await self._ready()

        async def one(event: OutgoingEvent) -> None:
            await exchange.publish(
                aio_pika.Message(
                    event.body(),
                    content_type="application/json",
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=str(event.id),
                    type=event.type,
                    timestamp=event.created_at,
                    app_id="icop",
                    headers={"tenant_id": str(event.tenant_id)},
                ),
                routing_key=event.type,
                mandatory=False,
                timeout=self.settings.confirm_timeout_s,
            )

        # Confirms are awaited together: a batch costs one round trip, not one per event.
        outcomes = await asyncio.gather(*(one(event) for event in events), return_exceptions=True)
        return [outcome if isinstance(outcome, BaseException) else None for outcome in outcomes]

    async def close(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None and not connection.is_closed:
            with suppress(*BROKER_DOWN):  # already gone
                await connection.close()


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: RelaySettings,
        publisher: Publisher | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.publisher: Publisher = publisher or AmqpPublisher(settings)
        self._tenants: list[UUID] = []
        self._tenants_read_at = float("-inf")

    async def tenants(self) -> list[UUID]:
        if time.monotonic() - self._tenants_read_at >= self.settings.tenant_refresh_s:
            async with unit_of_work(self.sessionmaker, None) as session:
                self._tenants = await system.tenant_ids(session, TENANT_LIST_REASON)
            self._tenants_read_at = time.monotonic()
        return self._tenants

    async def run_once(self) -> int:
        """One round over every tenant; the number of events the broker confirmed. Raises
        :class:`BrokerUnavailable` (after recording what was confirmed) when the broker is
        down."""
        sent = 0
        for tenant_id in await self.tenants():
            sent += await self.relay_tenant(tenant_id)
        return sent

    async def relay_tenant(self, tenant_id: UUID) -> int:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            rows = list(
                await session.scalars(
                    select(OutboxEvent)
                    .where(OutboxEvent.tenant_id == tenant_id, OutboxEvent.published_at.is_(None))
                    .order_by(OutboxEvent.created_at, OutboxEvent.id)
                    .limit(self.settings.batch_size)
                    .with_for_update(skip_locked=True)
                )
            )
            if not rows:
                return 0
            events = [
                OutgoingEvent(row.id, row.tenant_id, row.topic, row.payload, row.created_at)
                for row in rows
            ]
            try:
                outcomes = await self.publisher.publish(events)
            except BrokerUnavailable:
                record_outbox_failure("broker_unavailable")
                raise
            confirmed = [event for event, error in zip(events, outcomes, strict=True) if not error]
            ids = [event.id for event in events]
            await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.tenant_id == tenant_id, OutboxEvent.id.in_(ids))
                .values(attempts=OutboxEvent.attempts + 1)
            )
            if confirmed:
                await session.execute(
                    update(OutboxEvent)
                    .where(
                        OutboxEvent.tenant_id == tenant_id,
                        OutboxEvent.id.in_([event.id for event in confirmed]),
                    )
                    .values(published_at=func.now())
                )
                for event in confirmed:
                    record_outbox_published(event.type)
        errors = [error for error in outcomes if error is not None]
        if errors:
            down = [error for error in errors if isinstance(error, BROKER_DOWN)]
            record_outbox_failure("broker_unavailable" if down else "not_confirmed")
            logger.warning(
                "outbox: %d of %d events of tenant %s not confirmed (%r); they stay queued",
                len(errors),
                len(events),
                tenant_id,
                errors[0],
            )
            if down:
                raise BrokerUnavailable(f"the broker went away mid-batch: {down[0]!r}")
        return len(confirmed)

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set: rounds back to back while there is work, a pause of
        ``poll_s`` when there is none, exponential backoff (with jitter) while the broker or
        the database is down."""
        backoff = self.settings.backoff_initial_s
        outage_logged = False
        logger.info("outbox relay publishing to exchange %s", self.settings.exchange)
        try:
            while not stop.is_set():
                try:
                    sent = await self.run_once()
                except (BrokerUnavailable, SQLAlchemyError, OSError) as error:
                    if not outage_logged:
                        logger.warning("outbox relay paused: %s; retrying with backoff", error)
                        outage_logged = True
                    await self.publisher.close()
                    await _wait(stop, random.uniform(backoff / 2, backoff))  # noqa: S311
                    backoff = min(backoff * 2, self.settings.backoff_max_s)
                    continue
                if outage_logged:
                    logger.info("outbox relay resumed")
                    outage_logged = False
                backoff = self.settings.backoff_initial_s
                if sent == 0:
                    await _wait(stop, self.settings.poll_s)
        finally:
            await self.publisher.close()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


@asynccontextmanager
async def background_relay(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession] | None = None
) -> AsyncIterator[OutboxRelay | None]:
    """The relay as a background task of the current event loop (``icop up``, ``icop worker``,
    ``icop relay``); a no-op yielding None when ``AMQP_URL`` is unset. Without a sessionmaker
    it opens a small pool of its own as the app role."""
    relay_settings = RelaySettings.from_settings(settings)
    if relay_settings is None:
        yield None
        return
    engine = None
    if sessionmaker is None:
        engine = create_engine(
            resolve_urls(settings).app,
            settings,
            pool_size=2,
            max_overflow=0,
            application_name="icop-relay",
        )
        sessionmaker = create_sessionmaker(engine)
    relay = OutboxRelay(sessionmaker, relay_settings)
    try:
        # A round in flight finishes (its confirms are awaited with a timeout).
        async with in_background(
            relay.run, name="outbox-relay", stop_timeout_s=relay_settings.confirm_timeout_s + 5
        ):
            yield relay
    except TimeoutError:
        logger.warning("outbox relay did not stop in time; its locked rows stay unsent")
    finally:
        if engine is not None:
            await engine.dispose()
