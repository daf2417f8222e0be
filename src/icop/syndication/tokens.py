"""Account tokens: kept encrypted in the credential vault, refreshed before they expire and
after a platform says they have, one refresh per account at a time.

Single flight has two layers. In one process, a per-account ``asyncio.Lock``: fifty publishes
that meet an expired token queue behind one refresh. Across processes, the account's row is
locked (``SELECT … FOR UPDATE``) for the duration of the refresh. Whoever gets the lock re-reads
the stored token first and refreshes only if it is still the one the caller saw, so the
queued callers pick up the new token instead of refreshing again (a refresh token is often
single-use: a second refresh with the old one would fail and disconnect the account)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.credentials import service as credentials
from icop.credentials.repository import CredentialRepository
from icop.credentials.service import decrypt as decrypt_credential
from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.models import AccountStatus, ApiCredential, SocialAccount
from icop.syndication.exceptions import AccountNeedsReconnect, NoPlatformClient
from icop.syndication.platforms.base import (
    AccountAuth,
    AuthExpired,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformClient,
    TokenGrant,
)
from icop.syndication.repository import AccountRepository

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def seal_grant(keyring: Keyring, credential: ApiCredential, grant: TokenGrant) -> None:
    """Encrypt a grant into ``credential`` (bound to its tenant, id, platform and field)."""
    credentials.seal(
        keyring,
        credential,
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        expires_at=grant.expires_at,
    )
    if grant.scopes:
        credential.scopes = list(grant.scopes)


async def store_grant(
    session: AsyncSession,
    keyring: Keyring,
    account: SocialAccount,
    grant: TokenGrant,
    *,
    user_id: UUID | None = None,
) -> ApiCredential:
    """Create or replace the vault row of ``account`` with ``grant``."""
    repository = CredentialRepository(session)
    credential = await repository.get(account.credential_id) if account.credential_id else None
    if credential is None:
        label = f"{account.platform}:{account.platform_account_id}"
        credential = await repository.find(account.platform, label)
    if credential is None:
        credential = ApiCredential(
            tenant_id=account.tenant_id,
            id=uuid4(),
            user_id=user_id,
            platform=account.platform,
            label=f"{account.platform}:{account.platform_account_id}",
            account_id=account.platform_account_id,
            scopes=list(grant.scopes),
        )
        seal_grant(keyring, credential, grant)
        credential = await repository.add(credential)
    else:
        seal_grant(keyring, credential, grant)
        await session.flush()
    account.credential_id = credential.id
    account.token_expires_at = grant.expires_at
    if grant.scopes:
        account.scopes = list(grant.scopes)
    await session.flush()
    return credential


class TokenManager:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        clients: Mapping[Platform, PlatformClient],
        *,
        margin_s: float,
        clock: Clock = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.keyring = keyring
        self.clients = clients
        self.margin = timedelta(seconds=margin_s)
        self.clock = clock
        self._locks: dict[tuple[UUID, UUID], asyncio.Lock] = {}

    def _lock(self, tenant_id: UUID, account_id: UUID) -> asyncio.Lock:
        return self._locks.setdefault((tenant_id, account_id), asyncio.Lock())

    def _expiring(self, auth: AccountAuth) -> bool:
        return auth.expires_at is not None and auth.expires_at - self.margin <= self.clock()

    async def auth(self, tenant_id: UUID, account_id: UUID) -> AccountAuth:
        """Usable credentials for the account, refreshed first if they expire soon."""
        current = await self.current(tenant_id, account_id)
        if not self._expiring(current):
            return current
        return await self.refresh(tenant_id, account_id, stale=current)

    async def refresh(
        self, tenant_id: UUID, account_id: UUID, *, stale: AccountAuth
    ) -> AccountAuth:
        """Replace ``stale`` (a token that expired or is about to); a no-op returning the
        newer token when someone else already replaced it."""
        async with (
            self._lock(tenant_id, account_id),
            unit_of_work(self.sessionmaker, tenant_id) as session,
        ):
            current = await self._read(session, account_id, lock=True)
            if current.access_token != stale.access_token:
                return current
            account = await AccountRepository(session).get(account_id)
            assert account is not None
            client = self.clients.get(Platform(account.platform))
            if client is None:
                raise NoPlatformClient(f"no client is configured for {account.platform}")
            try:
                grant = await client.refresh(current)
            except (PermissionDenied, AuthExpired, PlatformBadRequest) as error:
                reason = (
                    f"the {account.platform} token could not be refreshed "
                    f"({error.platform_message or error.detail}); connect the account again"
                )
                account.status = AccountStatus.NEEDS_RECONNECT
                account.status_reason = reason
                await session.flush()
                raise AccountNeedsReconnect(reason) from error
            await store_grant(session, self.keyring, account, grant)
            account.last_refreshed_at = self.clock()
            await session.flush()
            return AccountAuth(
                platform=current.platform,
                account_id=current.account_id,
                access_token=grant.access_token,
                refresh_token=grant.refresh_token or current.refresh_token,
                expires_at=grant.expires_at,
            )

    async def current(self, tenant_id: UUID, account_id: UUID) -> AccountAuth:
        """The stored credentials as they are (no refresh)."""
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            return await self._read(session, account_id, lock=False)

    async def _read(self, session: AsyncSession, account_id: UUID, *, lock: bool) -> AccountAuth:
        account = await AccountRepository(session).must_get(account_id, lock=lock)
        if account.status != AccountStatus.CONNECTED or account.credential_id is None:
            raise AccountNeedsReconnect(
                account.status_reason or f"the account is {account.status}; connect it again"
            )
        credential = await CredentialRepository(session).get(account.credential_id)
        if credential is None:
            raise AccountNeedsReconnect("the account's tokens are gone; connect it again")
        if lock:
            # Refresh the identity map: another process may have replaced the ciphertext.
            await session.refresh(credential)
        tokens = decrypt_credential(self.keyring, credential)
        return AccountAuth(
            platform=Platform(account.platform),
            account_id=account.platform_account_id,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
        )
