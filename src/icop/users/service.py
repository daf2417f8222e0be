"""Members of a tenant: list, change role or status, remove.

Rules: admins manage editors and viewers; only owners grant, change or remove the owner role;
nobody changes their own role or status; a tenant always keeps one active owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.auth.repository import AuthRepository
from icop.errors import Conflict, Forbidden
from icop.models import Role, User, UserStatus
from icop.users.repository import UserRepository
from icop.users.schemas import UserUpdate


async def get(session: AsyncSession, user_id: UUID) -> User:
    return await UserRepository(session).must_get(user_id)


async def list_users(session: AsyncSession, *, limit: int, offset: int) -> Sequence[User]:
    return await UserRepository(session).list(limit=limit, offset=offset)


def _check_may_manage(principal: Principal, target: User, new_role: Role | None) -> None:
    if principal.user_id == target.id and (new_role is not None):
        raise Forbidden("you cannot change your own role")
    touches_owner = Role(target.role) is Role.OWNER or new_role is Role.OWNER
    if touches_owner and principal.role is not Role.OWNER:
        raise Forbidden("only an owner can grant, change or remove the owner role")


async def _keep_an_owner(session: AsyncSession, target: User, *, losing_owner: bool) -> None:
    still_an_active_owner = target.status == UserStatus.ACTIVE and Role(target.role) is Role.OWNER
    if (
        losing_owner
        and still_an_active_owner
        and await UserRepository(session).count_active_owners() <= 1
    ):
        raise Conflict("a tenant must keep at least one active owner")


async def update(
    session: AsyncSession, principal: Principal, user_id: UUID, request: UserUpdate
) -> User:
    target = await get(session, user_id)
    _check_may_manage(principal, target, request.role)
    if request.status is not None and principal.user_id == target.id:
        raise Forbidden("you cannot change your own status")
    losing_owner = (request.role is not None and request.role is not Role.OWNER) or (
        request.status is UserStatus.DISABLED
    )
    await _keep_an_owner(session, target, losing_owner=losing_owner)
    changes: dict[str, str | None] = {}
    if request.role is not None:
        target.role = changes["role"] = request.role.value
    if request.status is not None:
        target.status = request.status
        changes["status"] = request.status.value
        if request.status is UserStatus.DISABLED:
            await AuthRepository(session).revoke_user_sessions(
                target.tenant_id, target.id, "user_disabled"
            )
    if "display_name" in request.model_fields_set:
        target.display_name = changes["display_name"] = request.display_name
    await session.flush()
    await session.refresh(target)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="user.updated",
        target_type="user",
        target_id=target.id,
        details=changes,
    )
    return target


async def remove(session: AsyncSession, principal: Principal, user_id: UUID) -> None:
    target = await get(session, user_id)
    _check_may_manage(principal, target, None)
    await _keep_an_owner(session, target, losing_owner=True)
    await UserRepository(session).delete(target)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="user.removed",
        target_type="user",
        target_id=user_id,
        details={"email": target.email},
    )
