"""Authentication and authorization dependencies: ``CurrentPrincipal``, ``TenantSession`` and
``require_role``. Role guards are objects so the cross-tenant tests can read each route's
minimum role from the route table."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from icop.api_keys import secrets as api_key_secrets
from icop.api_keys import service as api_keys
from icop.auth import service as auth
from icop.auth.principal import Principal
from icop.auth.tokens import TokenService
from icop.db.session import unit_of_work
from icop.errors import Forbidden, Unauthorized
from icop.gateway.dependencies import (
    RateLimiterDep,
    SessionDep,
    SessionmakerDep,
    client_address,
    process_client,
)
from icop.gateway.ratelimit import RateLimiter
from icop.mail.mailer import Mailer
from icop.models import Role


def get_tokens(request: Request) -> TokenService:
    tokens: TokenService = process_client(request, "tokens")
    return tokens


TokensDep = Annotated[TokenService, Depends(get_tokens)]


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = process_client(request, "mailer")
    return mailer


MailerDep = Annotated[Mailer, Depends(get_mailer)]


def _presented_credential(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("use 'Authorization: Bearer <token or API key>'")
        return value.strip()
    return request.headers.get("x-api-key")


async def get_principal(
    request: Request, session: SessionDep, tokens: TokensDep, limiter: RateLimiterDep
) -> Principal:
    return await _authenticate(request, session, tokens, limiter)


async def get_detached_principal(
    request: Request, sessionmaker: SessionmakerDep, tokens: TokensDep, limiter: RateLimiterDep
) -> Principal:
    """Authenticate in a unit of work of its own, closed before the handler runs: for
    handlers that wait long on something else (a model call) and must not hold a database
    connection meanwhile."""
    async with unit_of_work(sessionmaker, None) as session:
        return await _authenticate(request, session, tokens, limiter)


async def _authenticate(
    request: Request, session: AsyncSession, tokens: TokenService, limiter: RateLimiter
) -> Principal:
    credential = _presented_credential(request)
    if credential is None:
        await limiter.check_anonymous(client_address(request))
        raise Unauthorized("missing credentials: send a bearer token or an API key")
    if api_key_secrets.looks_like_api_key(credential):
        principal = await api_keys.authenticate(session, credential)
    else:
        principal = await auth.authenticate_access_token(session, tokens, credential)
    await limiter.check_principal(
        tenant_key=str(principal.tenant_id), actor_key=str(principal.actor_id)
    )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal, scope="function")]
DetachedPrincipal = Annotated[Principal, Depends(get_detached_principal)]


async def get_tenant_session(session: SessionDep, principal: CurrentPrincipal) -> AsyncSession:
    """The request's session, bound to the caller's tenant (authentication bound it)."""
    del principal
    return session


TenantSession = Annotated[AsyncSession, Depends(get_tenant_session, scope="function")]


class RoleGuard:
    def __init__(self, minimum: Role) -> None:
        self.minimum = minimum

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        if not principal.role.at_least(self.minimum):
            raise Forbidden(f"this action needs the {self.minimum.value} role or higher")
        return principal


class DetachedRoleGuard(RoleGuard):
    """The guard for handlers that use ``DetachedPrincipal``."""

    async def __call__(self, principal: DetachedPrincipal) -> Principal:
        return await super().__call__(principal)


def require_role(minimum: Role, *, detached: bool = False) -> Any:
    if detached:
        return Depends(DetachedRoleGuard(minimum))
    return Depends(RoleGuard(minimum), scope="function")
