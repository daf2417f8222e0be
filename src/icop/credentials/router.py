from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.credentials import service
from icop.credentials.dependencies import KeyringDep
from icop.credentials.schemas import CredentialCreate, CredentialKind, CredentialOut
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.models import Role

router = APIRouter(
    prefix="/credentials",
    tags=["credentials"],
    responses=problem_responses(401, 403, 404, 422, 429),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CredentialOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(409),
)
async def create_credential(
    body: CredentialCreate, principal: CurrentPrincipal, session: TenantSession, keyring: KeyringDep
) -> CredentialOut:
    """Store a third-party account's tokens, encrypted. The response carries metadata only."""
    credential = await service.create(session, keyring, principal, body)
    return service.to_out(credential)


@router.get("", response_model=list[CredentialOut])
async def list_credentials(
    session: TenantSession,
    limit: Limit = 50,
    offset: Offset = 0,
    platform: CredentialKind | None = Query(default=None),
) -> list[CredentialOut]:
    credentials = await service.list_credentials(
        session, limit=limit, offset=offset, platform=platform
    )
    return [service.to_out(c) for c in credentials]


@router.get("/{credential_id}", response_model=CredentialOut)
async def get_credential(credential_id: UUID, session: TenantSession) -> CredentialOut:
    return service.to_out(await service.get(session, credential_id))


@router.delete(
    "/{credential_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.ADMIN)],
)
async def delete_credential(
    credential_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    await service.delete(session, principal, credential_id)
