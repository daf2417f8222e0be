"""workflow starts: the workflows a transaction asked for, started once it commits

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ["workflow_starts"]

# The sweeper's cross-tenant look (ADR 0002): which tenants have starts left over (their
# commit's own start failed, or the process died between commit and start). It returns tenant
# ids only; the rows are then read tenant by tenant under RLS. Audited when it finds some (an
# empty answer every few seconds would only fill the log).
DUE_STARTS = """
CREATE FUNCTION icop_system_due_workflow_starts(p_older_than interval, p_limit integer)
RETURNS SETOF uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
    found uuid[];
BEGIN
    SELECT coalesce(array_agg(d.tenant_id), '{}') INTO found FROM (
        SELECT DISTINCT s.tenant_id FROM public.workflow_starts s
        WHERE s.created_at <= now() - p_older_than
        LIMIT greatest(p_limit, 1)
    ) d;
    IF cardinality(found) > 0 THEN
        INSERT INTO public.system_audit_log (function, reason)
        VALUES ('icop_system_due_workflow_starts', 'workflow start sweeper');
    END IF;
    RETURN QUERY SELECT unnest(found);
END
$fn$"""


def upgrade() -> None:
    op.create_table(
        "workflow_starts",
        sa.Column("workflow", sa.String(length=100), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("task_queue", sa.String(length=40), nullable=False),
        sa.Column("input", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("id_reuse", sa.String(length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "id_reuse IN ('reject_duplicate', 'allow_duplicate')",
            name=op.f("ck_workflow_starts_id_reuse"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_workflow_starts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_workflow_starts")),
    )
    op.create_index(
        "ix_workflow_starts_tenant_id_created_at",
        "workflow_starts",
        ["tenant_id", "created_at"],
        unique=False,
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.execute(DUE_STARTS)
    op.execute(
        "REVOKE ALL ON FUNCTION icop_system_due_workflow_starts(interval, integer) FROM PUBLIC"
    )
    op.execute(
        f'GRANT EXECUTE ON FUNCTION icop_system_due_workflow_starts(interval, integer) TO "{app_role()}"'
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS icop_system_due_workflow_starts(interval, integer)")
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_index("ix_workflow_starts_tenant_id_created_at", table_name="workflow_starts")
    op.drop_table("workflow_starts")
