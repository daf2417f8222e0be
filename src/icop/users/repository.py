from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select, update

from icop.db.repository import Repository
from icop.models import Role, User, UserStatus


class UserRepository(Repository[User]):
    model = User
    noun = "user"

    async def create(
        self,
        *,
        tenant_id: UUID,
        email: str,
        password_hash: str,
        role: str,
        display_name: str | None,
        language: str = "en",
    ) -> User:
        user = User(
            tenant_id=tenant_id,
            email=email,
            password_hash=password_hash,
            role=role,
            display_name=display_name,
            language=language,
        )
        self.session.add(user)
        await self.session.flush()
        return user

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def list(self, *, limit: int, offset: int) -> Sequence[User]:
        result = await self.session.scalars(
            select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
        )
        return result.all()

    async def count_active_owners(self) -> int:
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == Role.OWNER, User.status == UserStatus.ACTIVE)
            )
            or 0
        )

    async def mark_login(self, user_id: UUID, new_hash: str | None) -> None:
        values: dict[str, object] = {"last_login_at": func.now()}
        if new_hash is not None:
            values["password_hash"] = new_hash
        await self.session.execute(update(User).where(User.id == user_id).values(**values))

    async def set_password(self, user_id: UUID, password_hash: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(password_hash=password_hash)
        )

    async def mark_email_verified(self, user_id: UUID) -> bool:
        """Record the verification once; False when it was already recorded."""
        result = await self.session.execute(
            update(User)
            .where(User.id == user_id, User.email_verified_at.is_(None))
            .values(email_verified_at=func.now())
            .returning(User.id)
        )
        return result.scalar_one_or_none() is not None

    async def delete(self, user: User) -> None:
        await self.session.delete(user)
        await self.session.flush()
