from __future__ import annotations

from fastapi import APIRouter

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.tenants import service
from icop.tenants.schemas import MeOut, TenantOut, TenantUpdate

router = APIRouter(tags=["tenant"], responses=problem_responses(401, 403, 422, 429))


@router.get("/me", response_model=MeOut)
async def get_me(principal: CurrentPrincipal, session: TenantSession) -> MeOut:
    """The caller (user or API key), its role and its tenant."""
    return await service.me(session, principal)


@router.get("/tenant", response_model=TenantOut)
async def get_tenant(principal: CurrentPrincipal, session: TenantSession) -> TenantOut:
    return TenantOut.model_validate(await service.current(session, principal))


@router.patch("/tenant", response_model=TenantOut, dependencies=[require_role(Role.ADMIN)])
async def update_tenant(
    body: TenantUpdate, principal: CurrentPrincipal, session: TenantSession
) -> TenantOut:
    return TenantOut.model_validate(await service.update(session, principal, body))
