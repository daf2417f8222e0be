"""Transactional outbox: events are rows written with the change they describe, so an event
is published if and only if its change committed. A relay ships them (RabbitMQ, issue #8)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import OutboxEvent


async def emit(
    session: AsyncSession, *, tenant_id: UUID, topic: str, payload: dict[str, Any]
) -> None:
    session.add(OutboxEvent(tenant_id=tenant_id, topic=topic, payload=payload))
