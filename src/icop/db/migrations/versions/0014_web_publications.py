"""web publications: an article published to its tenant's public blog (a snapshot of its
public fields), the tenant's blog slug, and the three read-only functions the public pages
read them through

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-13 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from icop.db.migrate import app_role
from icop.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = {"web_publications": "SELECT, INSERT, UPDATE, DELETE"}

# The public blog is read by anyone, before any tenant is known: like login, it crosses
# tenants through named SECURITY DEFINER functions (ADR 0002, ADR 0023). Each answers one
# question about one blog slug, of an active tenant, and returns only the snapshot columns a
# person published; nothing else of any tenant is reachable through them. They are not
# audited: they reveal only what is already public, and a row per page view would turn the
# system audit log into a web server's access log.
FUNCTIONS = {
    "icop_public_blog(text)": """
CREATE FUNCTION icop_public_blog(p_blog_slug text)
RETURNS TABLE (name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    SELECT t.company_name::text FROM public.tenants t
    WHERE t.blog_slug = p_blog_slug AND t.status = 'active'
$fn$""",
    "icop_public_blog_articles(text, integer)": """
CREATE FUNCTION icop_public_blog_articles(p_blog_slug text, p_limit integer)
RETURNS TABLE (slug text, title text, description text, language text, images jsonb,
               published_at timestamptz, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    SELECT p.slug::text, p.title::text, p.description::text, p.language::text, p.images,
           p.published_at, p.updated_at
    FROM public.web_publications p JOIN public.tenants t ON t.id = p.tenant_id
    WHERE t.blog_slug = p_blog_slug AND t.status = 'active'
    ORDER BY p.published_at DESC, p.slug
    LIMIT least(greatest(p_limit, 1), 1000)
$fn$""",
    "icop_public_blog_article(text, text)": """
CREATE FUNCTION icop_public_blog_article(p_blog_slug text, p_article_slug text)
RETURNS TABLE (slug text, title text, description text, language text, markdown text,
               keywords jsonb, images jsonb, citations jsonb,
               published_at timestamptz, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    SELECT p.slug::text, p.title::text, p.description::text, p.language::text, p.markdown,
           p.keywords, p.images, p.citations, p.published_at, p.updated_at
    FROM public.web_publications p JOIN public.tenants t ON t.id = p.tenant_id
    WHERE t.blog_slug = p_blog_slug AND t.status = 'active' AND p.slug = p_article_slug
$fn$""",
}


def upgrade() -> None:
    op.add_column("tenants", sa.Column("blog_slug", sa.String(length=80), nullable=True))
    op.create_unique_constraint(op.f("uq_tenants_blog_slug"), "tenants", ["blog_slug"])
    op.create_table(
        "web_publications",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column(
            "keywords", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "images", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "citations",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
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
        sa.ForeignKeyConstraint(
            ["tenant_id", "article_id"],
            ["generated_articles.tenant_id", "generated_articles.id"],
            name=op.f("fk_web_publications_tenant_id_article_id_generated_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_web_publications_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_web_publications")),
        sa.UniqueConstraint(
            "tenant_id", "article_id", name=op.f("uq_web_publications_tenant_id_article_id")
        ),
        sa.UniqueConstraint("tenant_id", "slug", name=op.f("uq_web_publications_tenant_id_slug")),
    )
    op.create_index(
        "ix_web_publications_tenant_id_published_at",
        "web_publications",
        ["tenant_id", "published_at"],
        unique=False,
    )
    for table, privileges in TENANT_TABLES.items():
        for statement in enable_tenant_rls(table, app_role=app_role(), privileges=privileges):
            op.execute(statement)
    for signature, ddl in FUNCTIONS.items():
        op.execute(ddl)
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f'GRANT EXECUTE ON FUNCTION {signature} TO "{app_role()}"')


def downgrade() -> None:
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    for table in TENANT_TABLES:
        for statement in disable_tenant_rls(table, app_role=app_role()):
            op.execute(statement)
    op.drop_index("ix_web_publications_tenant_id_published_at", table_name="web_publications")
    op.drop_table("web_publications")
    op.drop_constraint(op.f("uq_tenants_blog_slug"), "tenants", type_="unique")
    op.drop_column("tenants", "blog_slug")
