from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from icop.auth import service
from icop.auth.dependencies import CurrentPrincipal, TokensDep
from icop.auth.schemas import LoginRequest, RefreshRequest, SignupRequest, TokenPair
from icop.auth.service import ClientInfo
from icop.gateway.dependencies import SessionDep, client_address, limit_anonymous
from icop.gateway.problems import problem_responses

router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    dependencies=[Depends(limit_anonymous)],
    responses=problem_responses(400, 401, 409, 422, 429),
)


def _client(request: Request) -> ClientInfo:
    return ClientInfo(
        user_agent=request.headers.get("user-agent"), ip_address=client_address(request)
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenPair)
async def signup(
    body: SignupRequest, request: Request, session: SessionDep, tokens: TokensDep
) -> TokenPair:
    """Create a tenant and its owner account; returns the owner's tokens."""
    return await service.signup(
        session,
        tokens,
        email=body.email,
        password=body.password,
        company_name=body.company_name,
        display_name=body.display_name,
        client=_client(request),
    )


@router.post("/login", response_model=TokenPair)
async def login(
    body: LoginRequest, request: Request, session: SessionDep, tokens: TokensDep
) -> TokenPair:
    return await service.login(
        session,
        tokens,
        email=body.email,
        password=body.password,
        tenant_id=body.tenant_id,
        client=_client(request),
    )


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, session: SessionDep, tokens: TokensDep) -> TokenPair:
    """Rotate a refresh token. Each refresh token works once; presenting a used one revokes
    the whole session (it means a copy leaked)."""
    return await service.refresh(session, tokens, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: SessionDep) -> None:
    """End the caller's session: its refresh tokens and access tokens stop working."""
    await service.logout(session, principal)
