"""content pipelines, runs, sub-topics, imported plan rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 19:02:28.000294
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = [
    "content_pipelines",
    "pipeline_runs",
    "pipeline_run_rows",
    "sub_topics",
    "plan_rows",
]


def upgrade() -> None:
    op.create_table(
        "content_pipelines",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("google_sheet_id", sa.String(length=200), nullable=True),
        sa.Column("file_path", sa.String(length=1000), nullable=True),
        sa.Column(
            "sheet_range", sa.String(length=200), server_default="ContentPlan!A2:E", nullable=False
        ),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column(
            "column_mapping",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "defaults", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("schedule_cron", sa.String(length=120), nullable=True),
        sa.Column("schedule_paused", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("max_concurrent_articles", sa.Integer(), server_default="2", nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint(
            "(source_type = 'file') = (file_path IS NOT NULL)",
            name=op.f("ck_content_pipelines_file_path"),
        ),
        sa.CheckConstraint(
            "(source_type = 'google_sheet') = (google_sheet_id IS NOT NULL)",
            name=op.f("ck_content_pipelines_sheet_id"),
        ),
        sa.CheckConstraint(
            "source_type IN ('google_sheet', 'file', 'import')",
            name=op.f("ck_content_pipelines_source_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_pipelines_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_content_pipelines")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_content_pipelines_tenant_id_name")),
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("workflow_id", sa.String(length=300), nullable=False),
        sa.Column("rows_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_failed", sa.Integer(), server_default="0", nullable=False),
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
            "status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled')",
            name=op.f("ck_pipeline_runs_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('manual', 'schedule')", name=op.f("ck_pipeline_runs_trigger")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "pipeline_id"],
            ["content_pipelines.tenant_id", "content_pipelines.id"],
            name=op.f("fk_pipeline_runs_tenant_id_pipeline_id_content_pipelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pipeline_runs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_pipeline_runs")),
        sa.UniqueConstraint(
            "tenant_id", "workflow_id", name=op.f("uq_pipeline_runs_tenant_id_workflow_id")
        ),
    )
    op.create_index(
        "ix_pipeline_runs_tenant_id_pipeline_id_created_at",
        "pipeline_runs",
        ["tenant_id", "pipeline_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "plan_rows",
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column(
            "cells", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
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
            ["tenant_id", "pipeline_id"],
            ["content_pipelines.tenant_id", "content_pipelines.id"],
            name=op.f("fk_plan_rows_tenant_id_pipeline_id_content_pipelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_plan_rows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_plan_rows")),
        sa.UniqueConstraint(
            "tenant_id",
            "pipeline_id",
            "row_number",
            name=op.f("uq_plan_rows_tenant_id_pipeline_id_row_number"),
        ),
    )
    op.create_table(
        "sub_topics",
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("topic_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column(
            "keywords", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "members", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("size", sa.Integer(), server_default="0", nullable=False),
        sa.Column("centrality", sa.Float(), nullable=True),
        sa.Column("article_id", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_sub_topics_tenant_id_article_id_generated_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "pipeline_id"],
            ["content_pipelines.tenant_id", "content_pipelines.id"],
            name=op.f("fk_sub_topics_tenant_id_pipeline_id_content_pipelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sub_topics_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_sub_topics")),
        sa.UniqueConstraint(
            "tenant_id",
            "pipeline_id",
            "topic_key",
            "position",
            name=op.f("uq_sub_topics_tenant_id_pipeline_id_topic_key_position"),
        ),
    )
    op.create_table(
        "pipeline_run_rows",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("step", sa.String(length=200), nullable=True),
        sa.Column(
            "options", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("articles_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("articles_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "cost_usd", sa.Numeric(precision=14, scale=6), server_default="0", nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
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
        sa.CheckConstraint(
            "status IN ('pending', 'subtopics', 'writing', 'done', 'partial', 'error', 'skipped')",
            name=op.f("ck_pipeline_run_rows_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["pipeline_runs.tenant_id", "pipeline_runs.id"],
            name=op.f("fk_pipeline_run_rows_tenant_id_run_id_pipeline_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pipeline_run_rows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_pipeline_run_rows")),
        sa.UniqueConstraint(
            "tenant_id",
            "run_id",
            "row_number",
            name=op.f("uq_pipeline_run_rows_tenant_id_run_id_row_number"),
        ),
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("pipeline_run_rows")
    op.drop_table("sub_topics")
    op.drop_table("plan_rows")
    op.drop_index("ix_pipeline_runs_tenant_id_pipeline_id_created_at", table_name="pipeline_runs")
    op.drop_table("pipeline_runs")
    op.drop_table("content_pipelines")
