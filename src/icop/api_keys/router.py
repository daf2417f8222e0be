from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from icop.api_keys import service
from icop.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.models import Role

router = APIRouter(
    prefix="/api-keys",
    tags=["api keys"],
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 404, 422, 429),
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_api_key(
    body: ApiKeyCreate, principal: CurrentPrincipal, session: TenantSession
) -> ApiKeyCreated:
    """Create a key for a machine client. The secret is in this response only."""
    return await service.create(session, principal, body)


@router.get("", response_model=list[ApiKeyOut])
async def list_api_keys(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[ApiKeyOut]:
    return [
        ApiKeyOut.model_validate(k)
        for k in await service.list_keys(session, limit=limit, offset=offset)
    ]


@router.get("/{api_key_id}", response_model=ApiKeyOut)
async def get_api_key(api_key_id: UUID, session: TenantSession) -> ApiKeyOut:
    return ApiKeyOut.model_validate(await service.get(session, api_key_id))


@router.delete("/{api_key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(
    api_key_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    await service.revoke(session, principal, api_key_id)
