"""Sign-up, login, refresh rotation with reuse detection, logout, and request authentication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth import passwords
from icop.auth.exceptions import (
    AmbiguousAccount,
    InvalidCredentials,
    RefreshTokenReused,
    SessionRevoked,
)
from icop.auth.principal import Principal, PrincipalKind
from icop.auth.repository import AuthRepository
from icop.auth.schemas import TokenPair
from icop.auth.throttle import LoginThrottle, ThrottlePolicy
from icop.auth.tokens import InvalidToken, TokenService, TokenType
from icop.db.session import bind_tenant
from icop.models import Role, SubscriptionPlan, UserStatus
from icop.outbox.service import emit
from icop.tenants.repository import TenantRepository
from icop.users.repository import UserRepository


@dataclass(frozen=True)
class ClientInfo:
    user_agent: str | None = None
    ip_address: str | None = None


async def signup(
    session: AsyncSession,
    tokens: TokenService,
    *,
    email: str,
    password: str,
    company_name: str,
    display_name: str | None,
    client: ClientInfo,
    plan: SubscriptionPlan = SubscriptionPlan.FREE,
    language: str = "en",
) -> TokenPair:
    """Create a tenant and its owner. No bypass needed: binding the new tenant's id first
    lets the inserts pass the tenant policies' WITH CHECK."""
    tenant_id = uuid4()
    await bind_tenant(session, tenant_id)
    await TenantRepository(session).create(
        tenant_id=tenant_id, company_name=company_name, plan=plan.value
    )
    user = await UserRepository(session).create(
        tenant_id=tenant_id,
        email=email,
        password_hash=await passwords.hash_password(password),
        role=Role.OWNER.value,
        display_name=display_name,
        language=language,
    )
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor_id=user.id,
        action="tenant.created",
        target_type="tenant",
        target_id=tenant_id,
    )
    await emit(
        session,
        tenant_id=tenant_id,
        topic="tenant.created",
        payload={"tenant_id": str(tenant_id), "owner_id": str(user.id)},
    )
    return await start_session(
        session, tokens, tenant_id=tenant_id, user_id=user.id, role=Role.OWNER, client=client
    )


async def login(
    session: AsyncSession,
    tokens: TokenService,
    *,
    email: str,
    password: str,
    tenant_id: UUID | None,
    client: ClientInfo,
    throttle_policy: ThrottlePolicy | None = None,
) -> TokenPair:
    """Refused (429) without checking the password while the address is throttled; a failure
    counts towards the throttle, a success clears it."""
    throttle = LoginThrottle(session, throttle_policy or ThrottlePolicy())
    await throttle.ensure_allowed(email)
    candidates = await AuthRepository(session).login_candidates(email)
    if tenant_id is not None:
        candidates = [c for c in candidates if c.tenant_id == tenant_id]
    matches = [c for c in candidates if await passwords.verify_password(c.password_hash, password)]
    if not candidates:
        await passwords.verify_password(None, password)  # same cost as a real check
    active = [c for c in matches if c.status == UserStatus.ACTIVE]
    if not active:
        for candidate in candidates:
            await bind_tenant(session, candidate.tenant_id)
            await audit.record(
                session,
                tenant_id=candidate.tenant_id,
                actor_id=candidate.user_id,
                action="auth.login_failed",
                target_type="user",
                target_id=candidate.user_id,
                details={"ip": client.ip_address},
            )
        await throttle.record_failure(email)
        raise InvalidCredentials()
    if len(active) > 1:
        raise AmbiguousAccount(
            "this e-mail and password match accounts in several tenants; pass tenant_id",
            tenant_ids=[str(c.tenant_id) for c in active],
        )
    account = active[0]
    await throttle.record_success(email)
    await bind_tenant(session, account.tenant_id)
    new_hash = (
        await passwords.hash_password(password)
        if passwords.needs_rehash(account.password_hash)
        else None
    )
    await UserRepository(session).mark_login(account.user_id, new_hash)
    await audit.record(
        session,
        tenant_id=account.tenant_id,
        actor_id=account.user_id,
        action="auth.login",
        target_type="user",
        target_id=account.user_id,
        details={"ip": client.ip_address},
    )
    return await start_session(
        session,
        tokens,
        tenant_id=account.tenant_id,
        user_id=account.user_id,
        role=Role(account.role),
        client=client,
    )


