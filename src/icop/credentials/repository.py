from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from icop.db.repository import Repository
from icop.models import ApiCredential


class CredentialRepository(Repository[ApiCredential]):
    model = ApiCredential
    noun = "credential"

    async def add(self, credential: ApiCredential) -> ApiCredential:
        self.session.add(credential)
        await self.session.flush()
        await self.session.refresh(credential)
        return credential

    async def find(self, platform: str, label: str) -> ApiCredential | None:
        return await self.session.scalar(
            select(ApiCredential).where(
                ApiCredential.platform == platform, ApiCredential.label == label
            )
        )

    async def list(
        self, *, limit: int, offset: int, platform: str | None, newest_first: bool = False
    ) -> Sequence[ApiCredential]:
        order = (
            (ApiCredential.updated_at.desc(), ApiCredential.id)
            if newest_first
            else (ApiCredential.created_at, ApiCredential.id)
        )
        statement = select(ApiCredential).order_by(*order)
        if platform:
            statement = statement.where(ApiCredential.platform == platform)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def not_on_key(self, key_id: str, limit: int) -> Sequence[ApiCredential]:
        result = await self.session.scalars(
            select(ApiCredential)
            .where(ApiCredential.key_id != key_id)
            .order_by(ApiCredential.id)
            .limit(limit)
        )
        return result.all()

    async def replace_ciphertexts(
        self, credential: ApiCredential, *, access: bytes, refresh: bytes | None, key_id: str
    ) -> bool:
        """Compare-and-swap, so a concurrent token refresh is never overwritten by rotation."""
        result = await self.session.execute(
            update(ApiCredential)
            .where(
                ApiCredential.id == credential.id,
                ApiCredential.encrypted_access_token == credential.encrypted_access_token,
            )
            .values(encrypted_access_token=access, encrypted_refresh_token=refresh, key_id=key_id)
            .returning(ApiCredential.id)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none() is not None

    async def delete(self, credential: ApiCredential) -> None:
        await self.session.delete(credential)
        await self.session.flush()
