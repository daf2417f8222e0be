"""tenant time zone: the IANA zone a tenant's schedules run in and its dashboard shows times in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-14 13:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# No new table, so no new row-level security: `tenants` already shows a tenant only its own
# row and lets it update it (0001). The name is checked against the zone database in the
# service (zoneinfo), not by a CHECK: a zone added by a newer tzdata needs no migration.


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("tenants", "time_zone")
