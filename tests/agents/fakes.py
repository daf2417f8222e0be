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
from icop.config import ResearchClaims
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
# A draft as a good writer returns it: on the sources, cited right, about 340 words (briefs in
# the tests ask for up to 800; the gate wants at least 40 % of what was asked).
ARTICLE_TEXT = (
    "# Composting at home\n\n"
    "Mix greens and browns [1]. A compost pile needs a balance of green material, rich in "
    "nitrogen, and brown material, rich in carbon [1]. Kitchen scraps and fresh grass are "
    "green; dry leaves, straw and cardboard are brown.\n\n"
    "## Let worms do the work\n\n"
    "Red wigglers turn kitchen scraps into castings in about three months [2]. A worm bin fits "
    "under a sink or on a balcony, and it does not smell when you bury the scraps under "
    "bedding. Feed the worms a little at a time, and give them shredded paper as their "
    "bedding.\n\n"
    "## Keep it damp\n\n"
    "Keep the pile as damp as a wrung-out sponge [3]. When the pile is too dry, nothing "
    "happens; when it is too wet, it starts to smell. Squeeze a handful: a few drops of water "
    "mean the moisture is right.\n\n"
    "## What goes in, what stays out\n\n"
    "Vegetable peelings, coffee grounds, tea leaves, eggshells and garden trimmings all belong "
    "in the bin. Meat, fish, dairy and oily leftovers attract rats and flies, so keep them "
    "out. Chop large stems into short pieces; small pieces break down much faster than whole "
    "branches, and a layer of leaves on top hides anything fresh.\n\n"
    "## When something goes wrong\n\n"
    "A heap that smells of ammonia has too much green material: add a bucket of shredded "
    "cardboard or autumn leaves. A heap that stays cold and dry needs water and a fork of "
    "fresh grass. White threads in the middle are fungi at work, a good sign rather than a "
    "problem. Fruit flies disappear once scraps are buried instead of left on the surface.\n\n"
    "## Using the finished compost\n\n"
    "Sieve out the twigs and return them to a new heap. Spread two or three centimetres of "
    "compost over beds in spring, mix a handful into the soil of each new pot, or brew it "
    "with water into a feed for tomatoes. Stored dry and covered, it keeps for a year.\n\n"
    "## Start today\n\n"
    "Begin small with one bin, one bag of dry leaves and the scraps of a single week. Turn "
    "the heap every week or two so that air reaches the middle, and within a season the "
    "first dark, crumbly compost is ready for your pots and beds."
)
KOREAN_ARTICLE_TEXT = (
    "# 집에서 퇴비 만들기\n\n"
    "퇴비 더미에는 질소가 많은 초록 재료와 탄소가 많은 갈색 재료가 함께 필요합니다 [1]. "
    "채소 껍질과 풀은 초록 재료이고, 마른 낙엽과 골판지는 갈색 재료입니다.\n\n"
    "## 지렁이에게 맡기기\n\n"
    "붉은 지렁이는 약 석 달 만에 음식물 찌꺼기를 분변토로 바꿉니다 [2]. 지렁이 상자는 "
    "싱크대 아래나 베란다에도 들어가고, 찌꺼기를 깔개 아래에 묻으면 냄새가 나지 않습니다.\n\n"
    "## 촉촉하게 유지하기\n\n"
    "더미는 꼭 짠 스펀지처럼 촉촉해야 합니다 [3]. 너무 마르면 분해가 멈추고, 너무 젖으면 "
    "냄새가 납니다. 한 줌을 쥐어 보아 물이 몇 방울 떨어지면 알맞은 상태입니다. 작은 통 "
    "하나로 시작하면 한 계절 안에 첫 퇴비를 화분에 쓸 수 있습니다."
)


def writes_well(request: CompletionRequest) -> FakeReply:
    """The default script: writers and the merger answer with a publishable article (in
    Korean when the brief asks for it); every other role with the fake's schema-shaped
    answer."""
    if role_of(request).startswith("writer_") or role_of(request) == "merger":
        korean = "Korean" in request.messages[-1].content
        return FakeReply(text=KOREAN_ARTICLE_TEXT if korean else ARTICLE_TEXT)
    return FakeReply()


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

    def __init__(self, samples: Sequence[str] = BRAND_SAMPLES, tone: str | None = None) -> None:
        self.samples = list(samples)
        self.tone_guide = tone
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

    async def tone(self, tenant_id: UUID) -> str | None:
        return self.tone_guide


class MemoryImageMaker:
    def __init__(self) -> None:
        self.calls: list[list[ImagePrompt]] = []
        self.titles: list[str] = []

    async def make(
        self, tenant_id: UUID, article_id: str, prompts: Sequence[ImagePrompt], *, title: str
    ) -> list[ImageAsset]:
        self.calls.append(list(prompts))
        self.titles.append(title)
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
    research_claims: ResearchClaims = "sources"
    editor_polish: bool = False

    def graph(self, **kwargs: object) -> ArticleGraph:
        deps = GraphDeps(
            runtime=self.runtime,
            researcher=self.researcher,
            brand_voice=self.brand_voice,
            images=self.images,
            progress=self.progress,
            research_claims=self.research_claims,
            editor_polish=self.editor_polish,
        )
        return build_graph(deps, **kwargs)  # type: ignore[arg-type]


def harness(
    script: Script | None = None,
    *,
    latency_s: float = 0.0,
    cloud: Sequence[str] = (),
    sources: Sequence[Source] = SOURCES,
    runtime: Callable[[SmartRouter], AgentRuntime] = NativeRuntime,
    research_claims: ResearchClaims = "sources",
    editor_polish: bool = False,
) -> Harness:
    fakes = providers(script or writes_well, latency_s=latency_s, cloud=cloud)
    return Harness(
        fakes=fakes,
        runtime=runtime(router(fakes)),
        researcher=MemoryResearcher(sources),
        brand_voice=MemoryBrandVoice(),
        images=MemoryImageMaker(),
        progress=ProgressLog(),
        research_claims=research_claims,
        editor_polish=editor_polish,
    )


async def settle() -> None:
    """Let background tasks (async checkpoint writes) finish."""
    await asyncio.sleep(0)
