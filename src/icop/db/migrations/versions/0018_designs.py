"""designs and their append-only versions (issue #14: every image is an editable design)

- ``designs``: one editable canvas per image (or a blank one), its platform preset and size,
  the version it shows (``head``) and the versions undone from (``undone``, what redo walks
  back to), and which version was last published as the JPEG the article and posts use.
- ``design_versions``: every state of a design's Fabric.js document and the actions that made
  it. Append-only for the app role (SELECT, INSERT): undo, redo and restore move the head or
  add a version, nothing rewrites one.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A version, once written, is history: the app role may read and add, never change or delete.
TENANT_TABLES = {
    "designs": "SELECT, INSERT, UPDATE, DELETE",
    "design_versions": "SELECT, INSERT",
}


def upgrade() -> None:
    op.create_table(
        "designs",
        sa.Column("article_id", sa.Uuid(), nullable=True),
        sa.Column("image_id", sa.Uuid(), nullable=True),
        sa.Column("preset", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("head", sa.Integer(), server_default="1", nullable=False),
        sa.Column("undone", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("published_key", sa.String(length=500), nullable=True),
        sa.Column("published_url", sa.String(length=2000), nullable=True),
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
        sa.CheckConstraint("head >= 1", name=op.f("ck_designs_head")),
        sa.CheckConstraint(
            "preset IN ('portrait', 'square', 'landscape')", name=op.f("ck_designs_preset")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_designs_tenant_id_article_id_generated_articles"),
            ondelete="SET NULL (article_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "image_id"],
            ["images.tenant_id", "images.id"],
            name=op.f("fk_designs_tenant_id_image_id_images"),
            ondelete="SET NULL (image_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_designs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_designs")),
        sa.UniqueConstraint("tenant_id", "image_id", name=op.f("uq_designs_tenant_id_image_id")),
    )
    op.create_index(
        "ix_designs_tenant_id_article_id", "designs", ["tenant_id", "article_id"], unique=False
    )
    op.create_table(
        "design_versions",
        sa.Column("design_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent", sa.Integer(), nullable=True),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "actions", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("note", sa.String(length=300), server_default="", nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_design_versions_number")),
        sa.CheckConstraint(
            "parent IS NULL OR (parent >= 1 AND parent < number)",
            name=op.f("ck_design_versions_parent"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "design_id"],
            ["designs.tenant_id", "designs.id"],
            name=op.f("fk_design_versions_tenant_id_design_id_designs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_design_versions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_design_versions")),
        sa.UniqueConstraint(
            "tenant_id",
            "design_id",
            "number",
            name=op.f("uq_design_versions_tenant_id_design_id_number"),
        ),
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("design_versions")
    op.drop_index("ix_designs_tenant_id_article_id", table_name="designs")
    op.drop_table("designs")
