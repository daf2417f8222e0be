"""notifications: in-app notices of work waiting (approval, review), failed runs and posts
that may or may not be live, with each member's read marks; the tenant's optional webhook and
the deliveries to it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12 07:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A notification, once written, is history; a read mark is added, never removed.
TENANT_TABLES = {
    "notifications": "SELECT, INSERT",
    "notification_reads": "SELECT, INSERT",
    "notification_webhooks": "SELECT, INSERT, UPDATE, DELETE",
    "notification_deliveries": "SELECT, INSERT, UPDATE",
}

# The delivery loop finds the tenants with deliveries due through a named, audited function
# (ADR 0002), then works tenant by tenant under row-level security. Audited only when it finds
# some, so an idle loop does not fill the log.
DUE_DELIVERIES = """
CREATE FUNCTION icop_system_due_webhook_deliveries(p_limit integer)
RETURNS SETOF uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
    found uuid[];
BEGIN
    SELECT coalesce(array_agg(d.tenant_id), '{}') INTO found FROM (
        SELECT DISTINCT s.tenant_id FROM public.notification_deliveries s
        WHERE s.status = 'pending' AND s.next_attempt_at <= now()
        LIMIT greatest(p_limit, 1)
    ) d;
    IF cardinality(found) > 0 THEN
        INSERT INTO public.system_audit_log (function, reason)
        VALUES ('icop_system_due_webhook_deliveries', 'notification webhook delivery');
    END IF;
    RETURN QUERY SELECT unnest(found);
END
$fn$"""


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('approval_waiting', 'article_needs_review', 'run_failed', "
            "'post_unconfirmed')",
            name=op.f("ck_notifications_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notifications_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "ix_notifications_tenant_id_created_at",
        "notifications",
        ["tenant_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "notification_reads",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column(
            "read_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "notification_id"],
            ["notifications.tenant_id", "notifications.id"],
            name=op.f("fk_notification_reads_tenant_id_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notification_reads_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "reader_id", "notification_id", name=op.f("pk_notification_reads")
        ),
    )
    op.create_table(
        "notification_webhooks",
        sa.Column("encrypted_url", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notification_webhooks_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_notification_webhooks")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_notification_webhooks_tenant_id")),
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')",
            name=op.f("ck_notification_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "notification_id"],
            ["notifications.tenant_id", "notifications.id"],
            name=op.f("fk_notification_deliveries_tenant_id_notification_id_no_cb97"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notification_deliveries_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "notification_id", name=op.f("pk_notification_deliveries")
        ),
    )
    op.create_index(
        "ix_notification_deliveries_tenant_id_status_next_attempt_at",
        "notification_deliveries",
        ["tenant_id", "status", "next_attempt_at"],
        unique=False,
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)
    op.execute(DUE_DELIVERIES)
    op.execute("REVOKE ALL ON FUNCTION icop_system_due_webhook_deliveries(integer) FROM PUBLIC")
    op.execute(
        f'GRANT EXECUTE ON FUNCTION icop_system_due_webhook_deliveries(integer) TO "{app_role()}"'
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS icop_system_due_webhook_deliveries(integer)")
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_index(
        "ix_notification_deliveries_tenant_id_status_next_attempt_at",
        table_name="notification_deliveries",
    )
    op.drop_table("notification_deliveries")
    op.drop_table("notification_webhooks")
    op.drop_table("notification_reads")
    op.drop_index("ix_notifications_tenant_id_created_at", table_name="notifications")
    op.drop_table("notifications")
