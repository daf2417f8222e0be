"""Connected accounts: the OAuth connect flow (state and PKCE verifier kept server-side for a
few minutes), listing, disconnecting.

The callback is reached by the user's browser, redirected by the platform, without our bearer
token. The ``state`` therefore carries the tenant id in the clear plus a random secret; only
its hash is stored, the row is single-use and short-lived, and a state from another tenant or
provider, reused, or expired is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.credentials.repository import CredentialRepository
from icop.credentials.vault import AssociatedData, Keyring
from icop.db.session import bind_tenant
from icop.errors import BadRequest, NotFound
from icop.models import AccountStatus, OAuthState, SocialAccount
from icop.syndication.platforms.base import OAuthProvider, PlatformError
from icop.syndication.repository import AccountRepository, OAuthStateRepository
from icop.syndication.schemas import AccountOut, ConnectStarted
from icop.syndication.tokens import store_grant

VERIFIER_FIELD = "pkce_verifier"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _ad(tenant_id: UUID, state_id: UUID, provider: str) -> AssociatedData:
    return AssociatedData(tenant_id, state_id, f"oauth:{provider}", VERIFIER_FIELD)


def redirect_uri(settings: Settings, provider: str) -> str:
    return f"{settings.base_url}/api/v1/accounts/callback/{provider}"


def _provider(providers: dict[str, OAuthProvider], name: str) -> OAuthProvider:
    provider = providers.get(name)
    if provider is None:
        known = ", ".join(sorted(providers)) or "none configured"
        raise NotFound(f"unknown provider {name!r} (known: {known})")
    return provider


async def start_connect(
    session: AsyncSession,
    settings: Settings,
    keyring: Keyring,
    providers: dict[str, OAuthProvider],
    principal: Principal,
    name: str,
) -> ConnectStarted:
    provider = _provider(providers, name)
    now = datetime.now(UTC)
    repository = OAuthStateRepository(session)
    await repository.purge_expired(now)
    state_id, secret = uuid4(), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters: inside RFC 7636's 43..128
    uri = redirect_uri(settings, name)
    expires_at = now + timedelta(seconds=settings.syndication_oauth_state_ttl_s)
    await repository.add(
        OAuthState(
            tenant_id=principal.tenant_id,
            id=state_id,
            provider=name,
            state_hash=_hash(secret),
            encrypted_verifier=keyring.encrypt(verifier, _ad(principal.tenant_id, state_id, name)),
            redirect_uri=uri,
            user_id=principal.user_id,
            expires_at=expires_at,
        )
    )
    state = f"{principal.tenant_id}.{state_id}.{secret}"
    url = provider.authorization_url(
        state=state, redirect_uri=uri, code_challenge=_challenge(verifier)
    )
    return ConnectStarted(authorization_url=url, expires_at=expires_at)


def _parse_state(state: str) -> tuple[UUID, UUID, str]:
    try:
        tenant, state_id, secret = state.split(".", 2)
        return UUID(tenant), UUID(state_id), secret
    except ValueError:
        raise BadRequest("the connect link is invalid or has expired; start again") from None


async def finish_connect(
    session: AsyncSession,
    keyring: Keyring,
    providers: dict[str, OAuthProvider],
    name: str,
    *,
    code: str,
    state: str,
) -> list[SocialAccount]:
    provider = _provider(providers, name)
    tenant_id, state_id, secret = _parse_state(state)
    await bind_tenant(session, tenant_id)
    row = await OAuthStateRepository(session).take(state_id)
    invalid = BadRequest("the connect link is invalid or has expired; start again")
    if row is None or row.provider != name or row.expires_at < datetime.now(UTC):
        raise invalid
    if not hmac.compare_digest(row.state_hash, _hash(secret)):
        raise invalid
    verifier = (
        keyring.decrypt(row.encrypted_verifier, _ad(tenant_id, state_id, name))
        if row.encrypted_verifier
        else None
    )
    try:
        identities = await provider.exchange_code(
            code=code, redirect_uri=row.redirect_uri, code_verifier=verifier
        )
    except PlatformError as error:
        raise BadRequest(
            f"{name} refused the connection: {error.platform_message or error.detail}"
        ) from error
    repository = AccountRepository(session)
    connected: list[SocialAccount] = []
    for identity in identities:
        account = await repository.find(identity.platform.value, identity.account_id)
        if account is None:
            account = await repository.add(
                SocialAccount(
                    tenant_id=tenant_id,
                    id=uuid4(),
                    platform=identity.platform.value,
                    platform_account_id=identity.account_id,
                    name=identity.name[:300],
                    provider=name,
                    status=AccountStatus.CONNECTED,
                    connected_by=row.user_id,
                )
            )
        account.name = identity.name[:300]
        account.status, account.status_reason = AccountStatus.CONNECTED, None
        await store_grant(session, keyring, account, identity.grant, user_id=row.user_id)
        connected.append(account)
        await audit.record(
            session,
            tenant_id=tenant_id,
            actor_id=row.user_id,
            action="social_account.connected",
            target_type="social_account",
            target_id=account.id,
            details={"platform": account.platform, "provider": name},
        )
    await session.flush()
    for account in connected:
        await session.refresh(account)
    return connected


async def list_accounts(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[SocialAccount]:
    return await AccountRepository(session).list(limit=limit, offset=offset)


async def get(session: AsyncSession, account_id: UUID) -> SocialAccount:
    return await AccountRepository(session).must_get(account_id)


async def views(session: AsyncSession, rows: Sequence[SocialAccount]) -> list[AccountOut]:
    """The accounts as the API shows them, each saying whether it can renew its own token
    (a refresh token is stored) — never the token."""
    refreshable = await AccountRepository(session).refreshable([row.id for row in rows])
    return [
        AccountOut.model_validate(row).model_copy(update={"can_refresh": row.id in refreshable})
        for row in rows
    ]


async def disconnect(session: AsyncSession, principal: Principal, account_id: UUID) -> None:
    """The tokens are deleted; the account row stays for its posts' history."""
    account = await get(session, account_id)
    credential_id = account.credential_id
    account.status = AccountStatus.DISCONNECTED
    account.status_reason = "disconnected by a user"
    account.credential_id = None
    await session.flush()
    if credential_id is not None:
        credential = await CredentialRepository(session).get(credential_id)
        if credential is not None:
            await CredentialRepository(session).delete(credential)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="social_account.disconnected",
        target_type="social_account",
        target_id=account_id,
        details={"platform": account.platform},
    )
