"""brand logos, notification idempotency keys, run-event pruning

- ``brand_logos``: the tenant's one logo (a normalised PNG in object storage), drawn on cards.
- ``notifications.dedupe_key``: derived from the event that causes a notice, unique per
  tenant, so an activity retried after its commit cannot write the notice twice. Rows written
  before have ``legacy:<id>``.
- ``icop_system_prune_run_events``: deletes run events older than a retention of runs and
  articles that have finished, across tenants, through a named and audited function (ADR 0002;
  the app role may not delete events: they are append-only history for it).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = {"brand_logos": "SELECT, INSERT, UPDATE, DELETE"}

# Batches keep each transaction short; the caller loops until a batch comes back short.
# Audited only when it deletes something, so an idle hourly round does not fill the log.
PRUNE_RUN_EVENTS = """
CREATE FUNCTION icop_system_prune_run_events(p_older_than interval, p_limit integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
    deleted integer;
BEGIN
    DELETE FROM public.run_events e
    WHERE (e.tenant_id, e.id) IN (
        SELECT o.tenant_id, o.id FROM public.run_events o
        WHERE o.created_at < now() - p_older_than
          AND NOT EXISTS (
              SELECT 1 FROM public.pipeline_runs r
              WHERE r.tenant_id = o.tenant_id AND r.id = o.run_id
                AND r.status IN ('queued', 'running'))
          AND NOT EXISTS (
              SELECT 1 FROM public.generated_articles a
              WHERE a.tenant_id = o.tenant_id AND a.id = o.article_id
                AND a.status IN ('queued', 'running'))
        LIMIT greatest(p_limit, 1)
    );
    GET DIAGNOSTICS deleted = ROW_COUNT;
    IF deleted > 0 THEN
        INSERT INTO public.system_audit_log (function, reason)
        VALUES ('icop_system_prune_run_events', 'run event retention: ' || deleted || ' deleted');
    END IF;
    RETURN deleted;
END
$fn$"""
PRUNE_SIGNATURE = "icop_system_prune_run_events(interval, integer)"


def upgrade() -> None:
    op.create_table(
        "brand_logos",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "source_format IN ('png', 'jpeg', 'webp')", name=op.f("ck_brand_logos_source_format")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_brand_logos_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_brand_logos")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_brand_logos_tenant_id_id")),
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)

    op.add_column("notifications", sa.Column("dedupe_key", sa.String(length=200), nullable=True))
    op.execute("UPDATE notifications SET dedupe_key = 'legacy:' || id::text")
    op.alter_column("notifications", "dedupe_key", nullable=False)
    op.create_unique_constraint(
        op.f("uq_notifications_tenant_id_dedupe_key"), "notifications", ["tenant_id", "dedupe_key"]
    )

    op.execute(PRUNE_RUN_EVENTS)
    op.execute(f"REVOKE ALL ON FUNCTION {PRUNE_SIGNATURE} FROM PUBLIC")
    op.execute(f'GRANT EXECUTE ON FUNCTION {PRUNE_SIGNATURE} TO "{app_role()}"')


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {PRUNE_SIGNATURE}")
    op.drop_constraint(
        op.f("uq_notifications_tenant_id_dedupe_key"), "notifications", type_="unique"
    )
    op.drop_column("notifications", "dedupe_key")
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("brand_logos")
