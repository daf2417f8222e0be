"""list keyset indexes: every dashboard list query an index range scan leading with tenant_id

The articles list and the posts calendar page by keyset (``cursor``: the last row's sort key
and id), so each index ends in the sort column and ``id``:

- ``generated_articles (tenant_id, created_at, id)`` replaces ``(tenant_id, created_at)``;
  ``(tenant_id, status, created_at, id)`` serves the status filter.
- ``posts (tenant_id, scheduled_at, id)`` replaces ``(tenant_id, scheduled_at)``;
  ``(tenant_id, social_account_id, scheduled_at, id)`` replaces
  ``(tenant_id, social_account_id)`` (a prefix of it, so the foreign key's lookups keep
  an index); ``(tenant_id, status, scheduled_at, id)`` serves the status filter.

Without them a filtered page of the tenant holding a fifth of a million rows read and sorted
all its matching rows (``benchmarks.api --scale``, docs/operations.md "Scale").

Revision ID: 0026
Revises: 0019
Create Date: 2026-12-07 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW = (
    (
        "ix_generated_articles_tenant_id_created_at_id",
        "generated_articles",
        ["tenant_id", "created_at", "id"],
    ),
    (
        "ix_generated_articles_tenant_id_status_created_at_id",
        "generated_articles",
        ["tenant_id", "status", "created_at", "id"],
    ),
    ("ix_posts_tenant_id_scheduled_at_id", "posts", ["tenant_id", "scheduled_at", "id"]),
    (
        "ix_posts_tenant_id_social_account_id_scheduled_at_id",
        "posts",
        ["tenant_id", "social_account_id", "scheduled_at", "id"],
    ),
    (
        "ix_posts_tenant_id_status_scheduled_at_id",
        "posts",
        ["tenant_id", "status", "scheduled_at", "id"],
    ),
)
_REPLACED = (
    (
        "ix_generated_articles_tenant_id_created_at",
        "generated_articles",
        ["tenant_id", "created_at"],
    ),
    ("ix_posts_tenant_id_scheduled_at", "posts", ["tenant_id", "scheduled_at"]),
    ("ix_posts_tenant_id_social_account_id", "posts", ["tenant_id", "social_account_id"]),
)


def upgrade() -> None:
    for name, table, columns in _NEW:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in _REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in _REPLACED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in _NEW:
        op.drop_index(name, table_name=table)
