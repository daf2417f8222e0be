from __future__ import annotations

from fastapi import APIRouter

from icop.auth.dependencies import CurrentPrincipal, TenantSession
from icop.gateway.problems import problem_responses
from icop.quotas import service
from icop.quotas.schemas import UsageOut

router = APIRouter(tags=["usage"], responses=problem_responses(401, 403, 429))


@router.get("/usage", response_model=UsageOut)
async def get_usage(principal: CurrentPrincipal, session: TenantSession) -> UsageOut:
    """This month's consumption against the tenant's plan quotas."""
    return await service.usage(session, principal.tenant_id)
