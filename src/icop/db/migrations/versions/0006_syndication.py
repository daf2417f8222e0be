"""social syndication: accounts, posts, publish attempts, quota ledger, OAuth states

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 19:03:47.945747
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = [
    "oauth_states",
    "social_accounts",
    "account_rate_states",
    "posts",
    "publish_ledger",
    "publish_attempts",
]


def upgrade() -> None:
    op.create_table(
        "oauth_states",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("encrypted_verifier", sa.LargeBinary(), nullable=True),
        sa.Column("redirect_uri", sa.String(length=2000), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
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
            name=op.f("fk_oauth_states_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_oauth_states")),
    )
    op.create_table(
        "social_accounts",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_account_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), server_default="connected", nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "scopes", postgresql.ARRAY(sa.String(length=200)), server_default="{}", nullable=False
        ),
        sa.Column("last_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("connected_by", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint(
            "status IN ('connected', 'needs_reconnect', 'disconnected')",
            name=op.f("ck_social_accounts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "credential_id"],
            ["api_credentials.tenant_id", "api_credentials.id"],
            name=op.f("fk_social_accounts_tenant_id_credential_id_api_credentials"),
            ondelete="SET NULL (credential_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_social_accounts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_social_accounts")),
        sa.UniqueConstraint(
            "tenant_id",
            "platform",
            "platform_account_id",
            name=op.f("uq_social_accounts_tenant_id_platform_platform_account_id"),
        ),
    )
    op.create_table(
        "account_rate_states",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("social_account_id", sa.Uuid(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("limit", sa.Integer(), nullable=True),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_percent", sa.Float(), nullable=True),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked_reason", sa.Text(), nullable=True),
        sa.Column("window_used", sa.Integer(), nullable=True),
        sa.Column("window_total", sa.Integer(), nullable=True),
        sa.Column("window_s", sa.Integer(), nullable=True),
        sa.Column("window_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "social_account_id"],
            ["social_accounts.tenant_id", "social_accounts.id"],
            name=op.f("fk_account_rate_states_tenant_id_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_account_rate_states_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "social_account_id", name=op.f("pk_account_rate_states")
        ),
    )
    op.create_table(
        "posts",
        sa.Column("social_account_id", sa.Uuid(), nullable=False),
        sa.Column("article_id", sa.Uuid(), nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("parts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "changes", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "warnings", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="scheduled", nullable=False),
        sa.Column("delay_reason", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "platform_post_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("permalink", sa.String(length=2000), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("workflow_id", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint(
            "status IN ('scheduled', 'waiting_quota', 'publishing', 'published', 'failed', 'unconfirmed', 'cancelled')",
            name=op.f("ck_posts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_posts_tenant_id_article_id_generated_articles"),
            ondelete="SET NULL (article_id)",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "social_account_id"],
            ["social_accounts.tenant_id", "social_accounts.id"],
            name=op.f("fk_posts_tenant_id_social_account_id_social_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_posts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_posts")),
    )
    op.create_index(
        "ix_posts_tenant_id_scheduled_at", "posts", ["tenant_id", "scheduled_at"], unique=False
    )
    op.create_index(
        "ix_posts_tenant_id_social_account_id",
        "posts",
        ["tenant_id", "social_account_id"],
        unique=False,
    )
    op.create_table(
        "publish_ledger",
        sa.Column("social_account_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_id", sa.Uuid(), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "social_account_id"],
            ["social_accounts.tenant_id", "social_accounts.id"],
            name=op.f("fk_publish_ledger_tenant_id_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_publish_ledger_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_publish_ledger")),
    )
    op.create_index(
        "ix_publish_ledger_tenant_id_social_account_id_counted_at",
        "publish_ledger",
        ["tenant_id", "social_account_id", "counted_at"],
        unique=False,
    )
    op.create_table(
        "publish_attempts",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("part_index", sa.Integer(), nullable=False),
        sa.Column("reply_to", sa.String(length=200), nullable=True),
        sa.Column("intent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("platform_post_id", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('published', 'failed', 'ambiguous', 'reconciled_published', 'reconciled_absent', 'abandoned')",
            name=op.f("ck_publish_attempts_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"],
            ["posts.tenant_id", "posts.id"],
            name=op.f("fk_publish_attempts_tenant_id_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_publish_attempts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_publish_attempts")),
        sa.UniqueConstraint(
            "tenant_id",
            "post_id",
            "attempt_no",
            name=op.f("uq_publish_attempts_tenant_id_post_id_attempt_no"),
        ),
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_table("publish_attempts")
    op.drop_index(
        "ix_publish_ledger_tenant_id_social_account_id_counted_at", table_name="publish_ledger"
    )
    op.drop_table("publish_ledger")
    op.drop_index("ix_posts_tenant_id_social_account_id", table_name="posts")
    op.drop_index("ix_posts_tenant_id_scheduled_at", table_name="posts")
    op.drop_table("posts")
    op.drop_table("account_rate_states")
    op.drop_table("social_accounts")
    op.drop_table("oauth_states")
