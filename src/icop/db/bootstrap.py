"""Create the database and its roles (needs a superuser or an equivalent admin connection).

Roles (ADR 0002):
- owner: owns every object and runs migrations; BYPASSRLS so the few SECURITY DEFINER functions
  it owns (the named system bypass) can see across tenants. Never used to serve requests.
- app: serves requests and runs workers; NOSUPERUSER, NOBYPASSRLS, owns nothing, so every query
  it makes is filtered by the tenant policies.
- analytics: NOLOGIN, may connect and read the ``analytics`` schema's views (migration 0027
  grants them) and nothing else; Superset's login user is made a member (ADR 0037).
"""

from __future__ import annotations

import asyncpg

from icop.config import Settings


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe SQL identifier: {name!r}")
    return f'"{name}"'


async def _ensure_role(
    conn: asyncpg.Connection, name: str, attributes: str, password: str | None
) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    verb = "ALTER" if exists else "CREATE"
    statement = f"{verb} ROLE {_ident(name)} WITH LOGIN {attributes}"
    if password:
        statement += " PASSWORD " + _literal(password)
    await conn.execute(statement)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap(admin_dsn: str, settings: Settings) -> None:
    """Idempotently create the owner and app roles, the database and its extensions."""
    owner, app, database = settings.db_owner_role, settings.db_app_role, settings.db_name
    analytics = settings.db_analytics_role
    app_password = settings.db_app_password.get_secret_value() if settings.db_app_password else None
    conn = await asyncpg.connect(admin_dsn)
    try:
        await _ensure_role(conn, owner, "NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS", None)
        await _ensure_role(
            conn, app, "NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT", app_password
        )
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", analytics):
            await conn.execute(
                f"CREATE ROLE {_ident(analytics)} WITH NOLOGIN NOSUPERUSER NOCREATEDB "
                "NOCREATEROLE NOBYPASSRLS"
            )
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f"CREATE DATABASE {_ident(database)} OWNER {_ident(owner)}")
    finally:
        await conn.close()

    conn = await asyncpg.connect(_with_database(admin_dsn, database))
    try:
        # pgvector is not a trusted extension: the admin creates it once for the owner.
        await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        await conn.execute(f"ALTER SCHEMA public OWNER TO {_ident(owner)}")
        await conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        await conn.execute(f"GRANT USAGE ON SCHEMA public TO {_ident(app)}")
        await conn.execute(f"REVOKE ALL ON DATABASE {_ident(database)} FROM PUBLIC")
        await conn.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(app)}")
        await conn.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(analytics)}")
    finally:
        await conn.close()


async def drop_database(admin_dsn: str, settings: Settings) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_ident(settings.db_name)} WITH (FORCE)")
    finally:
        await conn.close()


def _with_database(dsn: str, database: str) -> str:
    """Swap the database in a libpq URL, keeping host, socket and query parameters."""
    from sqlalchemy.engine import make_url

    return make_url(dsn).set(database=database).render_as_string(hide_password=False)
