from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.api_keys import secrets
from icop.api_keys.repository import ApiKeyRepository
from icop.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from icop.audit import service as audit
from icop.auth.principal import Principal, PrincipalKind
from icop.auth.tokens import InvalidToken
from icop.db.session import bind_tenant
from icop.errors import Forbidden, NotFound
from icop.models import ApiKey, Role


async def authenticate(session: AsyncSession, key: str) -> Principal:
    parsed = secrets.parse(key)
    if parsed is None:
        raise InvalidToken("malformed API key")
    await bind_tenant(session, parsed.tenant_id)
    repository = ApiKeyRepository(session)
    api_key = await repository.find_usable(parsed.digest)
    if api_key is None:
        raise InvalidToken("unknown, revoked or expired API key")
    await repository.touch(api_key.id)
    return Principal(
        kind=PrincipalKind.API_KEY,
        tenant_id=parsed.tenant_id,
        role=Role(api_key.role),
        api_key_id=api_key.id,
    )


async def create(
    session: AsyncSession, principal: Principal, request: ApiKeyCreate
) -> ApiKeyCreated:
    if not principal.role.at_least(request.role):
        raise Forbidden("an API key cannot have a higher role than its creator")
    key, digest, hint = secrets.generate(principal.tenant_id)
    expires_at = (
        datetime.now(UTC) + timedelta(days=request.expires_in_days)
        if request.expires_in_days
        else None
    )
    api_key = await ApiKeyRepository(session).create(
        tenant_id=principal.tenant_id,
        name=request.name,
        secret_hash=digest,
        hint=hint,
        role=request.role.value,
        created_by=principal.user_id,
        expires_at=expires_at,
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="api_key.created",
        target_type="api_key",
        target_id=api_key.id,
        details={"name": request.name, "role": request.role.value},
    )
    return ApiKeyCreated(**ApiKeyOut.model_validate(api_key).model_dump(), key=key)


async def get(session: AsyncSession, key_id: UUID) -> ApiKey:
    api_key = await ApiKeyRepository(session).get(key_id)
    if api_key is None or api_key.revoked_at is not None:
        raise NotFound("API key not found")
    return api_key


async def list_keys(session: AsyncSession, *, limit: int, offset: int) -> Sequence[ApiKey]:
    return await ApiKeyRepository(session).list(limit=limit, offset=offset)


async def revoke(session: AsyncSession, principal: Principal, key_id: UUID) -> None:
    api_key = await get(session, key_id)
    await ApiKeyRepository(session).revoke(api_key.id)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="api_key.revoked",
        target_type="api_key",
        target_id=key_id,
    )
