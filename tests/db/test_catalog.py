"""The database catalogue enforces the tenancy rules (PRODUCT.md §5), for every table,
including tables added by later migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from icop.config import Settings
from icop.db.rls import CURRENT_TENANT, POLICY_NAME

# Login must find an e-mail across tenants (through the audited system function).
INDEXES_NOT_LED_BY_TENANT = {"ix_users_email_login"}


async def _tenant_tables(connection: AsyncConnection) -> list[str]:
    rows = await connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
    )
    return [row[0] for row in rows]


async def test_every_tenant_table_has_forced_rls_with_the_policy(
    connection: AsyncConnection,
) -> None:
    tables = await _tenant_tables(connection)
    assert {"users", "api_credentials", "audit_log", "outbox_events"} <= set(tables)
    for table in [*tables, "tenants"]:
        enabled, forced = (
            await connection.execute(
                text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE oid = to_regclass('public.' || quote_ident(:t))"
                ),
                {"t": table},
            )
        ).one()
        assert enabled and forced, f"{table}: RLS must be ENABLEd and FORCEd"
        policies = (
            await connection.execute(
                text(
                    "SELECT policyname, qual, with_check, cmd FROM pg_policies "
                    "WHERE schemaname = 'public' AND tablename = :t"
                ),
                {"t": table},
            )
        ).all()
        assert [p.policyname for p in policies] == [POLICY_NAME], table
        policy = policies[0]
        assert policy.cmd == "ALL"
        column = "id" if table == "tenants" else "tenant_id"
        for clause in (policy.qual, policy.with_check):
            assert clause is not None, f"{table}: USING and WITH CHECK are both required"
            normalised = clause.lower().replace("(", "").replace(")", "").replace(" ", "")
            assert normalised.startswith(f"{column}=select"), (table, clause)
            assert "nullifcurrent_setting'app.tenant_id'::text,true" in normalised, clause
    assert "nullif(current_setting('app.tenant_id', true), '')" in CURRENT_TENANT


async def test_every_index_of_a_tenant_table_leads_with_tenant_id(
    connection: AsyncConnection,
) -> None:
    rows = await connection.execute(
        text(
            "SELECT t.relname AS table_name, i.relname AS index_name, "
            "       (SELECT attname FROM pg_attribute WHERE attrelid = t.oid "
            "        AND attnum = ix.indkey[0]) AS first_column "
            "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = 'public' AND t.relname = ANY(:tables)"
        ),
        {"tables": await _tenant_tables(connection)},
    )
    offenders = [
        (row.table_name, row.index_name)
        for row in rows
        if row.first_column != "tenant_id" and row.index_name not in INDEXES_NOT_LED_BY_TENANT
    ]
    assert offenders == []


async def test_app_role_is_unprivileged_and_owns_nothing(
    connection: AsyncConnection, settings: Settings
) -> None:
    role = (
        await connection.execute(
            text(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
                "WHERE rolname = current_user"
            )
        )
    ).one()
    assert tuple(role) == (False, False, False, False)
    assert (await connection.scalar(text("SELECT current_user"))) == settings.db_app_role
    owned = await connection.scalar(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = current_user"
        )
    )
    assert owned == 0
    functions = await connection.scalar(
        text(
            "SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE r.rolname = current_user"
        )
    )
    assert functions == 0


async def test_without_a_tenant_every_tenant_table_reads_empty(connection: AsyncConnection) -> None:
    await connection.execute(text("SELECT set_config('app.tenant_id', '', true)"))
    for table in [*await _tenant_tables(connection), "tenants"]:
        count = await connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
        assert count == 0, table


async def test_app_role_cannot_read_the_system_audit_log(connection: AsyncConnection) -> None:
    with pytest.raises(Exception, match="permission denied"):
        await connection.execute(text("SELECT * FROM system_audit_log"))


async def test_audit_log_is_append_only_for_the_app_role(connection: AsyncConnection) -> None:
    with pytest.raises(Exception, match="permission denied"):
        await connection.execute(text("DELETE FROM audit_log"))
