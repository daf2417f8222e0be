"""The LLM domain's API-facing operations: chat, the ledger, routing overrides, estimates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.errors import NotFound, ValidationFailed
from icop.llm import estimator
from icop.llm.contests.repository import ContestRepository
from icop.llm.ledger.repository import LedgerRepository
from icop.llm.ledger.sinks import DatabaseOverrides
from icop.llm.policy import Candidate, check_mode
from icop.llm.schemas import (
    ArticleEstimateOut,
    ArticleEstimateRequest,
    AttemptOut,
    CallContextOut,
    CandidateEstimate,
    CandidateOut,
    ChatRequest,
    ChatResponse,
    ContextLayerOut,
    LeaderboardRow,
    LlmUsageOut,
    RouteOverride,
    StepEstimate,
    TaskEstimateOut,
    TaskEstimateRequest,
    TaskRouteOut,
    UsageRow,
)
from icop.llm.smart_router import RoutedCall, SmartRouter
from icop.llm.tasks import CONTESTS, TaskKind, spec_for
from icop.models import LlmCall
from icop.quotas import service as quotas
from icop.quotas.plans import Metric

CHAT_SYSTEM = "You are ICOP's writing assistant. Answer briefly and accurately."


async def chat(router: SmartRouter, principal: Principal, request: ChatRequest) -> ChatResponse:
    call: RoutedCall[BaseModel] = await router.complete(
        TaskKind.CHAT,
        system=CHAT_SYSTEM,
        inputs={"prompt": request.prompt},
        tenant_id=principal.tenant_id,
        max_tokens=request.max_tokens,
        reference="api:chat",
    )
    return ChatResponse(
        text=call.text,
        provider=call.provider,
        model=call.model,
        prompt_tokens=call.prompt_tokens,
        completion_tokens=call.completion_tokens,
        cost_usd=call.cost_usd,
        latency_ms=round(call.latency_s * 1000, 1),
        attempts=[AttemptOut(**attempt.as_dict()) for attempt in call.attempts],
    )


async def calls(
    session: AsyncSession, *, limit: int, offset: int, task: TaskKind | None
) -> Sequence[LlmCall]:
    return await LedgerRepository(session).recent(
        limit=limit, offset=offset, task=task.value if task else None
    )


async def call_context(session: AsyncSession, call_id: UUID) -> CallContextOut:
    """What one model call was given: each context layer's size before and after
    minimisation, the fields dropped or trimmed, and those the prompt never names."""
    call = await LedgerRepository(session).get(call_id)
    if call is None:
        raise NotFound(f"no model call {call_id} in this tenant")
    context = call.context or {}
    unreferenced = list(context.get("unreferenced", []))
    return CallContextOut(
        id=call.id,
        task=call.task,
        status=call.status,
        provider=call.provider,
        model=call.model,
        created_at=call.created_at,
        tokens_before=call.context_tokens_before,
        tokens_after=call.context_tokens_after,
        budget_tokens=context.get("budget_tokens"),
        recorded=call.context is not None,
        layers=[
            ContextLayerOut(**layer, unreferenced=layer["name"] in unreferenced)
            for layer in context.get("layers", [])
        ],
        dropped=list(context.get("dropped", [])),
        trimmed=list(context.get("trimmed", [])),
        unreferenced=unreferenced,
    )


async def usage(session: AsyncSession, principal: Principal, days: int) -> LlmUsageOut:
    since = datetime.now(UTC) - timedelta(days=days)
    rows = [
        UsageRow.model_validate(row, from_attributes=True)
        for row in await LedgerRepository(session).totals(since)
    ]
    month = (await quotas.usage(session, principal.tenant_id)).metrics
    spent = next(m.used for m in month if m.metric is Metric.LLM_USD)
    budget = next(m.limit for m in month if m.metric is Metric.LLM_USD)
    forecast = estimator.month_forecast(spent)
    return LlmUsageOut(
        since=since,
        rows=rows,
        month_spent_usd=spent,
        month_budget_usd=budget,
        month_forecast_usd=forecast,
        over_budget_risk=budget is not None and forecast > budget,
    )


def _candidate_out(router: SmartRouter, candidate: Candidate) -> CandidateOut:
    provider = router.providers.get(candidate.provider)
    input_price, output_price = router.price(candidate)
    return CandidateOut(
        provider=candidate.provider,
        model=candidate.model,
        configured=provider is not None and provider.configured(),
        input_usd_per_million=input_price,
        output_usd_per_million=output_price,
        temperature=candidate.temperature,
        max_tokens=candidate.max_tokens,
        timeout_s=candidate.timeout_s,
        max_attempts=candidate.max_attempts,
    )


async def routes(router: SmartRouter, principal: Principal) -> list[TaskRouteOut]:
    overrides = await router.overrides.overrides(principal.tenant_id) if router.overrides else {}
    return [
        TaskRouteOut(
            task=task,
            overridden=task in overrides,
            mode=await router.mode(task, principal.tenant_id),
            candidates=[
                _candidate_out(router, c) for c in router.policy.candidates(task, overrides)
            ],
        )
        for task in TaskKind
    ]


async def put_route(
    session: AsyncSession,
    router: SmartRouter,
    principal: Principal,
    task: TaskKind,
    request: RouteOverride,
) -> TaskRouteOut:
    unknown = sorted({c.provider for c in request.candidates} - set(router.providers))
    if unknown:
        raise ValidationFailed(
            f"unknown providers: {', '.join(unknown)}; known: {', '.join(sorted(router.providers))}"
        )
    if request.mode is not None:
        try:
            check_mode(task, request.mode)
        except ValueError as error:
            raise ValidationFailed(str(error)) from None
    await LedgerRepository(session).put_override(
        tenant_id=principal.tenant_id,
        task=task.value,
        candidates=[c.model_dump(exclude_none=True) for c in request.candidates],
        mode=request.mode,
        updated_by=principal.user_id,
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="llm.route_overridden",
        target_type="llm_task",
        target_id=task.value,
        details={
            "candidates": [c.key for c in request.candidates],
            "mode": request.mode.value if request.mode else None,
        },
    )
    _invalidate(router, principal)
    return TaskRouteOut(
        task=task,
        overridden=True,
        mode=request.mode or router.policy.mode(task),
        candidates=[_candidate_out(router, c) for c in request.candidates],
    )


async def delete_route(
    session: AsyncSession, router: SmartRouter, principal: Principal, task: TaskKind
) -> None:
    if not await LedgerRepository(session).delete_override(task.value):
        raise NotFound(f"no override for {task.value}")
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="llm.route_reset",
        target_type="llm_task",
        target_id=task.value,
    )
    _invalidate(router, principal)


def _invalidate(router: SmartRouter, principal: Principal) -> None:
    if isinstance(router.overrides, DatabaseOverrides):
        router.overrides.invalidate(principal.tenant_id)


async def estimate_task(
    router: SmartRouter, principal: Principal, request: TaskEstimateRequest
) -> TaskEstimateOut:
    output = (
        request.output_tokens
        if request.output_tokens is not None
        else spec_for(request.task).max_output_tokens
    )
    step = estimator.Step(request.task, request.calls, request.input_tokens, output)
    candidates = await router.candidates(request.task, principal.tenant_id)
    return TaskEstimateOut(
        task=request.task,
        input_tokens=request.input_tokens,
        output_tokens=output,
        calls=request.calls,
        candidates=[
            CandidateEstimate(
                provider=c.provider,
                model=c.model,
                configured=_candidate_out(router, c).configured,
                cost_usd=estimator.step_cost(step, c, router.prices),
            )
            for c in candidates
        ],
    )


async def estimate_article(
    session: AsyncSession,
    router: SmartRouter,
    principal: Principal,
    request: ArticleEstimateRequest,
) -> ArticleEstimateOut:
    steps = estimator.article_steps(
        request.words, request.writers, request.mode, request.platforms, request.images
    )
    priced: list[StepEstimate] = []
    alternatives: dict[str, Decimal] = {}
    for step in steps:
        candidates = await router.candidates(step.task, principal.tenant_id)
        chosen = next((c for c in candidates if _candidate_out(router, c).configured), None)
        cost = estimator.step_cost(step, chosen, router.prices) if chosen else Decimal(0)
        priced.append(
            StepEstimate(
                task=step.task,
                calls=step.calls,
                input_tokens=step.input_tokens,
                output_tokens=step.output_tokens,
                provider=chosen.provider if chosen else None,
                model=chosen.model if chosen else None,
                cost_usd=cost,
            )
        )
    every_candidate = {
        c.key: c for task in TaskKind for c in await router.candidates(task, principal.tenant_id)
    }
    for key, candidate in sorted(every_candidate.items()):
        alternatives[key] = (
            sum((estimator.step_cost(step, candidate, router.prices) for step in steps), Decimal(0))
            * request.articles
        )
    per_article = sum((s.cost_usd for s in priced), Decimal(0))
    total = per_article * request.articles
    remaining = await quotas.remaining(session, principal.tenant_id, Metric.LLM_USD)
    return ArticleEstimateOut(
        total_usd=total,
        per_article_usd=per_article,
        steps=priced,
        alternatives=alternatives,
        month_budget_remaining_usd=remaining,
        fits_budget=None if remaining is None else total <= remaining,
    )


async def leaderboard(
    session: AsyncSession, *, task: TaskKind | None, since: datetime | None
) -> list[LeaderboardRow]:
    """The tenant's judged record per task and model, best win rate first (then best mean
    total); ``since`` limits it to contests judged from then on."""
    if task is not None and task not in CONTESTS:
        judged = ", ".join(sorted(CONTESTS))
        raise ValidationFailed(f"{task.value} is not judged; judged tasks: {judged}")
    if since is not None:
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        if since > datetime.now(UTC):
            raise ValidationFailed("since is in the future; nothing can have been judged yet")
    repository = ContestRepository(session)
    value = task.value if task else None
    means: dict[tuple[str, str, str], dict[str, float]] = {}
    for row in await repository.criterion_means(value, since):
        key = (row.task, row.provider, row.model)
        means.setdefault(key, {})[row.criterion] = round(float(row.mean), 3)
    rows = [
        LeaderboardRow(
            task=TaskKind(row.task),
            provider=row.provider,
            model=row.model,
            contests=row.contests,
            wins=row.wins,
            win_rate=round(row.wins / row.contests, 4) if row.contests else None,
            drafts=row.drafts,
            mean_scores=dict(sorted(means.get((row.task, row.provider, row.model), {}).items())),
            mean_total=round(float(row.mean_total), 3) if row.mean_total is not None else None,
            last_judged_at=row.last_judged_at,
        )
        for row in await repository.totals(value, since)
    ]
    return sorted(
        rows,
        key=lambda r: (
            r.task,
            -(r.win_rate if r.win_rate is not None else -1.0),
            -(r.mean_total or 0.0),
            r.provider,
            r.model,
        ),
    )
