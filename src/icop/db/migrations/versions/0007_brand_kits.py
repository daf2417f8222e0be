"""brand kits: one per tenant, the image renderer's colours and font

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ["brand_kits"]


def upgrade() -> None:
    op.create_table(
        "brand_kits",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("background", sa.String(length=7), nullable=False),
        sa.Column("accent", sa.String(length=7), nullable=False),
        sa.Column("text", sa.String(length=7), nullable=False),
        sa.Column("font", sa.String(length=40), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("accent ~ '^#[0-9a-f]{6}$'", name=op.f("ck_brand_kits_accent_hex")),
        sa.CheckConstraint(
            "background ~ '^#[0-9a-f]{6}$'", name=op.f("ck_brand_kits_background_hex")
        ),
        sa.CheckConstraint("text ~ '^#[0-9a-f]{6}$'", name=op.f("ck_brand_kits_text_hex")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_brand_kits_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_brand_kits")),
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("brand_kits")
