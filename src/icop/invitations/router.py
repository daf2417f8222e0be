from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, TokensDep, require_role
from icop.auth.schemas import TokenPair
from icop.auth.service import ClientInfo
from icop.gateway.dependencies import (
    Limit,
    Offset,
    SessionDep,
    SettingsDep,
    client_address,
    limit_anonymous,
)
from icop.gateway.problems import problem_responses
from icop.invitations import service
from icop.invitations.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
)
from icop.models import Role

router = APIRouter(
    prefix="/invitations",
    tags=["invitations"],
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationCreated,
    dependencies=[require_role(Role.ADMIN)],
)
async def create_invitation(
    body: InvitationCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
) -> InvitationCreated:
    """Invite someone by e-mail. Share the returned token or URL with them; it is shown once."""
    return await service.invite(session, settings, principal, body)


@router.get("", response_model=list[InvitationOut], dependencies=[require_role(Role.ADMIN)])
async def list_invitations(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[InvitationOut]:
    return [
        InvitationOut.model_validate(i)
        for i in await service.list_pending(session, limit=limit, offset=offset)
    ]


@router.delete(
    "/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.ADMIN)],
)
async def revoke_invitation(
    invitation_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    await service.revoke(session, principal, invitation_id)


@router.post(
    "/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenPair,
    dependencies=[Depends(limit_anonymous)],
)
async def accept_invitation(
    body: InvitationAccept, request: Request, session: SessionDep, tokens: TokensDep
) -> TokenPair:
    """Accept an invitation: creates the account and logs it in."""
    client = ClientInfo(
        user_agent=request.headers.get("user-agent"), ip_address=client_address(request)
    )
    return await service.accept(session, tokens, body, client)
