"""The SmartRouter: every model call in ICOP goes through ``SmartRouter.complete``.

For a task kind it walks the policy's candidates in order, skipping those that cannot serve
(provider not configured, circuit open, no JSON-schema support for a structured call, context
too long, tenant over budget for a paid model), retries retryable failures with exponential
backoff (tenacity), falls back down the list, enforces structured output with one repair
attempt, and records what happened, and what it cost, in the ledger.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from icop.llm import structured
from icop.llm.circuit import CircuitBreaker, CircuitState
from icop.llm.contests.routing import BestJudged, StandingsSource
from icop.llm.context import PreparedPrompt, prepare
from icop.llm.errors import RoutingError, StructuredOutputError
from icop.llm.policy import Candidate, RoutingPolicy
from icop.llm.pricing import cost_usd, price_of
from icop.llm.providers.base import (
    CompletionRequest,
    CompletionResult,
    LLMProvider,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderServerError,
    ProviderTimeout,
    ProviderTruncated,
    ProviderUnavailable,
)
from icop.llm.tasks import TaskKind, TaskSpec, seat_of, spec_for
from icop.llm.throttle import Throttle
from icop.models.llm import RoutingMode
from icop.observability.metrics import record_circuit_change, record_model_call
from icop.observability.tracing import model_span, set_model_prompt, set_model_result

logger = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
# Failures that say a provider is unhealthy (they open its circuit); a refused request or a
# rate limit says nothing about its health.
TRUNCATION_GROWTH = 1.6
"""How much more room a structured answer cut off at ``max_tokens`` gets on its next try."""
LOOP_ESCAPE_TEMPERATURE = 0.8
"""The retry of an answer cut off in a loop samples at this temperature at least: greedy
decoding (the judges run at 0.0) repeats the same loop token for token."""
_HEALTH_FAILURES = (ProviderTimeout, ProviderServerError, ProviderUnavailable, ProviderBadResponse)


@dataclass(frozen=True, slots=True)
class Attempt:
    provider: str
    model: str
    outcome: str  # answered | skipped | failed | invalid
    reason: str | None = None
    latency_ms: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "outcome": self.outcome,
            "reason": self.reason,
            "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True, slots=True)
class RoutedCall(Generic[T]):
    task: TaskKind
    text: str
    value: T | None
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal
    latency_s: float
    attempts: list[Attempt]
    tokens_before: int
    tokens_after: int
    repaired: bool


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One routed call as the ledger stores it (success or failure)."""

    tenant_id: UUID
    task: TaskKind
    status: str
    provider: str | None
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal
    latency_ms: float
    attempts: list[dict[str, Any]]
    tokens_before: int
    tokens_after: int
    repaired: bool
    reference: str | None
    error: str | None = None
    context: dict[str, Any] | None = None
    """The context debugger's record: each layer's size before and after minimisation, the
    fields dropped, trimmed and never named by the prompt (``PreparedPrompt.report``)."""


class LedgerSink(Protocol):
    async def record(self, call: CallRecord) -> None: ...


class BudgetGuard(Protocol):
    async def remaining_usd(self, tenant_id: UUID) -> Decimal | None:
        """What the tenant may still spend this month (None: unlimited)."""
        ...


class OverrideSource(Protocol):
    async def overrides(self, tenant_id: UUID) -> dict[TaskKind, list[Candidate]]: ...

    async def modes(self, tenant_id: UUID) -> dict[TaskKind, RoutingMode]: ...


class TenantProviderSource(Protocol):
    async def providers_for(self, tenant_id: UUID) -> dict[str, LLMProvider]:
        """Providers built with the tenant's own keys (from its vault), by provider name."""
        ...


@dataclass
class _Spend:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)
    attempts: list[Attempt] = field(default_factory=list)


