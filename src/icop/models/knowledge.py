"""The tenant's knowledge store (research sources) and brand-voice samples, embedded with the
bundled all-MiniLM-L6-v2 (384 dimensions) into pgvector.

No approximate-nearest-neighbour index: an HNSW index cannot lead with tenant_id (ADR 0002),
and a tenant's own rows, found through (tenant_id, …), are few enough for an exact scan.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import Index, Integer, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk

EMBEDDING_DIMENSIONS = 384


class KnowledgeDocument(TenantOwned, TimestampMixin, Base):
    __tablename__ = "knowledge_documents"
    __table_args__ = (tenants_fk(),)

    title: Mapped[str] = mapped_column(String(300), nullable=False)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    source_kind: Mapped[str] = mapped_column(String(32), nullable=False, server_default="upload")
    language: Mapped[str | None] = mapped_column(String(16))
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")


class KnowledgeChunk(TenantOwned, TimestampMixin, Base):
    __tablename__ = "knowledge_chunks"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["document_id"], "knowledge_documents"),
        Index("ix_knowledge_chunks_tenant_id_document_id", "tenant_id", "document_id"),
    )

    document_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIMENSIONS), nullable=False)


class BrandVoiceSample(TenantOwned, TimestampMixin, Base):
    __tablename__ = "brand_voice_samples"
    __table_args__ = (tenants_fk(),)

    title: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIMENSIONS), nullable=False)
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
