from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, or_, select, update

from icop.db.repository import Repository
from icop.models import ApiKey


class ApiKeyRepository(Repository[ApiKey]):
    model = ApiKey
    noun = "API key"

    async def create(
        self,
        *,
        tenant_id: UUID,
        name: str,
        secret_hash: bytes,
        hint: str,
        role: str,
        created_by: UUID | None,
        expires_at: datetime | None,
    ) -> ApiKey:
        key = ApiKey(
            tenant_id=tenant_id,
            name=name,
            secret_hash=secret_hash,
            hint=hint,
            role=role,
            created_by=created_by,
            expires_at=expires_at,
        )
        self.session.add(key)
        await self.session.flush()
        await self.session.refresh(key)
        return key

    async def find_usable(self, secret_hash: bytes) -> ApiKey | None:
        return await self.session.scalar(
            select(ApiKey).where(
                ApiKey.secret_hash == secret_hash,
                ApiKey.revoked_at.is_(None),
                or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > func.now()),
            )
        )

    async def touch(self, key_id: UUID) -> None:
        # At most once a minute: a write on every request would bloat the table for nothing.
        await self.session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 1),
                ),
            )
            .values(last_used_at=func.now())
        )

    async def list(self, *, limit: int, offset: int) -> Sequence[ApiKey]:
        result = await self.session.scalars(
            select(ApiKey)
            .where(ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.created_at, ApiKey.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def revoke(self, key_id: UUID) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=func.now())
        )
