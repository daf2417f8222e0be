"""Inviting people into a tenant.

The token is ``<tenant id hex>.<secret>``: accepting it binds that tenant first, so the
lookup runs under row-level security with no bypass. Only SHA-256(secret) is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth import passwords
from icop.auth import service as auth
from icop.auth.principal import Principal
from icop.auth.schemas import TokenPair
from icop.auth.service import ClientInfo
from icop.auth.tokens import TokenService
from icop.config import Settings
from icop.db.session import bind_tenant
from icop.errors import Conflict, Forbidden, NotFound
from icop.invitations.repository import InvitationRepository
from icop.invitations.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
)
from icop.models import Invitation, Role
from icop.users.repository import UserRepository


class InvalidInvitation(NotFound):
    code = "invalid_invitation"
    title = "The invitation is unknown, used, revoked or expired"


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _parse(token: str) -> tuple[UUID, bytes]:
    tenant_hex, _, secret = token.partition(".")
    try:
        tenant_id = UUID(hex=tenant_hex)
    except ValueError as error:
        raise InvalidInvitation() from error
    if len(secret) < 20:
        raise InvalidInvitation()
    return tenant_id, _hash(secret)


async def invite(
    session: AsyncSession, settings: Settings, principal: Principal, request: InvitationCreate
) -> InvitationCreated:
    if not principal.role.at_least(request.role):
        raise Forbidden("you cannot invite someone with a higher role than yours")
    if await UserRepository(session).get_by_email(request.email) is not None:
        raise Conflict("this person is already a member of the tenant")
    secret = secrets.token_urlsafe(32)
    invitation = await InvitationRepository(session).create(
        tenant_id=principal.tenant_id,
        email=request.email,
        role=request.role.value,
        token_hash=_hash(secret),
        invited_by=principal.user_id,
        expires_at=datetime.now(UTC) + timedelta(seconds=settings.invitation_ttl_s),
        note=request.note,
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="invitation.created",
        target_type="invitation",
        target_id=invitation.id,
        details={"email": request.email, "role": request.role.value},
    )
    token = f"{principal.tenant_id.hex}.{secret}"
    return InvitationCreated(
        **InvitationOut.model_validate(invitation).model_dump(),
        token=token,
        accept_url=f"{settings.base_url}/invite#{token}",
    )


async def accept(
    session: AsyncSession, tokens: TokenService, request: InvitationAccept, client: ClientInfo
) -> TokenPair:
    tenant_id, token_hash = _parse(request.token)
    await bind_tenant(session, tenant_id)
    invitation = await InvitationRepository(session).claim(token_hash)
    if invitation is None:
        raise InvalidInvitation()
    users = UserRepository(session)
    if await users.get_by_email(invitation.email) is not None:
        raise Conflict("this person is already a member of the tenant")
    user = await users.create(
        tenant_id=tenant_id,
        email=invitation.email,
        password_hash=await passwords.hash_password(request.password),
        role=invitation.role,
        display_name=request.display_name,
    )
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor_id=user.id,
        action="invitation.accepted",
        target_type="invitation",
        target_id=invitation.id,
    )
    return await auth.start_session(
        session,
        tokens,
        tenant_id=tenant_id,
        user_id=user.id,
        role=Role(invitation.role),
        client=client,
    )


async def get(session: AsyncSession, invitation_id: UUID) -> Invitation:
    return await InvitationRepository(session).must_get(invitation_id)


async def list_pending(session: AsyncSession, *, limit: int, offset: int) -> Sequence[Invitation]:
    return await InvitationRepository(session).list_pending(limit=limit, offset=offset)


async def revoke(session: AsyncSession, principal: Principal, invitation_id: UUID) -> None:
    invitation = await get(session, invitation_id)
    await InvitationRepository(session).revoke(invitation.id)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="invitation.revoked",
        target_type="invitation",
        target_id=invitation_id,
    )
