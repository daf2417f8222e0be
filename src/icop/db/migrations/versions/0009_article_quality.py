"""article quality: the publishability gate's findings, and the needs_review status

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "('queued', 'running', 'awaiting_approval', 'ready', 'rejected', 'failed', 'no_sources')"
_NEW = (
    "('queued', 'running', 'awaiting_approval', 'ready', 'rejected', 'failed', 'no_sources', "
    "'needs_review')"
)


def upgrade() -> None:
    op.add_column(
        "generated_articles",
        sa.Column(
            "quality", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
    )
    op.drop_constraint(op.f("ck_generated_articles_status"), "generated_articles", type_="check")
    op.create_check_constraint(
        op.f("ck_generated_articles_status"), "generated_articles", f"status IN {_NEW}"
    )


def downgrade() -> None:
    op.execute("UPDATE generated_articles SET status = 'failed' WHERE status = 'needs_review'")
    op.drop_constraint(op.f("ck_generated_articles_status"), "generated_articles", type_="check")
    op.create_check_constraint(
        op.f("ck_generated_articles_status"), "generated_articles", f"status IN {_OLD}"
    )
    op.drop_column("generated_articles", "quality")
