"""Statuses are StrEnums: the migrated CHECK constraints allow exactly the enum's values, a
status column reads back as its enum member, and a value outside the enum never reaches the
database."""

from __future__ import annotations

import re
import uuid
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, Table, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.models import ArticleStatus, Base, GeneratedArticle
from icop.models.types import EnumText
from icop.tenants.repository import TenantRepository


def _enum_columns() -> list[tuple[Table, str, type[StrEnum]]]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EnumText):
                found.append((table, column.name, column.type.enum))
    return found


def test_every_status_column_is_an_enum() -> None:
    columns = {(table.name, name) for table, name, _ in _enum_columns()}
    assert {
        ("generated_articles", "status"),
        ("posts", "status"),
        ("publish_attempts", "outcome"),
        ("social_accounts", "status"),
        ("pipeline_runs", "status"),
        ("pipeline_run_rows", "status"),
        ("images", "status"),
        ("users", "status"),
        ("tenants", "status"),
    } <= columns


async def test_the_migrated_check_constraints_allow_exactly_the_enums_values(
    connection: AsyncConnection,
) -> None:
    for table, column, enum in _enum_columns():
        checks = [
            c
            for c in table.constraints
            if isinstance(c, CheckConstraint) and f"{column} IN" in str(c.sqltext)
        ]
        assert len(checks) == 1, f"{table.name}.{column} has no CHECK constraint from its enum"
        definition = await connection.scalar(
            text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = :t AND c.conname = :c"
            ),
            {"t": table.name, "c": checks[0].name},
        )
        assert definition is not None, f"{checks[0].name} is not in the migrated schema"
        allowed = re.findall(r"'([^']*)'", definition)
        assert sorted(allowed) == sorted(m.value for m in enum), (table.name, definition)


@pytest.fixture
async def tenant_id(sessionmaker: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    tenant = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(tenant_id=tenant, company_name="Enums", plan="free")
    return tenant


async def test_a_status_reads_back_as_its_member_and_a_stranger_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID
) -> None:
    article_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(GeneratedArticle(tenant_id=tenant_id, id=article_id, topic="enums"))
    async with unit_of_work(sessionmaker, tenant_id) as session:
        status = await session.scalar(
            select(GeneratedArticle.status).where(GeneratedArticle.id == article_id)
        )
        assert status is ArticleStatus.QUEUED
        assert status == "queued"  # type: ignore[comparison-overlap]
        # A plain string of a known value is fine; the stored text is the value.
        await session.execute(
            GeneratedArticle.__table__.update()  # type: ignore[attr-defined]
            .where(GeneratedArticle.id == article_id)
            .values(status="awaiting_approval")
        )
        stored = await session.scalar(
            text("SELECT status FROM generated_articles WHERE id = :id"), {"id": article_id}
        )
        assert stored == "awaiting_approval" and type(stored) is str

    with pytest.raises(StatementError, match="'approved' is not a valid ArticleStatus"):
        async with unit_of_work(sessionmaker, tenant_id) as session:
            session.add(
                GeneratedArticle(
                    tenant_id=tenant_id, id=uuid.uuid4(), topic="typo", status="approved"
                )
            )
