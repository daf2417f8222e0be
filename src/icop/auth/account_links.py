"""E-mail verification and password reset: single-use links sent by e-mail.

A link's token is ``<tenant id hex>.<secret>`` (like an invitation's): opening it binds that
tenant first, so the link is found under row-level security without crossing tenants. Only a
SHA-256 of the secret is stored. Asking for a reset happens before login, by address: the
accounts are found through the audited cross-tenant function (ADR 0002), and the answer is the
same whether or not any exists.

The services return the e-mails to send; the router sends them after the commit, so no mail
leaves for work that was rolled back.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth import passwords
from icop.auth.account_tokens import AccountTokenRepository
from icop.auth.exceptions import EmailAlreadyVerified, InvalidAccountLink
from icop.auth.principal import Principal
from icop.auth.repository import AuthRepository
from icop.auth.throttle import email_key
from icop.auth.throttle_repository import LoginThrottleRepository
from icop.config import Settings
from icop.db import system
from icop.db.session import bind_tenant
from icop.errors import Forbidden, NotFound
from icop.mail.message import MailMessage
from icop.mail.templates import password_reset_email, verification_email
from icop.models import AccountTokenPurpose, Tenant, User, UserStatus
from icop.tenants.repository import TenantRepository
from icop.users.repository import UserRepository

SECRET_BYTES = 32
MIN_SECRET_CHARS = 40


def _hash(secret: str) -> bytes:
    # surrogatepass: a lone surrogate in a forged token must fail to match, not crash.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def _parse(token: str) -> tuple[UUID, bytes]:
    tenant_hex, _, secret = token.strip().partition(".")
    try:
        tenant_id = UUID(hex=tenant_hex)
    except ValueError as error:
        raise InvalidAccountLink() from error
    if len(secret) < MIN_SECRET_CHARS:
        raise InvalidAccountLink()
    return tenant_id, _hash(secret)


async def _issue(
    session: AsyncSession,
    *,
    tenant_id: UUID,
    user_id: UUID,
    purpose: AccountTokenPurpose,
    ttl_s: int,
) -> str:
    secret = secrets.token_urlsafe(SECRET_BYTES)
    await AccountTokenRepository(session).issue(
        tenant_id=tenant_id,
        user_id=user_id,
        purpose=purpose,
        token_hash=_hash(secret),
        expires_at=datetime.now(UTC) + timedelta(seconds=ttl_s),
    )
    return f"{tenant_id.hex}.{secret}"


async def verification_mail(
    session: AsyncSession, settings: Settings, *, tenant_id: UUID, user_id: UUID
) -> MailMessage:
    """A fresh verification link for the user (earlier ones stop working), as an e-mail."""
    user = await UserRepository(session).must_get(user_id)
    if user.email_verified_at is not None:
        raise EmailAlreadyVerified()
    tenant = await TenantRepository(session).get(tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    token = await _issue(
        session,
        tenant_id=tenant_id,
        user_id=user_id,
        purpose=AccountTokenPurpose.VERIFY_EMAIL,
        ttl_s=settings.email_verification_ttl_s,
    )
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor_id=user_id,
        action="auth.email_verification_sent",
        target_type="user",
        target_id=user_id,
    )
    return _verification_message(settings, user, tenant, token)


async def resend_verification(
    session: AsyncSession, settings: Settings, principal: Principal
) -> MailMessage:
    if principal.user_id is None:
        raise Forbidden("an API key has no e-mail address to verify; log in as a person")
    return await verification_mail(
        session, settings, tenant_id=principal.tenant_id, user_id=principal.user_id
    )


async def verify_email(session: AsyncSession, token: str) -> None:
    tenant_id, token_hash = _parse(token)
    await bind_tenant(session, tenant_id)
    user_id = await AccountTokenRepository(session).consume(
        tenant_id=tenant_id, purpose=AccountTokenPurpose.VERIFY_EMAIL, token_hash=token_hash
    )
    if user_id is None:
        raise InvalidAccountLink()
    await UserRepository(session).mark_email_verified(user_id)
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor_id=user_id,
        action="auth.email_verified",
        target_type="user",
        target_id=user_id,
    )


async def request_password_reset(
    session: AsyncSession, settings: Settings, email: str
) -> list[MailMessage]:
    """One e-mail per active account with this address (each names its workspace); none for
    an unknown address, and the caller answers the same either way."""
    messages = []
    for candidate in await system.password_reset_candidates(session, email):
        await bind_tenant(session, candidate.tenant_id)
        token = await _issue(
            session,
            tenant_id=candidate.tenant_id,
            user_id=candidate.user_id,
            purpose=AccountTokenPurpose.RESET_PASSWORD,
            ttl_s=settings.password_reset_ttl_s,
        )
        await audit.record(
            session,
            tenant_id=candidate.tenant_id,
            actor_id=candidate.user_id,
            action="auth.password_reset_requested",
            target_type="user",
            target_id=candidate.user_id,
        )
        messages.append(
            password_reset_email(
                to=email,
                name=candidate.display_name,
                workspace=candidate.workspace,
                link=f"{settings.dashboard_base_url}/reset-password#{token}",
                hours=max(1, settings.password_reset_ttl_s // 3600),
                language=candidate.language,
            )
        )
    return messages


async def reset_password(session: AsyncSession, token: str, new_password: str) -> None:
    """Set the new password and end every session of the account (each refresh-token family):
    whoever knew the old password is signed out everywhere."""
    tenant_id, token_hash = _parse(token)
    await bind_tenant(session, tenant_id)
    user_id = await AccountTokenRepository(session).consume(
        tenant_id=tenant_id, purpose=AccountTokenPurpose.RESET_PASSWORD, token_hash=token_hash
    )
    if user_id is None:
        raise InvalidAccountLink()
    users = UserRepository(session)
    user = await users.must_get(user_id)
    if user.status != UserStatus.ACTIVE:
        raise InvalidAccountLink()
    await users.set_password(user_id, await passwords.hash_password(new_password))
    # The link reached the mailbox: that proves the address as well as a verification would.
    await users.mark_email_verified(user_id)
    await AuthRepository(session).revoke_user_sessions(tenant_id, user_id, "password_reset")
    # Whoever reset it holds the mailbox: an address locked by someone guessing is unlocked.
    await LoginThrottleRepository(session).clear(email_key(user.email))
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor_id=user_id,
        action="auth.password_reset",
        target_type="user",
        target_id=user_id,
    )


def _verification_message(
    settings: Settings, user: User, tenant: Tenant, token: str
) -> MailMessage:
    return verification_email(
        to=user.email,
        name=user.display_name,
        workspace=tenant.company_name,
        link=f"{settings.dashboard_base_url}/verify-email#{token}",
        hours=max(1, settings.email_verification_ttl_s // 3600),
        language=user.language,
    )
