"""videos and their segments (issue #18: the video pipeline)

- ``videos``: one per video (from an article or a brief): its provider, platform, target
  length, status, the workflow, the finished file, the platforms it is valid for, its cost
  and plan.
- ``video_segments``: one per scene of a video, with its latest attempt: status (ok, or
  refused by the reviewer with the reasons), attempts, provider, the stored clip, the cost of
  every attempt together.

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-07 20:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = {
    "videos": "SELECT, INSERT, UPDATE, DELETE",
    "video_segments": "SELECT, INSERT, UPDATE, DELETE",
}


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "videos",
        sa.Column("article_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=16), server_default="en", nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=True),
        sa.Column("storage_key", sa.String(length=500), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column(
            "valid_for",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("cost_usd", sa.Numeric(14, 6), server_default="0", nullable=False),
        sa.Column("plan", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        *_common(),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'failed')", name=op.f("ck_videos_status")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_videos_tenant_id_article_id_generated_articles"),
            ondelete="SET NULL (article_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_videos_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_videos")),
    )
    op.create_index(
        "ix_videos_tenant_id_created_at", "videos", ["tenant_id", "created_at"], unique=False
    )
    op.create_table(
        "video_segments",
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=True),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("storage_key", sa.String(length=500), nullable=True),
        sa.Column("cost_usd", sa.Numeric(14, 6), server_default="0", nullable=False),
        sa.Column(
            "reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        *_common(),
        sa.CheckConstraint('"index" >= 0', name=op.f("ck_video_segments_index")),
        sa.CheckConstraint(
            "status IN ('pending', 'ok', 'refused', 'failed')",
            name=op.f("ck_video_segments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "video_id"],
            ["videos.tenant_id", "videos.id"],
            name=op.f("fk_video_segments_tenant_id_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_video_segments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_video_segments")),
        sa.UniqueConstraint(
            "tenant_id",
            "video_id",
            "index",
            name=op.f("uq_video_segments_tenant_id_video_id_index"),
        ),
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)


def downgrade() -> None:
    for table in reversed(list(TENANT_TABLES)):
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("video_segments")
    op.drop_index("ix_videos_tenant_id_created_at", table_name="videos")
    op.drop_table("videos")
