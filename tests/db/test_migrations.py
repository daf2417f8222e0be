"""Migrations upgrade and downgrade cleanly, and the models match the migrated schema."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from icop.config import Settings
from icop.db import bootstrap, migrate
from icop.db.engine import DatabaseUrls, asyncpg_url
from icop.models import Base


def test_downgrade_to_base_and_upgrade_again(
    database_urls: DatabaseUrls, settings: Settings
) -> None:
    scratch = settings.model_copy(update={"db_name": "icop_migration_check"})
    assert database_urls.admin is not None
    asyncio.run(bootstrap.drop_database(database_urls.admin, scratch))
    asyncio.run(bootstrap.bootstrap(database_urls.admin, scratch))
    owner = database_urls.owner.replace(f"/{settings.db_name}?", f"/{scratch.db_name}?")
    migrate.upgrade(owner, scratch)
    assert asyncio.run(migrate.current_revision(owner)) == migrate.head_revision()
    migrate.downgrade(owner, scratch, "base")
    assert asyncio.run(migrate.current_revision(owner)) is None
    migrate.upgrade(owner, scratch)
    assert asyncio.run(migrate.current_revision(owner)) == migrate.head_revision()
    asyncio.run(bootstrap.drop_database(database_urls.admin, scratch))


def test_models_match_the_migrated_schema(database_urls: DatabaseUrls) -> None:
    async def diff() -> list[object]:
        engine = create_async_engine(asyncpg_url(database_urls.owner))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
        finally:
            await engine.dispose()

    # system_audit_log is written only by the SECURITY DEFINER functions; it has no model.
    differences = [
        d
        for d in asyncio.run(diff())
        if not (d[0] == "remove_table" and d[1].name == "system_audit_log")
    ]  # type: ignore[index,attr-defined]
    assert differences == []
