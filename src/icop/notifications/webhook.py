"""The tenant's optional notification webhook: a Slack-compatible incoming webhook
(``POST {"text": …}``). Its URL is a secret (whoever has a Slack webhook URL can post to the
channel), so it is stored encrypted with the vault's keys and shown only as a hint."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.credentials.vault import AssociatedData, Keyring, key_id_of
from icop.errors import NotFound, ValidationFailed
from icop.models import NotificationWebhook
from icop.notifications.repository import WebhookRepository

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_URL_LENGTH = 2000


def validate_url(url: str) -> str:
    """https anywhere, or plain http to this machine only (a local relay, the tests)."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed(f"the webhook URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise ValidationFailed(f"the webhook URL is malformed: {error}") from None
    if not host:
        raise ValidationFailed("the webhook URL needs a host, e.g. https://hooks.slack.com/…")
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOCAL_HOSTS):
        return url
    raise ValidationFailed("the webhook URL must use https (plain http only to localhost)")


def _associated(webhook: NotificationWebhook) -> AssociatedData:
    return AssociatedData(
        tenant_id=webhook.tenant_id,
        credential_id=webhook.id,
        platform="notification_webhook",
        field="url",
    )


def _hint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"[:300]


def _seal(keyring: Keyring, webhook: NotificationWebhook, url: str) -> None:
    webhook.encrypted_url = keyring.encrypt(url, _associated(webhook))
    webhook.key_id = key_id_of(webhook.encrypted_url)
    webhook.hint = _hint(url)


def decrypt_url(keyring: Keyring, webhook: NotificationWebhook) -> str:
    return keyring.decrypt(webhook.encrypted_url, _associated(webhook))


async def configure(
    session: AsyncSession, keyring: Keyring, principal: Principal, url: str
) -> NotificationWebhook:
    """Set (or replace) the tenant's webhook."""
    url = validate_url(url)
    repository = WebhookRepository(session)
    webhook = await repository.get()
    if webhook is None:
        webhook = NotificationWebhook(
            tenant_id=principal.tenant_id, id=uuid4(), created_by=principal.user_id
        )
        _seal(keyring, webhook, url)
        await repository.add(webhook)
    else:
        _seal(keyring, webhook, url)
        await session.flush()
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="notifications.webhook_set",
        target_type="notification_webhook",
        target_id=webhook.id,
        details={"hint": webhook.hint},
    )
    return webhook


async def current(session: AsyncSession) -> NotificationWebhook | None:
    return await WebhookRepository(session).get()


async def remove(session: AsyncSession, principal: Principal) -> None:
    repository = WebhookRepository(session)
    webhook = await repository.get()
    if webhook is None:
        raise NotFound("no notification webhook is configured")
    await repository.delete(webhook)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="notifications.webhook_removed",
        target_type="notification_webhook",
        target_id=webhook.id,
    )


async def reencrypt_tenant(session: AsyncSession, keyring: Keyring) -> int:
    """Re-encrypt the bound tenant's webhook URL with the primary key (``icop keys rotate``)."""
    webhook = await WebhookRepository(session).get()
    if webhook is None or webhook.key_id == keyring.primary_key_id:
        return 0
    _seal(keyring, webhook, decrypt_url(keyring, webhook))
    await session.flush()
    return 1
