"""What research exchanges: queries, provider results, and numbered sources for citations.

Pydantic models, because they cross process boundaries (Temporal activity results, API)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SearchQuery(_Frozen):
    query: str = Field(min_length=1, max_length=1_000)
    tenant_id: UUID
    limit: int = Field(default=8, ge=1, le=50)
    language: str | None = None


class Source(_Frozen):
    """One result of one provider, in that provider's order."""

    title: str
    url: str | None
    snippet: str = Field(description="A short excerpt to show a person.")
    text: str = Field(description="As much of the content as the provider gave, for writers.")
    score: float | None = Field(
        default=None, description="The provider's own relevance score; not comparable across."
    )
    provider: str
    published_at: str | None = None
    document_id: UUID | None = Field(default=None, description="Knowledge-store document.")


class CitedSource(_Frozen):
    """A source as the article cites it: ``[number]``."""

    number: int = Field(ge=1)
    title: str
    url: str | None
    snippet: str
    text: str
    providers: list[str]
    score: float = Field(description="Fused rank score (reciprocal rank fusion).")
    published_at: str | None = None
    document_id: UUID | None = None

    @property
    def marker(self) -> str:
        return f"[{self.number}]"

    def reference(self) -> str:
        """``[n] Title — URL``, the line of a reference list."""
        return f"[{self.number}] {self.title}" + (f" — {self.url}" if self.url else "")


class ProviderFailure(_Frozen):
    provider: str
    code: str
    message: str
    retryable: bool
    retry_after_s: float | None = None


class ResearchResult(_Frozen):
    query: str
    status: Literal["ok", "no_sources"]
    sources: list[CitedSource]
    providers: list[str] = Field(description="Providers that answered.")
    failures: list[ProviderFailure] = Field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status == "ok"

    def source(self, number: int) -> CitedSource:
        for source in self.sources:
            if source.number == number:
                return source
        raise KeyError(number)

    def prompt_context(self, max_chars_per_source: int = 1_500) -> str:
        """The numbered sources as a writer's prompt shows them."""
        blocks = []
        for source in self.sources:
            header = source.reference()
            body = source.text[:max_chars_per_source].rstrip()
            if len(source.text) > max_chars_per_source:
                body += " …"
            blocks.append(f"{header}\n{body}")
        return "\n\n".join(blocks)

    def references(self) -> list[str]:
        return [source.reference() for source in self.sources]
