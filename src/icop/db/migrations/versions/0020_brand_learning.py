"""brand learning: kit versions, proposals, the kit version on each article

- ``brand_kit_versions``: every accepted kit (learned, edited or a rollback), never changed.
- ``brand_kit_proposals``: kits the learning agent proposed, pending a person's decision.
- ``brand_kits``: ``version`` (the version it equals), ``profile`` (palette, declared fonts,
  tone) and ``voice_embedding`` (the accepted voice centroid, for the drift trigger).
- ``generated_articles.brand_kit_version``: the kit version an article was written with.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Versions are history: the app role adds them and never rewrites or deletes one.
TENANT_TABLES = {
    "brand_kit_versions": "SELECT, INSERT",
    "brand_kit_proposals": "SELECT, INSERT, UPDATE, DELETE",
}


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "brand_kit_versions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("kit", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "changes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("proposal_id", sa.Uuid(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "reason IN ('learned', 'edited', 'rollback')",
            name=op.f("ck_brand_kit_versions_reason"),
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_brand_kit_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_brand_kit_versions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_brand_kit_versions")),
        sa.UniqueConstraint(
            "tenant_id", "number", name=op.f("uq_brand_kit_versions_tenant_id_number")
        ),
    )
    op.create_table(
        "brand_kit_proposals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("proposal", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "sources", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("voice_embedding", Vector(384), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_brand_kit_proposals_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('user', 'samples', 'articles', 'drift')",
            name=op.f("ck_brand_kit_proposals_trigger"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_brand_kit_proposals_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_brand_kit_proposals")),
    )
    op.create_index(
        "ix_brand_kit_proposals_tenant_id_created_at",
        "brand_kit_proposals",
        ["tenant_id", "created_at"],
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)

    op.add_column("brand_kits", sa.Column("version", sa.Integer(), nullable=True))
    op.add_column(
        "brand_kits",
        sa.Column(
            "profile", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
    )
    op.add_column("brand_kits", sa.Column("voice_embedding", Vector(384), nullable=True))
    op.add_column("generated_articles", sa.Column("brand_kit_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("generated_articles", "brand_kit_version")
    op.drop_column("brand_kits", "voice_embedding")
    op.drop_column("brand_kits", "profile")
    op.drop_column("brand_kits", "version")
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_index("ix_brand_kit_proposals_tenant_id_created_at", table_name="brand_kit_proposals")
    op.drop_table("brand_kit_proposals")
    op.drop_table("brand_kit_versions")
