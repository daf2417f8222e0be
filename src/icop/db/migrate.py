"""Programmatic Alembic: ``icop db migrate|downgrade|reset`` and the test fixtures use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from icop.config import Settings
from icop.db.engine import asyncpg_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(owner_url: str, settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is ConfigParser interpolation syntax; escape it in passwords.
    config.set_main_option(
        "sqlalchemy.url",
        asyncpg_url(owner_url).render_as_string(hide_password=False).replace("%", "%%"),
    )
    config.attributes["app_role"] = settings.db_app_role
    config.attributes["analytics_role"] = settings.db_analytics_role
    return config


def app_role(default: str = "icop_app") -> str:
    """The app role's name, for use inside migration scripts."""
    from alembic import op

    role: str = op.get_context().config.attributes.get("app_role", default)  # type: ignore[union-attr]
    return role


def analytics_role(default: str = "icop_analytics") -> str:
    """The read-only analytics role's name, for use inside migration scripts."""
    from alembic import op

    config = op.get_context().config
    role: str = config.attributes.get("analytics_role", default)  # type: ignore[union-attr]
    return role


def upgrade(owner_url: str, settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(owner_url, settings), revision)


def downgrade(owner_url: str, settings: Settings, revision: str = "-1") -> None:
    command.downgrade(alembic_config(owner_url, settings), revision)


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(_script_only_config())
    return script.get_current_head()


def _script_only_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def current_revision(owner_url: str) -> str | None:
    engine = create_async_engine(asyncpg_url(owner_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
