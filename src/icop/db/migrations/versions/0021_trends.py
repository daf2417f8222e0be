"""the nightly TrendPipeline (issue #15): trend sources, runs, items, trends, suggestions

- ``trend_configs``: one per tenant: its sources (feeds, hashtags, regions; vault ids for
  tokens), its topics and languages, and the schedule (nightly 02:00 in the tenant's zone).
- ``trend_runs``: one pipeline run with what it collected per source, what it dropped by
  reason, and the sources that failed after their retries.
- ``trend_items``: every collected item, dropped ones with their reason; kept ones with their
  embedding, trend score and knowledge document.
- ``trends``: the named clusters of a run's kept items, first seen carried across runs.
- ``trend_suggestions``: plan rows proposed from trends matching the tenant's topics.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 20:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0021"
# The integrator re-chains this at merge (0020 is brand learning's).
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = {
    "trend_configs": "SELECT, INSERT, UPDATE, DELETE",
    "trend_runs": "SELECT, INSERT, UPDATE, DELETE",
    "trends": "SELECT, INSERT, UPDATE, DELETE",
    "trend_items": "SELECT, INSERT, UPDATE, DELETE",
    "trend_suggestions": "SELECT, INSERT, UPDATE, DELETE",
}


def upgrade() -> None:
    op.create_table(
        "trend_configs",
        sa.Column(
            "sources", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "topics", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "languages",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "schedule_cron", sa.String(length=120), server_default="0 2 * * *", nullable=False
        ),
        sa.Column("schedule_paused", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_trend_configs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_trend_configs")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_trend_configs_tenant_id")),
    )
    op.create_table(
        "trend_runs",
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("workflow_id", sa.String(length=300), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=True),
        sa.Column(
            "counts", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "source_errors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'partial', 'failed')",
            name=op.f("ck_trend_runs_status"),
        ),
        sa.CheckConstraint("trigger IN ('manual', 'schedule')", name=op.f("ck_trend_runs_trigger")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_trend_runs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_trend_runs")),
        sa.UniqueConstraint(
            "tenant_id", "workflow_id", name=op.f("uq_trend_runs_tenant_id_workflow_id")
        ),
    )
    op.create_table(
        "trends",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column(
            "keywords", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "sources", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("centroid", Vector(384), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["trend_runs.tenant_id", "trend_runs.id"],
            name=op.f("fk_trends_tenant_id_run_id_trend_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_trends_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_trends")),
    )
    op.create_table(
        "trend_items",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.String(length=500), server_default="", nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signal", sa.Float(), server_default="0", nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("simhash", sa.BigInteger(), nullable=True),
        sa.Column("dropped", sa.String(length=32), nullable=True),
        sa.Column("embedding", Vector(384), nullable=True),
        sa.Column("trend_score", sa.Float(), nullable=True),
        sa.Column("trend_id", sa.Uuid(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["knowledge_documents.tenant_id", "knowledge_documents.id"],
            name=op.f("fk_trend_items_tenant_id_document_id_knowledge_documents"),
            ondelete="SET NULL (document_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["trend_runs.tenant_id", "trend_runs.id"],
            name=op.f("fk_trend_items_tenant_id_run_id_trend_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "trend_id"],
            ["trends.tenant_id", "trends.id"],
            name=op.f("fk_trend_items_tenant_id_trend_id_trends"),
            ondelete="SET NULL (trend_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_trend_items_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_trend_items")),
        sa.UniqueConstraint(
            "tenant_id",
            "run_id",
            "source",
            "external_id",
            name=op.f("uq_trend_items_tenant_id_run_id_source_external_id"),
        ),
    )
    op.create_table(
        "trend_suggestions",
        sa.Column("trend_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=False),
        sa.Column("matched_topic", sa.String(length=500), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("pipeline_id", sa.Uuid(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("promoted_by", sa.Uuid(), nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('open', 'promoted', 'dismissed')", name=op.f("ck_trend_suggestions_status")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "pipeline_id"],
            ["content_pipelines.tenant_id", "content_pipelines.id"],
            name=op.f("fk_trend_suggestions_tenant_id_pipeline_id_content_pipelines"),
            ondelete="SET NULL (pipeline_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "trend_id"],
            ["trends.tenant_id", "trends.id"],
            name=op.f("fk_trend_suggestions_tenant_id_trend_id_trends"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_trend_suggestions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_trend_suggestions")),
        sa.UniqueConstraint(
            "tenant_id", "trend_id", name=op.f("uq_trend_suggestions_tenant_id_trend_id")
        ),
    )
    op.create_index(
        "ix_trend_runs_tenant_id_created_at",
        "trend_runs",
        ["tenant_id", "created_at"],
        unique=False,
    )
    op.create_index("ix_trends_tenant_id_run_id", "trends", ["tenant_id", "run_id"], unique=False)
    op.create_index(
        "ix_trend_items_tenant_id_run_id", "trend_items", ["tenant_id", "run_id"], unique=False
    )
    op.create_index(
        "ix_trend_items_tenant_id_content_hash",
        "trend_items",
        ["tenant_id", "content_hash"],
        unique=False,
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    for table in reversed(list(TENANT_TABLES)):
        op.drop_table(table)