async def start_session(
    session: AsyncSession,
    tokens: TokenService,
    *,
    tenant_id: UUID,
    user_id: UUID,
    role: Role,
    client: ClientInfo,
) -> TokenPair:
    expires_at = datetime.now(UTC) + timedelta(seconds=tokens.refresh_ttl_s)
    auth_session = await AuthRepository(session).create_session(
        tenant_id=tenant_id,
        user_id=user_id,
        expires_at=expires_at,
        user_agent=client.user_agent,
        ip_address=client.ip_address,
    )
    return await _issue_pair(
        session, tokens, tenant_id=tenant_id, user_id=user_id, session_id=auth_session.id, role=role
    )


async def refresh(session: AsyncSession, tokens: TokenService, refresh_token: str) -> TokenPair:
    claims = tokens.decode(refresh_token, TokenType.REFRESH)
    await bind_tenant(session, claims.tenant_id)
    repository = AuthRepository(session)
    session_id = await repository.consume_refresh_token(claims.tenant_id, claims.token_id)
    if session_id is None:
        if await repository.refresh_token_exists(claims.tenant_id, claims.token_id):
            # A used token came back: someone holds a copy. End the whole family.
            await repository.revoke_session(claims.tenant_id, claims.session_id, "refresh_reuse")
            await audit.record(
                session,
                tenant_id=claims.tenant_id,
                actor_id=claims.subject,
                action="auth.refresh_reuse_detected",
                target_type="session",
                target_id=claims.session_id,
            )
            raise RefreshTokenReused()
        raise InvalidToken("unknown refresh token")
    if session_id != claims.session_id:
        raise InvalidToken("refresh token does not belong to its session")
    state = await repository.session_state(claims.tenant_id, claims.session_id, claims.subject)
    if state is None or state.revoked or state.expired or state.user_status != UserStatus.ACTIVE:
        raise SessionRevoked()
    await repository.touch_session(claims.tenant_id, claims.session_id)
    return await _issue_pair(
        session,
        tokens,
        tenant_id=claims.tenant_id,
        user_id=claims.subject,
        session_id=claims.session_id,
        role=Role(state.role),
    )


async def logout(session: AsyncSession, principal: Principal) -> None:
    if principal.session_id is None:
        return
    await AuthRepository(session).revoke_session(
        principal.tenant_id, principal.session_id, "logout"
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="auth.logout",
        target_type="session",
        target_id=principal.session_id,
    )


async def authenticate_access_token(
    session: AsyncSession, tokens: TokenService, token: str
) -> Principal:
    claims = tokens.decode(token, TokenType.ACCESS)
    await bind_tenant(session, claims.tenant_id)
    state = await AuthRepository(session).session_state(
        claims.tenant_id, claims.session_id, claims.subject
    )
    if state is None or state.user_status != UserStatus.ACTIVE:
        raise InvalidToken("the account no longer exists or is disabled")
    if state.revoked or state.expired:
        raise SessionRevoked()
    return Principal(
        kind=PrincipalKind.USER,
        tenant_id=claims.tenant_id,
        role=Role(state.role),
        user_id=claims.subject,
        session_id=claims.session_id,
    )


async def _issue_pair(
    session: AsyncSession,
    tokens: TokenService,
    *,
    tenant_id: UUID,
    user_id: UUID,
    session_id: UUID,
    role: Role,
) -> TokenPair:
    access, _ = tokens.issue(
        TokenType.ACCESS,
        user_id=user_id,
        tenant_id=tenant_id,
        session_id=session_id,
        role=role.value,
    )
    refresh_token, refresh_claims = tokens.issue(
        TokenType.REFRESH,
        user_id=user_id,
        tenant_id=tenant_id,
        session_id=session_id,
        role=role.value,
    )
    await AuthRepository(session).add_refresh_token(
        tenant_id=tenant_id,
        token_id=refresh_claims.token_id,
        session_id=session_id,
        expires_at=datetime.fromtimestamp(refresh_claims.expires_at, UTC),
    )
    return TokenPair(
        tenant_id=tenant_id,
        user_id=user_id,
        access_token=access,
        refresh_token=refresh_token,
        expires_in=tokens.access_ttl_s,
    )