class SmartRouter:
    def __init__(
        self,
        providers: Mapping[str, LLMProvider],
        policy: RoutingPolicy,
        throttle: Throttle,
        *,
        ledger: LedgerSink | None = None,
        budget: BudgetGuard | None = None,
        overrides: OverrideSource | None = None,
        tenant_providers: TenantProviderSource | None = None,
        prices: dict[str, tuple[Decimal, Decimal]] | None = None,
        standings: StandingsSource | None = None,
        failure_threshold: int = 3,
        reset_timeout_s: float = 30.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 20.0,
    ) -> None:
        self.providers = dict(providers)
        self.policy = policy
        self.throttle = throttle
        self.ledger = ledger
        self.budget = budget
        self.overrides = overrides
        self.tenant_providers = tenant_providers
        self.prices = prices
        self.judged = BestJudged(standings, policy.best_judged)
        self._failure_threshold = failure_threshold
        self._reset_timeout_s = reset_timeout_s
        self.breakers = {name: self._new_breaker(name) for name in self.providers}
        self._backoff = wait_exponential_jitter(initial=backoff_initial_s, max=backoff_max_s)
        self._backoff_max_s = backoff_max_s

    def _new_breaker(self, key: str) -> CircuitBreaker:
        # A tenant's own key ("openai@<tenant>") counts under its provider, scope "tenant":
        # the metric's labels stay bounded however many tenants bring keys.
        provider, _, tenant = key.partition("@")
        return CircuitBreaker(
            self._failure_threshold,
            self._reset_timeout_s,
            on_change=functools.partial(record_circuit_change, provider, shared=not tenant),
        )

    def _breaker(self, key: str) -> CircuitBreaker:
        if key not in self.breakers:
            self.breakers[key] = self._new_breaker(key)
        return self.breakers[key]

    async def resolve(self, tenant_id: UUID | None) -> dict[str, tuple[LLMProvider, str]]:
        """Provider and circuit-breaker key per provider name for this tenant. A tenant's own
        key gets its own circuit: a revoked tenant key must not open everyone's."""
        resolved = {name: (provider, name) for name, provider in self.providers.items()}
        if self.tenant_providers and tenant_id:
            for name, provider in (await self.tenant_providers.providers_for(tenant_id)).items():
                resolved[name] = (provider, f"{name}@{tenant_id}")
        return resolved

    async def candidates(self, task: TaskKind, tenant_id: UUID | None) -> list[Candidate]:
        tenant_overrides = (
            await self.overrides.overrides(tenant_id) if self.overrides and tenant_id else None
        )
        return self.policy.candidates(task, tenant_overrides)

    async def mode(self, task: TaskKind, tenant_id: UUID | None) -> RoutingMode:
        tenant_modes = (
            await self.overrides.modes(tenant_id) if self.overrides and tenant_id else None
        )
        return self.policy.mode(task, tenant_modes)

    async def complete(
        self,
        task: TaskKind | str,
        *,
        system: str,
        inputs: dict[str, Any],
        output: type[T] | None = None,
        tenant_id: UUID | None = None,
        instructions: str | None = None,
        max_tokens: int | None = None,
        seed: int | None = None,
        reference: str | None = None,
    ) -> RoutedCall[T]:
        kind = TaskKind(task)
        # One span per routed call (the provider attempts are its children); what it says is
        # the task, who answered and the spend, never the prompt (unless ICOP_TRACE_PROMPTS).
        with model_span("llm.route", task=kind.value) as span:
            set_model_prompt(span, system=system, inputs=inputs)
            call = await self._complete(
                kind,
                system=system,
                inputs=inputs,
                output=output,
                tenant_id=tenant_id,
                instructions=instructions,
                max_tokens=max_tokens,
                seed=seed,
                reference=reference,
            )
            set_model_result(
                span,
                provider=call.provider,
                model=call.model,
                prompt_tokens=call.prompt_tokens,
                completion_tokens=call.completion_tokens,
                cost_usd=call.cost_usd,
            )
            return call

    async def _complete(
        self,
        kind: TaskKind,
        *,
        system: str,
        inputs: dict[str, Any],
        output: type[T] | None,
        tenant_id: UUID | None,
        instructions: str | None,
        max_tokens: int | None,
        seed: int | None,
        reference: str | None,
    ) -> RoutedCall[T]:
        spec = spec_for(kind)
        schema = structured.schema_for(output) if output is not None else None
        # Without a caller's cap, a structured answer gets room for the longest valid answer:
        # a small model that writes long would otherwise be cut off and asked again.
        bound = (
            structured.answer_token_bound(dict(schema.schema))
            if schema is not None and max_tokens is None
            else None
        )
        started = time.perf_counter()
        spend = _Spend()
        candidates = await self.candidates(kind, tenant_id)
        remaining = (
            await self.budget.remaining_usd(tenant_id) if self.budget and tenant_id else None
        )
        prompt: PreparedPrompt | None = None
        last_error: Exception | None = None
        resolved = await self.resolve(tenant_id)
        seat = seat_of(kind)
        if seat is not None and await self.mode(seat.pool, tenant_id) is RoutingMode.BEST_JUDGED:
            # A contest's slot: the tenant's judged record picks its model from the pool.
            pool = await self.candidates(seat.pool, tenant_id)
            eligible = [c for c in pool if self._drawable(c, resolved, remaining, spec, max_tokens)]
            candidates = await self.judged.arrange(seat, tenant_id, reference, eligible) or pool
        for candidate in candidates:
            provider, breaker_key = resolved.get(candidate.provider, (None, candidate.provider))
            breaker = self._breaker(breaker_key)
            skip = self._skip_reason(candidate, provider, breaker, schema is not None)
            output_tokens = max_tokens or candidate.max_tokens or spec.max_output_tokens
            if bound is not None and provider is not None:
                capabilities = provider.capabilities(candidate.model)
                room = min(capabilities.max_output_tokens, capabilities.max_context_tokens // 2)
                output_tokens = max(output_tokens, min(bound, room))
            if skip is None and provider is not None and prompt is None:
                # Trimmed once, to fit the first usable candidate; a later candidate with a
                # smaller window is skipped rather than re-trimmed.
                window = provider.capabilities(candidate.model).max_context_tokens
                prompt = await prepare(
                    spec,
                    system=system,
                    inputs=inputs,
                    instructions=instructions,
                    count_tokens=functools.partial(provider.count_tokens, candidate.model),
                    budget_tokens=min(spec.context_budget_tokens, window - output_tokens),
                )
            if skip is None and provider is not None and prompt is not None:
                skip = self._fit_reason(candidate, provider, prompt, output_tokens, remaining)
            if skip is None and not breaker.allow():
                skip = "circuit half-open, probe in flight"
            if skip is not None or provider is None or prompt is None:
                spend.attempts.append(
                    Attempt(candidate.provider, candidate.model, "skipped", skip or "not available")
                )
                continue
            request = CompletionRequest(
                model=candidate.model,
                messages=prompt.messages,
                max_tokens=output_tokens,
                temperature=(
                    candidate.temperature
                    if candidate.temperature is not None
                    else self.policy.defaults.temperature
                ),
                seed=seed,
                json_schema=schema,
                timeout_s=candidate.timeout_s or self.policy.defaults.timeout_s,
            )
            capabilities = provider.capabilities(candidate.model)
            ceiling = min(
                capabilities.max_output_tokens,
                capabilities.max_context_tokens - prompt.tokens_after,
            )
            try:
                result, value, repaired = await self._try_candidate(
                    candidate, provider, breaker, request, output, spend, ceiling
                )
            except (ProviderError, StructuredOutputError) as error:
                last_error = error
                continue
            call: RoutedCall[T] = RoutedCall(
                task=kind,
                text=result.text,
                value=value,
                provider=candidate.provider,
                model=result.model or candidate.model,
                prompt_tokens=spend.prompt_tokens,
                completion_tokens=spend.completion_tokens,
                cost_usd=spend.cost,
                latency_s=time.perf_counter() - started,
                attempts=spend.attempts,
                tokens_before=prompt.tokens_before,
                tokens_after=prompt.tokens_after,
                repaired=repaired,
            )
            await self._record(
                tenant_id,
                kind,
                "ok",
                call.provider,
                call.model,
                spend,
                started,
                prompt,
                repaired,
                reference,
            )
            return call
        attempts = [attempt.as_dict() for attempt in spend.attempts]
        await self._record(
            tenant_id,
            kind,
            "failed",
            None,
            None,
            spend,
            started,
            prompt,
            False,
            reference,
            error=str(last_error) if last_error else "no candidate",
        )
        if isinstance(last_error, StructuredOutputError):
            raise StructuredOutputError(str(last_error), attempts)
        raise RoutingError(
            f"no model could answer the {kind.value} task"
            + (f": {last_error}" if last_error else ""),
            attempts,
        )

    def _skip_reason(
        self,
        candidate: Candidate,
        provider: LLMProvider | None,
        breaker: CircuitBreaker,
        needs_schema: bool,
    ) -> str | None:
        if provider is None:
            return f"unknown provider {candidate.provider!r}"
        if not provider.configured():
            return "not configured"
        if needs_schema and not provider.capabilities(candidate.model).json_schema:
            return "no JSON-schema support"
        if breaker.state is CircuitState.OPEN:
            return "circuit open"
        return None

    def _drawable(
        self,
        candidate: Candidate,
        resolved: dict[str, tuple[LLMProvider, str]],
        remaining: Decimal | None,
        spec: TaskSpec,
        max_tokens: int | None,
    ) -> bool:
        """Whether ``best_judged`` may draw a pool's candidate: it can serve now, and its
        costliest call (the whole context budget in, the whole answer out) fits the tenant's
        remaining budget, so a drawn model is never one the budget cannot afford."""
        provider, breaker_key = resolved.get(candidate.provider, (None, candidate.provider))
        if self._skip_reason(candidate, provider, self._breaker(breaker_key), False) is not None:
            return False
        if remaining is None:
            return True
        output = max_tokens or candidate.max_tokens or spec.max_output_tokens
        costliest = cost_usd(
            candidate.provider, candidate.model, spec.context_budget_tokens, output, self.prices
        )
        return costliest == 0 or costliest <= remaining

    def _fit_reason(
        self,
        candidate: Candidate,
        provider: LLMProvider,
        prompt: PreparedPrompt,
        output_tokens: int,
        remaining: Decimal | None,
    ) -> str | None:
        capabilities = provider.capabilities(candidate.model)
        needed = prompt.tokens_after + output_tokens
        if needed > capabilities.max_context_tokens:
            return f"context too long ({needed} > {capabilities.max_context_tokens} tokens)"
        if remaining is not None:
            estimate = cost_usd(
                candidate.provider, candidate.model, prompt.tokens_after, output_tokens, self.prices
            )
            if estimate > 0 and estimate > remaining:
                return f"over budget (needs ~${estimate:.4f}, ${remaining:.4f} left this month)"
        return None

    async def _try_candidate(
        self,
        candidate: Candidate,
        provider: LLMProvider,
        breaker: CircuitBreaker,
        request: CompletionRequest,
        output: type[T] | None,
        spend: _Spend,
        ceiling: int,
    ) -> tuple[CompletionResult, T | None, bool]:
        result = await self._call_with_retries(
            candidate, provider, breaker, request, spend, ceiling
        )
        if output is None or request.json_schema is None:
            spend.attempts.append(
                Attempt(
                    candidate.provider,
                    candidate.model,
                    "answered",
                    latency_ms=round(result.latency_s * 1000, 1),
                )
            )
            return result, None, False
        try:
            value = structured.parse(output, result.text, result.parsed)
            spend.attempts.append(
                Attempt(
                    candidate.provider,
                    candidate.model,
                    "answered",
                    latency_ms=round(result.latency_s * 1000, 1),
                )
            )
            return result, value, False  # type: ignore[return-value]
        except (ValidationError, ValueError) as error:
            first_error: Exception = error
        spend.attempts.append(
            Attempt(
                candidate.provider,
                candidate.model,
                "invalid",
                structured.describe_error(first_error)[:300],
            )
        )
        repair = CompletionRequest(
            model=request.model,
            messages=structured.repair_messages(
                request.messages, result.text, first_error, request.json_schema
            ),
            max_tokens=request.max_tokens,
            temperature=0.0,
            seed=request.seed,
            json_schema=request.json_schema,
            timeout_s=request.timeout_s,
        )
        repaired = await self._call_with_retries(
            candidate, provider, breaker, repair, spend, ceiling
        )
        try:
            value = structured.parse(output, repaired.text, repaired.parsed)
        except (ValidationError, ValueError) as error:
            spend.attempts.append(
                Attempt(
                    candidate.provider,
                    candidate.model,
                    "invalid",
                    "after repair: " + structured.describe_error(error)[:280],
                )
            )
            raise StructuredOutputError(
                f"{candidate.key} answered twice without matching {request.json_schema.name}",
                [],
            ) from error
        spend.attempts.append(
            Attempt(
                candidate.provider,
                candidate.model,
                "answered",
                "after one repair",
                round(repaired.latency_s * 1000, 1),
            )
        )
        return repaired, value, True  # type: ignore[return-value]

    async def _call_with_retries(
        self,
        candidate: Candidate,
        provider: LLMProvider,
        breaker: CircuitBreaker,
        request: CompletionRequest,
        spend: _Spend,
        ceiling: int,
    ) -> CompletionResult:
        """``ceiling``: the most output tokens the candidate has room for; a structured answer
        cut off at ``max_tokens`` is retried with more room, up to it (the same limit would
        most likely cut the same answer again)."""
        attempts = candidate.max_attempts or self.policy.defaults.max_attempts
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=self._wait,
            # Retry what may pass on a second try, unless the failure just opened the circuit.
            retry=retry_if_exception(
                lambda error: (
                    isinstance(error, ProviderError)
                    and error.retryable
                    and breaker.state is CircuitState.CLOSED
                )
            ),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                try:
                    async with self.throttle.slot(candidate.provider):
                        with model_span(
                            "llm.call",
                            provider=candidate.provider,
                            model=candidate.model,
                        ) as span:
                            result = await provider.complete(request)
                            set_model_result(
                                span,
                                provider=candidate.provider,
                                model=result.model or candidate.model,
                                prompt_tokens=result.prompt_tokens,
                                completion_tokens=result.completion_tokens,
                            )
                except ProviderError as error:
                    if isinstance(error, ProviderTruncated):
                        breaker.release()  # a long answer, not an unhealthy provider
                        request = _after_truncation(request, error, ceiling)
                    elif isinstance(error, _HEALTH_FAILURES):
                        breaker.record_failure()
                    else:
                        breaker.release()
                    spend.attempts.append(
                        Attempt(
                            candidate.provider,
                            candidate.model,
                            "failed",
                            f"{type(error).__name__}: {error.message}"[:300],
                        )
                    )
                    raise
                breaker.record_success()
                spend.prompt_tokens += result.prompt_tokens
                spend.completion_tokens += result.completion_tokens
                spend.cost += cost_usd(
                    candidate.provider,
                    candidate.model,
                    result.prompt_tokens,
                    result.completion_tokens,
                    self.prices,
                )
                return result
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ProviderRateLimited) and error.retry_after_s is not None:
            # The provider said when: waiting less only earns another 429.
            return min(error.retry_after_s, self._backoff_max_s)
        return float(self._backoff(state))

    async def _record(
        self,
        tenant_id: UUID | None,
        task: TaskKind,
        status: str,
        provider: str | None,
        model: str | None,
        spend: _Spend,
        started: float,
        prompt: PreparedPrompt | None,
        repaired: bool,
        reference: str | None,
        error: str | None = None,
    ) -> None:
        logger.info(
            "llm %s %s via %s:%s tokens=%d/%d cost=%s",
            task.value,
            status,
            provider,
            model,
            spend.prompt_tokens,
            spend.completion_tokens,
            spend.cost,
        )
        record_model_call(
            task=task.value,
            status=status,
            provider=provider,
            model=model,
            prompt_tokens=spend.prompt_tokens,
            completion_tokens=spend.completion_tokens,
            cost_usd=spend.cost,
        )
        if self.ledger is None or tenant_id is None:
            return
        await self.ledger.record(
            CallRecord(
                tenant_id=tenant_id,
                task=task,
                status=status,
                provider=provider,
                model=model,
                prompt_tokens=spend.prompt_tokens,
                completion_tokens=spend.completion_tokens,
                cost_usd=spend.cost,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                attempts=[attempt.as_dict() for attempt in spend.attempts],
                tokens_before=prompt.tokens_before if prompt else 0,
                tokens_after=prompt.tokens_after if prompt else 0,
                repaired=repaired,
                reference=reference,
                error=error,
                context=prompt.report() if prompt else None,
            )
        )

    def price(self, candidate: Candidate) -> tuple[Decimal, Decimal]:
        return price_of(candidate.provider, candidate.model, self.prices)

    async def aclose(self) -> None:
        for provider in self.providers.values():
            await provider.aclose()
        closer = getattr(self.tenant_providers, "aclose", None)
        if closer is not None:
            await closer()


def _after_truncation(
    request: CompletionRequest, error: ProviderTruncated, ceiling: int
) -> CompletionRequest:
    """The request to try next after a structured answer was cut off: more room for a long
    answer; for one that was going round in a loop the same room, sampled warmer and with
    another seed, so it can leave the loop (on a 2-core machine each looping try costs
    minutes)."""
    if error.looping:
        return dataclasses.replace(
            request,
            temperature=max(request.temperature, LOOP_ESCAPE_TEMPERATURE),
            seed=(request.seed or 0) + 1,
        )
    grown = min(ceiling, math.ceil(request.max_tokens * TRUNCATION_GROWTH))
    if grown > request.max_tokens:
        return dataclasses.replace(request, max_tokens=grown)
    return request
