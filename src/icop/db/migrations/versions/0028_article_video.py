"""generated_articles.video_requested: the article request's option to make a short video
once the article is written (issue 18, "the article graph can request a video like it requests
images"). Off for every existing article.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "generated_articles",
        sa.Column("video_requested", sa.Boolean(), nullable=False, server_default="false"),
    )


def downgrade() -> None:
    op.drop_column("generated_articles", "video_requested")
