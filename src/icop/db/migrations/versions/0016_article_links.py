"""article links: per platform, whether a tenant's social posts link to the article's page on
its public blog; which link each post carries, and whether its author gave one of their own

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-14 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # {"x": false, ...}: a platform missing here takes its default (icop.syndication.article_links).
    op.add_column(
        "tenants",
        sa.Column(
            "post_links",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
    )
    op.add_column("posts", sa.Column("article_link", sa.String(length=2000), nullable=True))
    op.add_column(
        "posts",
        sa.Column("own_link", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("posts", "own_link")
    op.drop_column("posts", "article_link")
    op.drop_column("tenants", "post_links")
