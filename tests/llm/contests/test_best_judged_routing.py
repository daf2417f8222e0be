"""The SmartRouter's ``best_judged`` mode for the writer slots, with fake providers and an
in-memory record: one shared draw per article, rivals, the tenant's budget and the providers'
health respected, the mode chosen per tenant."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, ValidationError

from icop.llm.contests.bandit import Standing
from icop.llm.errors import RoutingError
from icop.llm.policy import Candidate, RoutingPolicy, default_policy, parse_policy
from icop.llm.providers.fake import FakeProvider
from icop.llm.smart_router import RoutedCall, SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from icop.models import RoutingMode

SLOTS = (TaskKind.WRITE_DRAFT_A, TaskKind.WRITE_DRAFT_B, TaskKind.WRITE_DRAFT_C)
POOL = [
    Candidate(provider="local", model="default"),
    Candidate(provider="ollama", model="qwen2.5:7b"),
    Candidate(provider="openai", model="gpt-4.1-mini"),  # ~$0.005 for a whole writer call
    Candidate(provider="anthropic", model="claude-sonnet-4-5"),  # ~$0.042
]


class MemoryStandings:
    def __init__(self, record: dict[str, Standing] | None = None) -> None:
        self.record = record or {}
        self.reads: list[tuple[UUID, TaskKind]] = []

    async def standings(self, tenant_id: UUID, task: TaskKind) -> dict[str, Standing]:
        self.reads.append((tenant_id, task))
        return dict(self.record)


class FixedBudget:
    def __init__(self, remaining: Decimal | None) -> None:
        self.remaining = remaining

    async def remaining_usd(self, tenant_id: UUID) -> Decimal | None:
        return self.remaining


class MemoryOverrides:
    def __init__(self, modes: dict[UUID, dict[TaskKind, RoutingMode]]) -> None:
        self._modes = modes

    async def overrides(self, tenant_id: UUID) -> dict[TaskKind, list[Candidate]]:
        return {}

    async def modes(self, tenant_id: UUID) -> dict[TaskKind, RoutingMode]:
        return self._modes.get(tenant_id, {})


def _fakes(**kwargs: bool) -> dict[str, FakeProvider]:
    names = ("local", "ollama", "openai", "anthropic", "gemini")
    return {name: FakeProvider(name, is_configured=kwargs.get(name, True)) for name in names}


def _policy(mode: RoutingMode = RoutingMode.BEST_JUDGED) -> RoutingPolicy:
    policy = default_policy()
    tasks = {**policy.tasks, TaskKind.WRITE_DRAFT: POOL}
    return policy.model_copy(update={"tasks": tasks, "modes": {TaskKind.WRITE_DRAFT: mode}})


def _router(
    fakes: dict[str, FakeProvider],
    policy: RoutingPolicy,
    standings: MemoryStandings,
    **kwargs: object,
) -> SmartRouter:
    return SmartRouter(
        fakes,
        policy,
        Throttle(global_rate_per_minute=600_000, provider_concurrency={}),
        standings=standings,
        backoff_initial_s=0.001,
        backoff_max_s=0.01,
        **kwargs,  # type: ignore[arg-type]
    )


async def _article(
    router: SmartRouter, tenant_id: UUID, article: str | None = None
) -> list[RoutedCall[BaseModel]]:
    """The three writer calls of one article, in parallel as the graph makes them."""
    article = article or str(uuid4())
    calls: Sequence[RoutedCall[BaseModel]] = await asyncio.gather(
        *(
            router.complete(
                slot,
                system="write",
                inputs={"topic": "compost"},
                tenant_id=tenant_id,
                reference=f"{article}/writer_{'abc'[i]}",
            )
            for i, slot in enumerate(SLOTS)
        )
    )
    return list(calls)


def _keys(calls: Sequence[RoutedCall[BaseModel]]) -> list[str]:
    return [f"{call.provider}:{call.model}" for call in calls]


async def test_the_slots_of_an_article_share_one_draw_that_has_a_rival() -> None:
    tenant, article = uuid4(), str(uuid4())
    standings = MemoryStandings()
    calls = await _article(_router(_fakes(), _policy(), standings), tenant, article)
    assert standings.reads == [(tenant, TaskKind.WRITE_DRAFT)]  # one draw for three slots
    assert len(set(_keys(calls))) >= 2
    assert set(_keys(calls)) <= {c.key for c in POOL}
    # Another process resuming the same article draws the same writers.
    again = await _article(_router(_fakes(), _policy(), MemoryStandings()), tenant, article)
    assert _keys(again) == _keys(calls)


async def test_the_record_steers_the_draw() -> None:
    record = {
        "ollama:qwen2.5:7b": Standing(wins=600, contests=1000),
        "local:default": Standing(wins=150, contests=1000),
        "openai:gpt-4.1-mini": Standing(wins=150, contests=1000),
        "anthropic:claude-sonnet-4-5": Standing(wins=100, contests=1000),
    }
    router = _router(_fakes(), _policy(), MemoryStandings(record))
    drafts = [key for _ in range(60) for key in _keys(await _article(router, uuid4()))]
    # The leader takes two of the three slots nearly always (the third goes to a rival).
    assert drafts.count("ollama:qwen2.5:7b") / len(drafts) >= 0.6


async def test_a_model_the_budget_cannot_afford_is_never_drawn() -> None:
    fakes = _fakes()
    record = {"anthropic:claude-sonnet-4-5": Standing(wins=1000, contests=1000)}
    router = _router(fakes, _policy(), MemoryStandings(record), budget=FixedBudget(Decimal("0.01")))
    drafts = [key for _ in range(100) for key in _keys(await _article(router, uuid4()))]
    assert fakes["anthropic"].calls == []
    assert "anthropic:claude-sonnet-4-5" not in drafts
    assert "openai:gpt-4.1-mini" in drafts  # a paid model the budget affords is drawn


async def test_nothing_affordable_fails_with_the_reasons() -> None:
    paid = [c for c in POOL if c.provider in ("openai", "anthropic")]
    policy = _policy()
    policy = policy.model_copy(update={"tasks": {**policy.tasks, TaskKind.WRITE_DRAFT: paid}})
    router = _router(_fakes(), policy, MemoryStandings(), budget=FixedBudget(Decimal(0)))
    with pytest.raises(RoutingError) as failure:
        await router.complete(
            TaskKind.WRITE_DRAFT_A, system="s", inputs={"topic": "t"}, tenant_id=uuid4()
        )
    reasons = [attempt["reason"] for attempt in failure.value.attempts]
    assert len(reasons) == 2 and all(r.startswith("over budget") for r in reasons)


async def test_unconfigured_and_unhealthy_models_are_not_drawn() -> None:
    fakes = _fakes(anthropic=False)
    router = _router(fakes, _policy(), MemoryStandings())
    for _ in range(router._failure_threshold):
        router._breaker("ollama").record_failure()  # its circuit opens
    drafts = [key for _ in range(60) for key in _keys(await _article(router, uuid4()))]
    assert set(drafts) == {"local:default", "openai:gpt-4.1-mini"}


async def test_ordered_mode_keeps_each_slots_own_list() -> None:
    standings = MemoryStandings()
    fakes = _fakes()
    calls = await _article(_router(fakes, _policy(RoutingMode.ORDERED), standings), uuid4())
    assert standings.reads == []
    assert _keys(calls) == [
        "openai:gpt-4.1-mini",
        "anthropic:claude-sonnet-4-5",
        "gemini:gemini-2.5-flash",
    ]


async def test_each_tenant_chooses_its_mode() -> None:
    judged, ordered = uuid4(), uuid4()
    standings = MemoryStandings()
    router = _router(
        _fakes(),
        _policy(RoutingMode.ORDERED),
        standings,
        overrides=MemoryOverrides({judged: {TaskKind.WRITE_DRAFT: RoutingMode.BEST_JUDGED}}),
    )
    assert await router.mode(TaskKind.WRITE_DRAFT, judged) is RoutingMode.BEST_JUDGED
    assert await router.mode(TaskKind.WRITE_DRAFT, ordered) is RoutingMode.ORDERED
    await _article(router, judged)
    assert standings.reads == [(judged, TaskKind.WRITE_DRAFT)]
    await _article(router, ordered)
    assert standings.reads == [(judged, TaskKind.WRITE_DRAFT)]


async def test_a_call_outside_an_article_still_draws_from_the_pool() -> None:
    router = _router(_fakes(), _policy(), MemoryStandings())
    call = await router.complete(
        TaskKind.WRITE_DRAFT_B, system="s", inputs={"topic": "t"}, tenant_id=uuid4()
    )
    assert f"{call.provider}:{call.model}" in {c.key for c in POOL}


def test_best_judged_applies_only_to_a_contest_pool() -> None:
    document = default_policy().model_dump(mode="json")
    document["modes"] = {"seo.meta": "best_judged"}
    with pytest.raises(ValidationError, match="best_judged applies to a judged contest"):
        parse_policy(document)
