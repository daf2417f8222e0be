"""Row-level security DDL, shared by the migrations and checked by the catalog tests.

Policies compare with ``(SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)``:
the sub-select is evaluated once per statement (an InitPlan), and an unset or empty setting
yields NULL, which matches no row — tenancy fails closed.
"""

from __future__ import annotations

CURRENT_TENANT = "(SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)"
POLICY_NAME = "tenant_isolation"


def enable_tenant_rls(
    table: str,
    *,
    column: str = "tenant_id",
    app_role: str,
    privileges: str = "SELECT, INSERT, UPDATE, DELETE",
) -> list[str]:
    predicate = f"{column} = {CURRENT_TENANT}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY_NAME} ON {table} USING ({predicate}) WITH CHECK ({predicate})",
        f'GRANT {privileges} ON {table} TO "{app_role}"',
    ]


def disable_tenant_rls(table: str, *, app_role: str) -> list[str]:
    return [
        f'REVOKE ALL ON {table} FROM "{app_role}"',
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]
