"""article versions and run events: the dashboard's edit history and its live run view

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Both append-only for the app role: a version or an event, once written, is history.
TENANT_TABLES = {"article_versions": "SELECT, INSERT", "run_events": "SELECT, INSERT"}


def upgrade() -> None:
    op.create_table(
        "article_versions",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column(
            "seo", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column(
            "findings", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_article_versions_number")),
        sa.CheckConstraint(
            "source IN ('graph', 'edit', 'restore')", name=op.f("ck_article_versions_source")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_article_versions_tenant_id_article_id_generated_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_article_versions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_article_versions")),
        sa.UniqueConstraint(
            "tenant_id",
            "article_id",
            "number",
            name=op.f("uq_article_versions_tenant_id_article_id_number"),
        ),
    )
    op.create_table(
        "run_events",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Uuid(), nullable=True),
        sa.Column("step", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cost_usd", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('run', 'row', 'article', 'step')", name=op.f("ck_run_events_kind")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_run_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_run_events")),
    )
    op.create_index(
        "ix_run_events_tenant_id_article_id_id",
        "run_events",
        ["tenant_id", "article_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_run_events_tenant_id_run_id_id",
        "run_events",
        ["tenant_id", "run_id", "id"],
        unique=False,
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_index("ix_run_events_tenant_id_run_id_id", table_name="run_events")
    op.drop_index("ix_run_events_tenant_id_article_id_id", table_name="run_events")
    op.drop_table("run_events")
    op.drop_table("article_versions")
