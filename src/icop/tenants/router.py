from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import process_client
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.tenants import service
from icop.tenants.schemas import MeOut, TenantOut, TenantUpdate
from icop.tenants.service import TimeZoneFollower

router = APIRouter(tags=["tenant"], responses=problem_responses(401, 403, 422, 429))


def get_time_zone_follower(request: Request) -> TimeZoneFollower:
    follower: TimeZoneFollower = process_client(request, "follow_time_zone")
    return follower


TimeZoneFollowerDep = Annotated[TimeZoneFollower, Depends(get_time_zone_follower)]


@router.get("/me", response_model=MeOut)
async def get_me(principal: CurrentPrincipal, session: TenantSession) -> MeOut:
    """The caller (user or API key), its role and its tenant."""
    return await service.me(session, principal)


@router.get("/tenant", response_model=TenantOut)
async def get_tenant(principal: CurrentPrincipal, session: TenantSession) -> TenantOut:
    """The caller's tenant, its time zone included (any member may read it)."""
    return TenantOut.model_validate(await service.current(session, principal))


@router.patch(
    "/tenant",
    response_model=TenantOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(503),
)
async def update_tenant(
    body: TenantUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    follow_time_zone: TimeZoneFollowerDep,
) -> TenantOut:
    """Rename the tenant or change its time zone (owners and admins). A new zone moves every
    pipeline schedule to its clock in the same request; 422 for a name that is no IANA zone,
    503 when schedules exist and the workflow engine is unreachable (nothing changes then)."""
    return TenantOut.model_validate(
        await service.update(session, principal, body, follow_time_zone)
    )
