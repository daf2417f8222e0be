"""llm call context: the context debugger's record stored with each model call

- ``llm_calls.context``: each context layer's size before and after minimisation and the
  fields dropped, trimmed and never named by the prompt (``icop llm context CALL_ID``).
  Nullable: calls recorded before this revision have none. The table's row-level security
  covers the new column as it does the others.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "llm_calls",
        sa.Column("context", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("llm_calls", "context")
