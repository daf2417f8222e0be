"""What one evaluated article left behind, as plain data: the runner writes these, the metrics
read them. Kept raw (the Markdown, the sources, the drafts, the model calls) so a recorded run
can be scored again by later, better metrics without writing the article again."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RECORD_VERSION = 1


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SourceRef(Record):
    """A numbered source as a report lists it: ICOP's research sources, or a peer's reference
    list. ``snippet`` is the passage its citations are checked against."""

    number: int = Field(ge=1)
    title: str = ""
    url: str | None = None
    snippet: str = ""


class ClaimRecord(Record):
    text: str
    sources: list[int] = Field(default_factory=list)


class DraftRecord(Record):
    writer: str
    status: str = "ok"
    provider: str | None = None
    model: str | None = None
    text: str = ""
    error: str | None = None
    brand_voice_similarity: float | None = None


class SocialRecord(Record):
    """One platform's post: the copywriter's draft as written, and the post after the
    platform validator's auto-fix (what the article carries)."""

    platform: str
    draft_text: str | None = None
    draft_hashtags: list[str] = Field(default_factory=list)
    text: str = ""
    hashtags: list[str] = Field(default_factory=list)
    ok: bool = False
    changes: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    link_url: str | None = None


class CallRecord(Record):
    """One agent call (a routed model call with the router's own retries and fallbacks)."""

    role: str
    ok: bool = True
    provider: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    attempts: int = 0
    repaired: bool = False
    error: str | None = None
    instructions: str | None = Field(
        default=None, description="The call's extra instructions (e.g. a platform's)."
    )


class ArticleRecord(Record):
    """One topic's article, as the product produced it."""

    version: int = RECORD_VERSION
    topic_id: str
    language: str
    provider: str
    model: str
    mode: str
    article_id: str | None = None
    status: str
    """The article row's status (ready, needs_review, no_sources, failed, error …)."""
    stop_reason: str | None = None
    markdown: str = ""
    title: str | None = None
    article_text: str = Field(
        default="", description="The article as the editor or merger wrote it (model citations)."
    )
    sources: list[SourceRef] = Field(
        default_factory=list, description="What research found, numbered as the models saw it."
    )
    references: list[SourceRef] = Field(
        default_factory=list,
        description="The final list the Markdown's [n] resolve to, each with the passages of "
        "its research source(s).",
    )
    cited_sources: list[int] = Field(
        default_factory=list, description="Numbers the final references list."
    )
    inferred_citations: list[int] = Field(
        default_factory=list, description="Sources the code cited where a model left a gap."
    )
    dropped_citations: list[int] = Field(default_factory=list)
    claims: list[ClaimRecord] = Field(default_factory=list)
    drafts: list[DraftRecord] = Field(default_factory=list)
    seo: dict[str, Any] = Field(default_factory=dict)
    image_alts: list[str] = Field(default_factory=list)
    image_prompts: list[str] = Field(default_factory=list)
    social: list[SocialRecord] = Field(default_factory=list)
    calls: list[CallRecord] = Field(default_factory=list)
    gate: dict[str, Any] | None = Field(
        default=None, description="The publishability gate's findings, when the product has one."
    )
    failures: list[str] = Field(
        default_factory=list, description="Errors that cost an attempt (a retried activity)."
    )
    attempts: int = Field(default=1, description="Runs of the article activity it took.")
    seconds: float = 0.0
    finished_after_s: float = Field(
        default=0.0, description="From the start of the evaluation run to this article's end."
    )
    brand_voice_configured: bool = False


class RunRecord(Record):
    """One evaluation run: which model, which mode, which code, and its articles."""

    version: int = RECORD_VERSION
    label: str
    provider: str
    model: str
    mode: str
    code: str = Field(default="", description="git commit (and '+dirty') the run was made on")
    started_at: str = ""
    machine: str = ""
    prompts: list[str] = Field(
        default_factory=list,
        description="The prompt templates of the code that ran (for the scaffolding check).",
    )
    articles: list[ArticleRecord] = Field(default_factory=list)
