"""Sends queued notifications to the tenant's webhook after their commit, with retries.

A delivery row is written in the notification's own transaction, so only committed
notifications are ever sent. The loop (a background task of the API process) finds tenants
with due deliveries through the audited system function, claims a batch under the tenant's
row-level security, calls the webhook outside any transaction, then records each outcome:
sent; retried after a doubling wait; or failed once the attempts are spent. A 4xx other than
408/429 is final (the URL is wrong or revoked: retrying cannot help).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.db import system
from icop.db.session import unit_of_work
from icop.errors import NotFound
from icop.kit.background import in_background
from icop.notifications.repository import ClaimedDelivery, DeliveryRepository, WebhookRepository
from icop.notifications.schemas import WebhookTestOut
from icop.notifications.webhook import decrypt_url

logger = logging.getLogger(__name__)

RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class DeliveryPolicy:
    attempts: int = 6
    backoff_s: float = 5.0
    timeout_s: float = 10.0
    poll_s: float = 2.0
    batch: int = 50
    tenants_per_round: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            attempts=settings.notification_webhook_attempts,
            backoff_s=settings.notification_webhook_backoff_s,
            timeout_s=settings.notification_webhook_timeout_s,
            poll_s=settings.notification_webhook_poll_s,
        )


@dataclass(frozen=True)
class _Outcome:
    delivery: ClaimedDelivery
    error: str | None
    final: bool = False


def message_text(title: str, detail: str | None, dashboard_url: str) -> str:
    """Slack-compatible text: the title in bold, the detail, a link to the dashboard."""
    lines = [f"*{title}*"]
    if detail:
        lines.append(detail)
    lines.append(f"{dashboard_url}/notifications")
    return "\n".join(lines)


class WebhookDeliverer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        http: httpx.AsyncClient,
        *,
        dashboard_url: str,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.keyring = keyring
        self.http = http
        self.dashboard_url = dashboard_url
        self.policy = policy or DeliveryPolicy()

    async def deliver_due(self) -> int:
        """One round over every tenant with deliveries due; the number sent."""
        async with unit_of_work(self.sessionmaker, None) as session:
            tenants = await system.tenants_with_due_webhook_deliveries(
                session, limit=self.policy.tenants_per_round
            )
        sent = 0
        for tenant_id in tenants:
            sent += await self.deliver_tenant(tenant_id)
        return sent

    async def deliver_tenant(self, tenant_id: UUID) -> int:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            claimed = await DeliveryRepository(session).claim(
                self.policy.batch, lease_s=self.policy.timeout_s + 30
            )
            webhook = await WebhookRepository(session).get()
            url = decrypt_url(self.keyring, webhook) if webhook is not None and claimed else None
        if not claimed:
            return 0
        outcomes = [await self._send(url, delivery) for delivery in claimed]
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = DeliveryRepository(session)
            for outcome in outcomes:
                delivery = outcome.delivery
                if outcome.error is None:
                    await repository.sent(delivery.notification_id)
                elif outcome.final or delivery.attempts >= self.policy.attempts:
                    await repository.failed(delivery.notification_id, outcome.error)
                    logger.warning(
                        "notification %s: webhook delivery failed for good (%s)",
                        delivery.notification_id,
                        outcome.error,
                    )
                else:
                    delay = self.policy.backoff_s * 2 ** (delivery.attempts - 1)
                    await repository.retry_later(delivery.notification_id, outcome.error, delay)
        return sum(1 for outcome in outcomes if outcome.error is None)

    async def _send(self, url: str | None, delivery: ClaimedDelivery) -> _Outcome:
        if url is None:
            return _Outcome(delivery, "the webhook was removed", final=True)
        text = message_text(delivery.title, delivery.detail, self.dashboard_url)
        try:
            response = await self.http.post(url, json={"text": text}, timeout=self.policy.timeout_s)
        except httpx.HTTPError as error:
            return _Outcome(delivery, f"{type(error).__name__}: {error}")
        if response.is_success:
            return _Outcome(delivery, None)
        final = response.status_code < 500 and response.status_code not in RETRYABLE_CLIENT_ERRORS
        return _Outcome(delivery, f"HTTP {response.status_code}", final=final)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception as error:  # the database away: try again next round
                logger.warning(
                    "notification webhook round failed (%s: %s)", type(error).__name__, error
                )
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.policy.poll_s)


TEST_TITLE = "ICOP test notification"


async def send_test(
    session: AsyncSession,
    settings: Settings,
    keyring: Keyring,
    http: httpx.AsyncClient,
    principal: Principal,
) -> WebhookTestOut:
    """Post one test message to the configured webhook now, once, and say what it answered,
    so a person setting it up sees at once whether the URL works. Not queued and not retried:
    it is a check, not a notification. The request waits at most the delivery timeout."""
    webhook = await WebhookRepository(session).get()
    if webhook is None:
        raise NotFound("no notification webhook is configured")
    text = message_text(
        TEST_TITLE,
        "The webhook works: ICOP will post approvals waiting, failed runs and unconfirmed "
        "posts here.",
        settings.dashboard_base_url,
    )
    status_code: int | None = None
    error: str | None = None
    try:
        response = await http.post(
            decrypt_url(keyring, webhook),
            json={"text": text},
            timeout=settings.notification_webhook_timeout_s,
        )
        status_code = response.status_code
        if not response.is_success:
            error = f"HTTP {response.status_code}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="notifications.webhook_tested",
        target_type="notification_webhook",
        target_id=webhook.id,
        details={"delivered": error is None, "status_code": status_code},
    )
    return WebhookTestOut(delivered=error is None, status_code=status_code, error=error)


@asynccontextmanager
async def background_deliverer(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    keyring: Keyring,
    http: httpx.AsyncClient,
) -> AsyncIterator[WebhookDeliverer]:
    """The delivery loop as a background task of the current event loop (the API process)."""
    deliverer = WebhookDeliverer(
        sessionmaker,
        keyring,
        http,
        dashboard_url=settings.dashboard_base_url,
        policy=DeliveryPolicy.from_settings(settings),
    )
    async with in_background(
        deliverer.run,
        name="notification-webhooks",
        stop_timeout_s=deliverer.policy.timeout_s + 5,
    ):
        yield deliverer
