"""The credential vault: store, read and rotate encrypted third-party tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.credentials.repository import CredentialRepository
from icop.credentials.schemas import CredentialCreate, CredentialKind, CredentialOut
from icop.credentials.vault import AssociatedData, Keyring
from icop.errors import Conflict
from icop.models import ApiCredential

ACCESS = "access_token"
REFRESH = "refresh_token"


@dataclass(frozen=True)
class DecryptedTokens:
    """Plaintext tokens for a platform client. ``repr`` hides them so they cannot reach logs."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None

    def __repr__(self) -> str:
        return f"DecryptedTokens(expires_at={self.expires_at!r}, access_token=<redacted>)"


def _ad(credential: ApiCredential, field: str) -> AssociatedData:
    return AssociatedData(
        tenant_id=credential.tenant_id,
        credential_id=credential.id,
        platform=credential.platform,
        field=field,
    )


def to_out(credential: ApiCredential) -> CredentialOut:
    return CredentialOut(
        id=credential.id,
        platform=CredentialKind(credential.platform),
        label=credential.label,
        account_id=credential.account_id,
        scopes=list(credential.scopes),
        expires_at=credential.expires_at,
        has_refresh_token=credential.encrypted_refresh_token is not None,
        key_id=credential.key_id,
        created_at=credential.created_at,
        updated_at=credential.updated_at,
    )


async def create(
    session: AsyncSession, keyring: Keyring, principal: Principal, request: CredentialCreate
) -> ApiCredential:
    repository = CredentialRepository(session)
    if await repository.find(request.platform.value, request.label) is not None:
        raise Conflict(f"a {request.platform.value} credential labelled {request.label!r} exists")
    credential = ApiCredential(
        tenant_id=principal.tenant_id,
        id=uuid4(),
        user_id=principal.user_id,
        platform=request.platform.value,
        label=request.label,
        account_id=request.account_id,
        scopes=request.scopes,
    )
    seal(
        keyring,
        credential,
        access_token=request.access_token,
        refresh_token=request.refresh_token,
        expires_at=request.expires_at,
    )
    credential = await repository.add(credential)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="credential.created",
        target_type="credential",
        target_id=credential.id,
        details={"platform": credential.platform},
    )
    return credential


async def get(session: AsyncSession, credential_id: UUID) -> ApiCredential:
    return await CredentialRepository(session).must_get(credential_id)


async def list_credentials(
    session: AsyncSession,
    *,
    limit: int,
    offset: int,
    platform: CredentialKind | None,
    newest_first: bool = False,
) -> Sequence[ApiCredential]:
    return await CredentialRepository(session).list(
        limit=limit,
        offset=offset,
        platform=platform.value if platform else None,
        newest_first=newest_first,
    )


async def delete(session: AsyncSession, principal: Principal, credential_id: UUID) -> None:
    credential = await get(session, credential_id)
    await CredentialRepository(session).delete(credential)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="credential.deleted",
        target_type="credential",
        target_id=credential_id,
        details={"platform": credential.platform},
    )


def seal(
    keyring: Keyring,
    credential: ApiCredential,
    *,
    access_token: str,
    refresh_token: str | None,
    expires_at: datetime | None,
) -> None:
    """Encrypt new tokens into ``credential`` (on the primary key, bound to its row)."""
    credential.key_id = keyring.primary_key_id
    credential.encrypted_access_token = keyring.encrypt(access_token, _ad(credential, ACCESS))
    credential.encrypted_refresh_token = (
        keyring.encrypt(refresh_token, _ad(credential, REFRESH)) if refresh_token else None
    )
    credential.expires_at = expires_at


async def replace_tokens(
    session: AsyncSession,
    keyring: Keyring,
    credential_id: UUID,
    *,
    access_token: str,
    refresh_token: str | None,
    expires_at: datetime | None,
) -> ApiCredential:
    """After a refresh: the new tokens replace the old ones in the vault."""
    credential = await get(session, credential_id)
    seal(
        keyring,
        credential,
        access_token=access_token,
        refresh_token=refresh_token,
        expires_at=expires_at,
    )
    await session.flush()
    return credential


def decrypt(keyring: Keyring, credential: ApiCredential) -> DecryptedTokens:
    """For platform clients (never for API responses)."""
    refresh = (
        keyring.decrypt(credential.encrypted_refresh_token, _ad(credential, REFRESH))
        if credential.encrypted_refresh_token is not None
        else None
    )
    return DecryptedTokens(
        access_token=keyring.decrypt(credential.encrypted_access_token, _ad(credential, ACCESS)),
        refresh_token=refresh,
        expires_at=credential.expires_at,
    )


async def reencrypt_tenant(session: AsyncSession, keyring: Keyring, batch_size: int = 200) -> int:
    """Re-encrypt the bound tenant's credentials that are not on the primary key yet."""
    repository = CredentialRepository(session)
    done = 0
    while True:
        batch = await repository.not_on_key(keyring.primary_key_id, batch_size)
        if not batch:
            return done
        progressed = False
        for credential in batch:
            tokens = decrypt(keyring, credential)
            swapped = await repository.replace_ciphertexts(
                credential,
                access=keyring.encrypt(tokens.access_token, _ad(credential, ACCESS)),
                refresh=(
                    keyring.encrypt(tokens.refresh_token, _ad(credential, REFRESH))
                    if tokens.refresh_token is not None
                    else None
                ),
                key_id=keyring.primary_key_id,
            )
            if swapped:
                done += 1
                progressed = True
            await session.refresh(credential)
        if not progressed:
            return done
