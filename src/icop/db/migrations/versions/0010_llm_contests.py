"""llm contests: each tenant's record of judged drafts, and a routing mode per route

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An article's contest is rewritten whole when its result is saved again (a retried activity),
# hence DELETE; nothing updates an entry in place.
TENANT_TABLES = {"llm_contest_entries": "SELECT, INSERT, DELETE"}


def upgrade() -> None:
    op.create_table(
        "llm_contest_entries",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("scores", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("rivals", sa.Integer(), nullable=False),
        sa.Column("judge_provider", sa.String(length=40), nullable=True),
        sa.Column("judge_model", sa.String(length=120), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("rivals >= 0", name=op.f("ck_llm_contest_entries_rivals")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_llm_contest_entries_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_llm_contest_entries")),
        sa.UniqueConstraint(
            "tenant_id",
            "article_id",
            "slot",
            name=op.f("uq_llm_contest_entries_tenant_id_article_id_slot"),
        ),
    )
    op.create_index(
        "ix_llm_contest_entries_tenant_id_created_at",
        "llm_contest_entries",
        ["tenant_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_llm_contest_entries_tenant_id_task_provider_model",
        "llm_contest_entries",
        ["tenant_id", "task", "provider", "model"],
        unique=False,
    )
    op.add_column("llm_routing_overrides", sa.Column("mode", sa.String(length=16), nullable=True))
    op.create_check_constraint(
        op.f("ck_llm_routing_overrides_mode"),
        "llm_routing_overrides",
        "mode IS NULL OR mode IN ('ordered', 'best_judged')",
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_constraint(
        op.f("ck_llm_routing_overrides_mode"), "llm_routing_overrides", type_="check"
    )
    op.drop_column("llm_routing_overrides", "mode")
    op.drop_index(
        "ix_llm_contest_entries_tenant_id_task_provider_model", table_name="llm_contest_entries"
    )
    op.drop_index("ix_llm_contest_entries_tenant_id_created_at", table_name="llm_contest_entries")
    op.drop_table("llm_contest_entries")
