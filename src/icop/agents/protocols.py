"""What the article graph needs from other services, as small Protocols.

The research, brand-voice and image services implement these; tests use in-memory ones. The
graph never imports those services, so each can change (or run in another worker) freely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol
from uuid import UUID

from icop.agents.runtime.base import AgentRuntime
from icop.agents.schemas import ImageAsset, ImagePrompt, Source
from icop.config import ResearchClaims


class Researcher(Protocol):
    async def research(self, tenant_id: UUID, topic: str, language: str) -> list[Source]:
        """Sources for ``topic``, best first, numbered 1..n. Only sources worth citing: an
        empty list stops the article with status ``no_sources`` (nothing is invented)."""
        ...


class BrandVoice(Protocol):
    async def retrieve(
        self, tenant_id: UUID, topic: str, language: str, limit: int = 3
    ) -> list[str]:
        """The tenant's brand-voice samples closest to ``topic``, closest first ([] when the
        tenant has none: the writers then use a neutral voice)."""
        ...

    async def similarity(self, tenant_id: UUID, text: str) -> float | None:
        """Cosine similarity of ``text`` to the tenant's brand voice (None: no samples)."""
        ...

    async def tone(self, tenant_id: UUID) -> str | None:
        """The brand kit's tone profile as guidance for the writers (None: the kit has no
        tone yet)."""
        ...


class ImageMaker(Protocol):
    async def make(
        self, tenant_id: UUID, article_id: str, prompts: Sequence[ImagePrompt], *, title: str
    ) -> list[ImageAsset]:
        """Render and store one image per prompt; ``ImageAsset.index`` is the prompt's index.
        ``title`` is the article's: a provider that draws text (the local title card) shows it.
        Called again with the same ``article_id`` after a crash: implementations may reuse
        what they stored the first time."""
        ...


StepState = Literal["started", "finished", "failed", "stopped"]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One node's progress. ``step`` is the node's name (``writer_b``, ``social_copy:x`` …):
    the workflow stores the latest as the article's ``current_step``."""

    article_id: str
    step: str
    state: StepState
    detail: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cost_usd: float = 0.0
    """What the node's model calls cost (finished and stopped events)."""


class ProgressCallback(Protocol):
    async def __call__(self, event: ProgressEvent) -> None: ...


async def no_progress(event: ProgressEvent) -> None:
    """The default callback: progress is not reported anywhere."""


@dataclass
class GraphDeps:
    """Everything the nodes call out to; ``build_graph`` takes one of these."""

    runtime: AgentRuntime
    researcher: Researcher
    brand_voice: BrandVoice
    images: ImageMaker
    progress: ProgressCallback = no_progress
    max_sources: int = 8
    research_claims: ResearchClaims = "sources"
    """Where research claims come from (``icop.agents.claims``; ``ICOP_RESEARCH_CLAIMS``)."""
    editor_polish: bool = False
    """Whether compare mode polishes the editor's pick in a second call (``ICOP_EDITOR_POLISH``)."""
    brand_voice_samples: int = 3
    gate_attempts: int = 2
    """Writings an article gets before a blocking gate finding sends it to needs_review."""
