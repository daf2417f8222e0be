"""SmartRouter behaviour with deterministic fake providers: selection, fallback order, retries,
circuit breaking, budgets, context trimming and the structured-output repair."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, Field

from icop.llm.circuit import CircuitBreaker, CircuitState
from icop.llm.errors import RoutingError, StructuredOutputError
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy, default_policy
from icop.llm.providers.base import (
    CompletionRequest,
    ProviderAuthError,
    ProviderBadRequest,
    ProviderRateLimited,
    ProviderServerError,
    ProviderTimeout,
    ProviderTruncated,
    is_looping,
)
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import (
    LOOP_ESCAPE_TEMPERATURE,
    TRUNCATION_GROWTH,
    CallRecord,
    SmartRouter,
)
from icop.llm.structured import answer_token_bound
from icop.llm.tasks import TASKS, TaskKind
from icop.llm.throttle import Throttle


class Headline(BaseModel):
    title: str = Field(max_length=80)
    keywords: list[str] = Field(max_length=5)


def _policy(*candidates: tuple[str, str], attempts: int = 2) -> RoutingPolicy:
    listed = [Candidate(provider=p, model=m) for p, m in candidates]
    return RoutingPolicy(
        defaults=PolicyDefaults(max_attempts=attempts), tasks={task: listed for task in TaskKind}
    )


def _router(
    providers: dict[str, FakeProvider], policy: RoutingPolicy, **kwargs: object
) -> SmartRouter:
    return SmartRouter(
        providers,
        policy,
        Throttle(global_rate_per_minute=60_000, provider_concurrency={}),
        backoff_initial_s=0.001,
        backoff_max_s=0.01,
        **kwargs,
    )  # type: ignore[arg-type]


class MemoryLedger:
    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    async def record(self, call: CallRecord) -> None:
        self.records.append(call)


class FixedBudget:
    def __init__(self, remaining: Decimal | None) -> None:
        self.remaining = remaining

    async def remaining_usd(self, tenant_id: UUID) -> Decimal | None:
        return self.remaining


async def test_first_configured_candidate_answers_and_skips_are_recorded() -> None:
    cloud = FakeProvider("openai", is_configured=False)
    local = FakeProvider("local")
    ledger = MemoryLedger()
    router = _router(
        {"openai": cloud, "local": local},
        _policy(("openai", "gpt-4.1-mini"), ("local", "qwen")),
        ledger=ledger,
    )
    call = await router.complete(
        "chat", system="be brief", inputs={"prompt": "hi"}, tenant_id=uuid4()
    )
    assert call.provider == "local" and call.text
    assert [(a.provider, a.outcome, a.reason) for a in call.attempts] == [
        ("openai", "skipped", "not configured"),
        ("local", "answered", None),
    ]
    assert cloud.calls == [] and len(local.calls) == 1
    assert ledger.records[0].status == "ok" and ledger.records[0].provider == "local"


async def test_falls_back_in_order_after_retries() -> None:
    first = FakeProvider(
        "openai",
        script=[
            FakeReply(error=ProviderServerError("openai", "502")),
            FakeReply(error=ProviderTimeout("openai", "timed out")),
        ],
    )
    second = FakeProvider(
        "anthropic", script=[FakeReply(error=ProviderAuthError("anthropic", "401"))]
    )
    third = FakeProvider("local")
    router = _router(
        {"openai": first, "anthropic": second, "local": third},
        _policy(("openai", "a"), ("anthropic", "b"), ("local", "c")),
    )
    call = await router.complete("chat", system="s", inputs={"prompt": "hello"})
    assert call.provider == "local"
    assert len(first.calls) == 2  # retried once (max_attempts=2)
    assert len(second.calls) == 1  # auth errors are not retried
    outcomes = [(a.provider, a.outcome) for a in call.attempts]
    assert outcomes == [
        ("openai", "failed"),
        ("openai", "failed"),
        ("anthropic", "failed"),
        ("local", "answered"),
    ]


async def test_rate_limit_waits_for_retry_after() -> None:
    slept: list[float] = []
    provider = FakeProvider(
        "openai",
        script=[
            FakeReply(error=ProviderRateLimited("openai", "429", retry_after_s=0.005)),
            FakeReply(),
        ],
    )
    router = _router({"openai": provider}, _policy(("openai", "m")))
    original = router._wait

    def spy(state: object) -> float:
        value = original(state)  # type: ignore[arg-type]
        slept.append(value)
        return value

    router._wait = spy  # type: ignore[method-assign]
    await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert slept == [0.005]


async def test_all_candidates_failing_raises_with_every_attempt() -> None:
    bad = FakeProvider(
        "openai", script=lambda r: FakeReply(error=ProviderBadRequest("openai", "400"))
    )
    ledger = MemoryLedger()
    router = _router({"openai": bad}, _policy(("openai", "m")), ledger=ledger)
    with pytest.raises(RoutingError) as raised:
        await router.complete("chat", system="s", inputs={"prompt": "x"}, tenant_id=uuid4())
    assert raised.value.attempts[0]["outcome"] == "failed"
    assert ledger.records[-1].status == "failed"


async def test_circuit_opens_then_half_opens_then_closes() -> None:
    clock = [0.0]
    failing = FakeProvider(
        "openai", script=lambda r: FakeReply(error=ProviderServerError("openai", "503"))
    )
    backup = FakeProvider("local")
    router = _router(
        {"openai": failing, "local": backup},
        _policy(("openai", "m"), ("local", "l"), attempts=1),
        failure_threshold=2,
        reset_timeout_s=10,
    )
    router.breakers["openai"] = CircuitBreaker(2, 10, clock=lambda: clock[0])
    for _ in range(2):
        await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert router.breakers["openai"].state is CircuitState.OPEN
    call = await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert call.attempts[0].reason == "circuit open" and len(failing.calls) == 2
    clock[0] = 11
    assert router.breakers["openai"].state is CircuitState.HALF_OPEN
    failing.script = [FakeReply()]  # the provider recovered: the probe succeeds
    call = await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert call.provider == "openai"
    assert router.breakers["openai"].state is CircuitState.CLOSED


async def test_failed_probe_reopens_the_circuit() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(1, 5, clock=lambda: clock[0])
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN and not breaker.allow()
    clock[0] = 6
    assert breaker.allow() and not breaker.allow()  # one probe at a time
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    clock[0] = 12
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED


async def test_budget_skips_paid_models_but_not_free_ones() -> None:
    paid = FakeProvider("openai")
    free = FakeProvider("local")
    router = _router(
        {"openai": paid, "local": free},
        _policy(("openai", "gpt-4.1"), ("local", "q")),
        budget=FixedBudget(Decimal("0.000001")),
    )
    call = await router.complete(
        "chat", system="s", inputs={"prompt": "x" * 400}, tenant_id=uuid4()
    )
    assert call.provider == "local"
    assert call.attempts[0].reason is not None and call.attempts[0].reason.startswith("over budget")
    rich = _router(
        {"openai": paid, "local": free},
        _policy(("openai", "gpt-4.1"), ("local", "q")),
        budget=FixedBudget(Decimal(10)),
    )
    assert (
        await rich.complete("chat", system="s", inputs={"prompt": "x"}, tenant_id=uuid4())
    ).provider == "openai"


async def test_context_is_minimised_and_trimmed() -> None:
    small = FakeProvider("local", max_context_tokens=900)
    router = _router({"local": small}, _policy(("local", "q")))
    inputs = {"title": "Composting", "article": "word " * 4000, "secret_internal_state": "x" * 5000}
    call = await router.complete("seo.meta", system="SEO", inputs=inputs, output=Headline)
    sent = small.calls[0].messages[1].content
    assert "secret_internal_state" not in sent and "Composting" in sent
    assert "[…]" in sent
    assert call.tokens_before > call.tokens_after
    assert call.tokens_after + TASKS[TaskKind.SEO_META].max_output_tokens <= 900


async def test_too_long_for_a_candidate_falls_back_to_a_bigger_one() -> None:
    tiny = FakeProvider("local", max_context_tokens=200)
    large = FakeProvider("gemini", max_context_tokens=1_000_000)
    router = _router({"local": tiny, "gemini": large}, _policy(("local", "q"), ("gemini", "flash")))
    call = await router.complete("chat", system="s", inputs={"prompt": "long " * 600})
    assert call.provider == "gemini"
    assert call.attempts[0].reason is not None and "context too long" in call.attempts[0].reason


async def test_structured_output_is_validated_and_repaired_once() -> None:
    provider = FakeProvider(
        "local",
        script=[
            FakeReply(text='{"title": "Compost", "keywords": "not a list"}'),
            FakeReply(data={"title": "Compost at home", "keywords": ["compost"]}),
        ],
    )
    router = _router({"local": provider}, _policy(("local", "q")))
    call = await router.complete(
        "seo.meta", system="s", inputs={"title": "Compost"}, output=Headline
    )
    assert call.value == Headline(title="Compost at home", keywords=["compost"])
    assert call.repaired
    repair_prompt = provider.calls[1].messages[-1].content
    assert "keywords" in repair_prompt and "schema" in repair_prompt
    assert provider.calls[1].json_schema is not None


async def test_a_structured_answer_cut_off_is_retried_with_more_room() -> None:
    cut = FakeReply(error=ProviderTruncated("local", "cut off at max_tokens"))
    answer = FakeReply(data={"title": "Compost at home", "keywords": ["compost"]})
    provider = FakeProvider("local", script=[cut, cut, answer], max_context_tokens=2500)
    router = _router({"local": provider}, _policy(("local", "q"), attempts=3))
    call = await router.complete(
        "seo.meta", system="s", inputs={"title": "Compost"}, output=Headline, max_tokens=1000
    )
    assert call.value == Headline(title="Compost at home", keywords=["compost"])
    first, second, third = (request.max_tokens for request in provider.calls)
    assert first == 1000 and second == 1000 * TRUNCATION_GROWTH
    # Never more than the context window leaves after the prompt (1.6 x 1,600 would be 2,560).
    assert second < third < 2500
    # A model that writes long is not an unhealthy provider.
    assert router.breakers["local"].state is CircuitState.CLOSED


async def test_an_answer_cut_off_in_a_loop_is_retried_warmer_not_longer() -> None:
    # From the evaluation: a 0.5B editor at temperature 0 looped until max_tokens; each retry
    # with more room looped longer (minutes each on 2 cores). Greedy decoding repeats itself.
    loop = "Compost needs air and water every week. " * 20
    cut = FakeReply(error=ProviderTruncated("local", "cut off at max_tokens", tail=loop))
    answer = FakeReply(data={"title": "Compost at home", "keywords": ["compost"]})
    provider = FakeProvider("local", script=[cut, answer], max_context_tokens=8192)
    greedy = [Candidate(provider="local", model="q", temperature=0.0)]
    policy = RoutingPolicy(
        defaults=PolicyDefaults(max_attempts=2), tasks={task: greedy for task in TaskKind}
    )
    router = _router({"local": provider}, policy)
    call = await router.complete(
        "seo.meta", system="s", inputs={"title": "Compost"}, output=Headline, max_tokens=1000
    )
    assert call.value == Headline(title="Compost at home", keywords=["compost"])
    first, second = provider.calls
    assert (first.max_tokens, first.temperature) == (1000, 0.0)
    assert second.max_tokens == 1000 and second.temperature == LOOP_ESCAPE_TEMPERATURE
    assert second.seed != first.seed


def test_a_loop_is_told_from_long_prose() -> None:
    prose = (
        "A compost heap needs green material such as peelings and brown material such as dry "
        "leaves. Keep it as damp as a wrung-out sponge and turn it every week or two so that "
        "air reaches the middle. In warm weather it is ready in two to three months; in winter "
        "it slows down. Avoid meat, dairy and oily food, which attract pests and smell bad."
    )
    assert not is_looping(prose)
    assert is_looping("The garden grows. " * 40)
    assert not is_looping("The garden grows. " * 5)  # too short to tell


class Outline(BaseModel):
    title: str = Field(max_length=200)
    points: list[Annotated[str, Field(max_length=300)]] = Field(max_length=8)


async def test_a_structured_call_without_a_cap_gets_room_for_the_longest_valid_answer() -> None:
    provider = FakeProvider("local", max_context_tokens=8192)
    router = _router({"local": provider}, _policy(("local", "q")))
    await router.complete("seo.meta", system="s", inputs={"title": "t"}, output=Outline)
    await router.complete(
        "seo.meta", system="s", inputs={"title": "t"}, output=Outline, max_tokens=7
    )
    uncapped, capped = (request.max_tokens for request in provider.calls)
    bound = answer_token_bound(Outline.model_json_schema())
    assert bound is not None and bound > TASKS[TaskKind.SEO_META].max_output_tokens
    assert uncapped == bound
    assert capped == 7  # a caller's cap (an article's length) is kept
    # Never more than half the window: the prompt needs room too.
    small = FakeProvider("local", max_context_tokens=1000)
    await _router({"local": small}, _policy(("local", "q"))).complete(
        "seo.meta", system="s", inputs={"title": "t"}, output=Outline
    )
    assert small.calls[0].max_tokens == max(500, TASKS[TaskKind.SEO_META].max_output_tokens)


async def test_structured_output_failing_twice_is_a_typed_error() -> None:
    provider = FakeProvider("local", script=lambda r: FakeReply(text="not json at all"))
    router = _router({"local": provider}, _policy(("local", "q")))
    with pytest.raises(StructuredOutputError) as raised:
        await router.complete("seo.meta", system="s", inputs={"title": "x"}, output=Headline)
    assert [a["outcome"] for a in raised.value.attempts] == ["invalid", "invalid"]
    assert len(provider.calls) == 2


async def test_structured_calls_skip_providers_without_json_schema() -> None:
    plain = FakeProvider("ollama", json_schema=False)
    capable = FakeProvider("local")
    router = _router({"ollama": plain, "local": capable}, _policy(("ollama", "o"), ("local", "l")))
    call = await router.complete("seo.meta", system="s", inputs={"title": "x"}, output=Headline)
    assert call.provider == "local" and isinstance(call.value, Headline)
    assert call.attempts[0].reason == "no JSON-schema support"


async def test_fake_provider_answers_any_bounded_schema_validly() -> None:
    provider = FakeProvider("local")
    router = _router({"local": provider}, _policy(("local", "q")))
    first = await router.complete("seo.meta", system="s", inputs={"title": "a"}, output=Headline)
    again = await router.complete("seo.meta", system="s", inputs={"title": "a"}, output=Headline)
    other = await router.complete("seo.meta", system="s", inputs={"title": "b"}, output=Headline)
    assert first.value == again.value  # deterministic
    assert isinstance(other.value, Headline)


def test_shipped_policy_can_answer_every_task_offline() -> None:
    policy = default_policy()
    for task in TaskKind:
        assert "local" in [c.provider for c in policy.tasks[task]], task


def test_request_carries_candidate_parameters() -> None:
    candidate = Candidate(provider="local", model="q", temperature=0.9, max_tokens=42)
    assert candidate.key == "local:q"
    request = CompletionRequest(model="q", messages=[])
    assert request.max_tokens == 512
