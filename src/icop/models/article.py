"""Generated articles (TRD §3), their drafts, and the agent graph's checkpoints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import Field
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.types import EnumText, PydanticJSON, StoredModel, one_of


class ArticleStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    AWAITING_APPROVAL = "awaiting_approval"
    READY = "ready"
    REJECTED = "rejected"
    FAILED = "failed"
    NO_SOURCES = "no_sources"
    NEEDS_REVIEW = "needs_review"
    """Written, but the publishability gate blocked it (the findings say why): a person edits
    or rejects it; it is never published as it is."""

    @property
    def final(self) -> bool:
        """Nothing more happens to the article without a person (or a new run)."""
        return self not in (ArticleStatus.QUEUED, ArticleStatus.RUNNING)

    @property
    def written(self) -> bool:
        """The article exists (a decision may still be due)."""
        return self in (ArticleStatus.READY, ArticleStatus.AWAITING_APPROVAL)


class ArticleImage(StoredModel):
    """One of the article's images as stored: the image maker's ``ImageAsset`` (shape 1).
    Documents written by hand may lack ``index``, ``alt``, ``format``, ``size_bytes`` and
    ``provider``."""

    index: int | None = Field(default=None, ge=0, description="The prompt it was made from.")
    url: str = Field(min_length=1, max_length=2000)
    alt: str | None = Field(default=None, max_length=1000)
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    format: str = Field(default="jpeg", max_length=16)
    size_bytes: int = Field(default=0, ge=0)
    provider: str | None = Field(default=None, max_length=40)


class SocialCopy(StoredModel):
    """The article's copy for one platform as that platform's validator fitted it: the
    graph's ``SocialPost`` (shape 1). Documents written by hand may hold only ``text`` (and
    ``link_url``, ``hashtags``)."""

    platform: str | None = Field(default=None, max_length=16)
    text: str = Field(max_length=5000)
    hashtags: list[str] = Field(default_factory=list)
    length: int | None = Field(default=None, ge=0, description="Measured the platform's way.")
    limit: int | None = Field(default=None, ge=1)
    ok: bool | None = None
    link_url: str | None = Field(default=None, max_length=2000)
    changes: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    provider: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=120)


class GeneratedArticle(TenantOwned, TimestampMixin, Base):
    __tablename__ = "generated_articles"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("status", ArticleStatus), name="status"),
        CheckConstraint("mode IN ('compare', 'merge')", name="mode"),
        # Keyset pages of the articles list, unfiltered and by status (migration 0026).
        Index("ix_generated_articles_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        Index(
            "ix_generated_articles_tenant_id_status_created_at_id",
            "tenant_id",
            "status",
            "created_at",
            "id",
        ),
    )

    pipeline_id: Mapped[UUID | None] = mapped_column(Uuid)
    topic: Mapped[str] = mapped_column(String(500), nullable=False)
    sub_topic: Mapped[str | None] = mapped_column(String(500))
    audience: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16), nullable=False, server_default="en")
    mode: Mapped[str] = mapped_column(String(16), nullable=False, server_default="compare")
    length_words: Mapped[int] = mapped_column(Integer, nullable=False, server_default="800")
    approval_required: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    # A short video made from the article once it is written (icop.articles.video).
    video_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    status: Mapped[ArticleStatus] = mapped_column(
        EnumText(ArticleStatus, 24), nullable=False, server_default=ArticleStatus.QUEUED.value
    )
    current_step: Mapped[str | None] = mapped_column(String(64))
    # The brand kit version (brand_kit_versions.number) current when the article was
    # registered; null when the tenant had no versioned kit.
    brand_kit_version: Mapped[int | None] = mapped_column(Integer)
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    final_markdown: Mapped[str | None] = mapped_column(Text)
    final_markdown_url: Mapped[str | None] = mapped_column(String(2000))
    thumbnail_url: Mapped[str | None] = mapped_column(String(2000))
    selection_rationale: Mapped[str | None] = mapped_column(Text)
    seo: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    image_prompts: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    images: Mapped[list[ArticleImage]] = mapped_column(
        PydanticJSON(list[ArticleImage]), nullable=False, server_default="[]"
    )
    # By platform ("x", "facebook" …).
    social: Mapped[dict[str, SocialCopy]] = mapped_column(
        PydanticJSON(dict[str, SocialCopy]), nullable=False, server_default="{}"
    )
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False, server_default="0")
    # The publishability gate's report: {"attempts": n, "findings": [{code, action, detail}]}.
    quality: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    decided_by: Mapped[UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class ArticleDraft(TenantOwned, TimestampMixin, Base):
    __tablename__ = "article_drafts"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["article_id"], "generated_articles"),
        Index("ix_article_drafts_tenant_id_article_id", "tenant_id", "article_id"),
    )

    article_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    writer: Mapped[str] = mapped_column(String(40), nullable=False)
    provider: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    scores: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    brand_voice_similarity: Mapped[float | None] = mapped_column(Float)
    selected: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")


class GraphCheckpoint(Base):
    """LangGraph checkpoints, so a retried activity resumes after the last finished node."""

    __tablename__ = "graph_checkpoints"
    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "thread_id", "checkpoint_ns", "checkpoint_id"),
        tenants_fk(),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    thread_id: Mapped[str] = mapped_column(String(200), nullable=False)
    checkpoint_ns: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    checkpoint_id: Mapped[str] = mapped_column(String(64), nullable=False)
    parent_checkpoint_id: Mapped[str | None] = mapped_column(String(64))
    checkpoint_type: Mapped[str] = mapped_column(String(32), nullable=False)
    checkpoint: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    metadata_type: Mapped[str] = mapped_column(String(32), nullable=False)
    checkpoint_metadata: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class GraphCheckpointWrite(Base):
    """Pending writes of a checkpoint (a node's outputs not yet folded into the next one)."""

    __tablename__ = "graph_checkpoint_writes"
    __table_args__ = (
        PrimaryKeyConstraint(
            "tenant_id", "thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"
        ),
        tenants_fk(),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    thread_id: Mapped[str] = mapped_column(String(200), nullable=False)
    checkpoint_ns: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    checkpoint_id: Mapped[str] = mapped_column(String(64), nullable=False)
    task_id: Mapped[str] = mapped_column(String(200), nullable=False)
    idx: Mapped[int] = mapped_column(Integer, nullable=False)
    channel: Mapped[str] = mapped_column(String(200), nullable=False)
    value_type: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    task_path: Mapped[str] = mapped_column(String(500), nullable=False, server_default="")


class ArticleVersion(TenantOwned, TimestampMixin, Base):
    """One saved state of an article's Markdown and SEO fields. Append-only (the app role may
    insert and read): an edit or a restore adds a version, nothing rewrites one. Version 1 is
    what the agent graph produced, recorded the first time the history is read or edited."""

    __tablename__ = "article_versions"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["article_id"], "generated_articles"),
        UniqueConstraint("tenant_id", "article_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("source IN ('graph', 'edit', 'restore')", name="source"),
    )

    article_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    markdown: Mapped[str] = mapped_column(Text, nullable=False)
    seo: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    summary: Mapped[str | None] = mapped_column(String(300))
    restored_from: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[UUID | None] = mapped_column(Uuid)
    # The publishability gate's deterministic findings on this version (see articles.editing).
    findings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
