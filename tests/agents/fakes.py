"""In-memory implementations of the graph's dependencies, and a router over fake providers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from icop.agents.graph import ArticleGraph, build_graph
from icop.agents.protocols import GraphDeps, ProgressEvent
from icop.agents.runtime import AgentRuntime, NativeRuntime
from icop.agents.schemas import ImageAsset, ImagePrompt, Source
from icop.llm.policy import default_policy
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle

SOURCES = [
    Source(
        number=1,
        title="Composting basics",
        url="https://example.org/basics",
        snippet="A compost pile needs a balance of green (nitrogen) and brown (carbon) material.",
    ),
    Source(
        number=2,
        title="Worm bins",
        url="https://example.org/worms",
        snippet="Red wigglers turn kitchen scraps into castings in about three months.",
    ),
    Source(
        number=3,
        title="Moisture",
        url=None,
        snippet="A pile should feel like a wrung-out sponge.",
    ),
]
BRAND_SAMPLES = [
    "We talk about soil the way a neighbour would: plainly, kindly, with dirt under our nails.",
    "No jargon. One good tip beats ten vague ones.",
]


class MemoryResearcher:
    def __init__(self, sources: Sequence[Source] = SOURCES) -> None:
        self.sources = list(sources)
        self.calls: list[tuple[UUID, str, str]] = []

    async def research(self, tenant_id: UUID, topic: str, language: str) -> list[Source]:
        self.calls.append((tenant_id, topic, language))
        return list(self.sources)


class MemoryBrandVoice:
    """Similarity is the share of the samples' words that the text uses (a stand-in for the
    embedding cosine, monotonic in the same direction)."""

    def __init__(self, samples: Sequence[str] = BRAND_SAMPLES) -> None:
        self.samples = list(samples)
        self.words = {w for s in samples for w in re.findall(r"\w+", s.lower())}

    async def retrieve(
        self, tenant_id: UUID, topic: str, language: str, limit: int = 3
    ) -> list[str]:
        return self.samples[:limit]

    async def similarity(self, tenant_id: UUID, text: str) -> float | None:
        if not self.samples:
            return None
        used = set(re.findall(r"\w+", text.lower()))
        return round(len(used & self.words) / len(self.words), 4)


class MemoryImageMaker:
    def __init__(self) -> None:
        self.calls: list[list[ImagePrompt]] = []

    async def make(
        self, tenant_id: UUID, article_id: str, prompts: Sequence[ImagePrompt]
    ) -> list[ImageAsset]:
        self.calls.append(list(prompts))
        sizes = {"1:1": (1080, 1080), "4:5": (1080, 1350), "16:9": (1600, 900)}
        return [
            ImageAsset(
                index=i,
                url=f"https://cdn.example.com/{article_id}/{i}.jpg",
                alt=prompt.alt,
                width=sizes[prompt.aspect][0],
                height=sizes[prompt.aspect][1],
                size_bytes=250_000,
                provider="memory",
            )
            for i, prompt in enumerate(prompts)
        ]


@dataclass
class ProgressLog:
    events: list[ProgressEvent] = field(default_factory=list)

    async def __call__(self, event: ProgressEvent) -> None:
        self.events.append(event)

    def steps(self, state: str = "finished") -> list[str]:
        return [e.step for e in self.events if e.state == state]


def role_of(request: CompletionRequest) -> str:
    """Which role a request is for, from the system prompt the runtimes build."""
    system = request.messages[0].content
    for marker, role in (
        ("Research analyst", "researcher"),
        ("magazine feature writer", "writer_a"),
        ("long-time columnist", "writer_b"),
        ("science journalist", "writer_c"),
        ("Managing editor", "editor"),
        ("Senior editor", "merger"),
        ("SEO specialist", "seo"),
        ("Visual director", "visual_director"),
        ("Translator", "translator"),
        ("Markdown formatter", "markdown_formatter"),
        ("Social media copywriter", "social_copywriter"),
    ):
        if marker in system:
            return role
    return "unknown"


def platform_of(request: CompletionRequest) -> str:
    match = re.search(r"## platform\n(\w+)", request.messages[-1].content)
    return match.group(1) if match else ""


Script = Callable[[CompletionRequest], FakeReply]


def providers(
    script: Script | None = None, *, latency_s: float = 0.0, cloud: Sequence[str] = ()
) -> dict[str, FakeProvider]:
    """Fakes under the policy's provider names; ``cloud`` names the configured cloud ones
    (the others are skipped as on a machine without their keys)."""
    names = ("local", "openai", "anthropic", "gemini", "ollama")
    return {
        name: FakeProvider(
            name,
            script=script,
            latency_s=latency_s,
            is_configured=name == "local" or name in cloud,
        )
        for name in names
    }


def router(fakes: dict[str, FakeProvider]) -> SmartRouter:
    return SmartRouter(
        fakes,
        default_policy(),
        Throttle(global_rate_per_minute=600_000, provider_concurrency={}),
        backoff_initial_s=0.001,
        backoff_max_s=0.01,
    )


def all_calls(fakes: dict[str, FakeProvider]) -> list[CompletionRequest]:
    return [call for fake in fakes.values() for call in fake.calls]


def roles_called(fakes: dict[str, FakeProvider]) -> list[str]:
    return sorted(role_of(call) for call in all_calls(fakes))


@dataclass
class Harness:
    fakes: dict[str, FakeProvider]
    runtime: AgentRuntime
    researcher: MemoryResearcher
    brand_voice: MemoryBrandVoice
    images: MemoryImageMaker
    progress: ProgressLog

    def graph(self, **kwargs: object) -> ArticleGraph:
        deps = GraphDeps(
            runtime=self.runtime,
            researcher=self.researcher,
            brand_voice=self.brand_voice,
            images=self.images,
            progress=self.progress,
        )
        return build_graph(deps, **kwargs)  # type: ignore[arg-type]


def harness(
    script: Script | None = None,
    *,
    latency_s: float = 0.0,
    cloud: Sequence[str] = (),
    sources: Sequence[Source] = SOURCES,
    runtime: Callable[[SmartRouter], AgentRuntime] = NativeRuntime,
) -> Harness:
    fakes = providers(script, latency_s=latency_s, cloud=cloud)
    return Harness(
        fakes=fakes,
        runtime=runtime(router(fakes)),
        researcher=MemoryResearcher(sources),
        brand_voice=MemoryBrandVoice(),
        images=MemoryImageMaker(),
        progress=ProgressLog(),
    )


async def settle() -> None:
    """Let background tasks (async checkpoint writes) finish."""
    await asyncio.sleep(0)
