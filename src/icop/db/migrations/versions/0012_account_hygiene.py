"""account hygiene: e-mail verification, password reset links, per-address login throttle

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12 07:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A link is marked used, never deleted by the app (the tenant's deletion cascades).
TENANT_TABLES = {"account_tokens": "SELECT, INSERT, UPDATE"}

# A password reset is asked for by e-mail address, before anyone is logged in: like login, it
# finds the address's accounts across tenants through a named, audited function (ADR 0002),
# which returns only what the e-mail needs.
RESET_CANDIDATES = """
CREATE FUNCTION icop_auth_password_reset_candidates(p_email text)
RETURNS TABLE (tenant_id uuid, user_id uuid, display_name text, language text, workspace text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
#variable_conflict use_column
BEGIN
    INSERT INTO public.system_audit_log (function, reason, details)
    VALUES ('icop_auth_password_reset_candidates', 'password reset',
            jsonb_build_object('email_sha256',
                               encode(sha256(convert_to(lower(p_email), 'UTF8')), 'hex')));
    RETURN QUERY
        SELECT u.tenant_id, u.id, u.display_name::text, u.language::text, t.company_name::text
        FROM public.users u JOIN public.tenants t ON t.id = u.tenant_id
        WHERE u.email = lower(p_email) AND t.status = 'active' AND u.status = 'active'
        ORDER BY u.created_at
        LIMIT 20;
END
$fn$"""


def upgrade() -> None:
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    op.add_column(
        "users", sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
    )
    op.create_check_constraint(op.f("ck_users_language"), "users", "language IN ('en', 'ko')")
    op.create_table(
        "account_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "purpose IN ('verify_email', 'reset_password')",
            name=op.f("ck_account_tokens_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_account_tokens_tenant_id_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_account_tokens_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint(
            "tenant_id", "token_hash", name=op.f("uq_account_tokens_tenant_id_token_hash")
        ),
    )
    op.create_index(
        "ix_account_tokens_tenant_id_user_id",
        "account_tokens",
        ["tenant_id", "user_id"],
        unique=False,
    )
    op.create_table(
        "login_throttles",
        sa.Column("email_sha256", sa.LargeBinary(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "window_started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("lockouts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("email_sha256", name=op.f("pk_login_throttles")),
    )
    role = app_role()
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=role, privileges=privileges):
            op.execute(statement)
    # Not a tenant table: a row is an address's counter, belonging to no tenant (an unknown
    # address is counted too). It holds a hash and numbers, nothing a tenant owns.
    op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttles TO "{role}"')
    op.execute(RESET_CANDIDATES)
    op.execute("REVOKE ALL ON FUNCTION icop_auth_password_reset_candidates(text) FROM PUBLIC")
    op.execute(f'GRANT EXECUTE ON FUNCTION icop_auth_password_reset_candidates(text) TO "{role}"')


def downgrade() -> None:
    role = app_role()
    op.execute("DROP FUNCTION IF EXISTS icop_auth_password_reset_candidates(text)")
    op.execute(f'REVOKE ALL ON login_throttles FROM "{role}"')
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=role):
            op.execute(statement)
    op.drop_table("login_throttles")
    op.drop_index("ix_account_tokens_tenant_id_user_id", table_name="account_tokens")
    op.drop_table("account_tokens")
    op.drop_constraint(op.f("ck_users_language"), "users", type_="check")
    op.drop_column("users", "language")
    op.drop_column("users", "email_verified_at")
