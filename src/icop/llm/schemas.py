from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from icop.llm.policy import Candidate
from icop.llm.tasks import TaskKind
from icop.models.llm import RoutingMode
from icop.schemas import Money, RequestModel, ResponseModel


class ChatRequest(RequestModel):
    prompt: str = Field(min_length=1, max_length=8000)
    max_tokens: int | None = Field(default=None, ge=1, le=4096)


class AttemptOut(ResponseModel):
    provider: str
    model: str
    outcome: str
    reason: str | None
    latency_ms: float | None


class ChatResponse(ResponseModel):
    text: str
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Money
    latency_ms: float
    attempts: list[AttemptOut]


class CallOut(ResponseModel):
    id: UUID
    task: str
    status: str
    provider: str | None
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Money
    latency_ms: float
    context_tokens_before: int
    context_tokens_after: int
    repaired: bool
    attempts: list[dict[str, Any]]
    reference: str | None
    error: str | None
    created_at: datetime


class UsageRow(ResponseModel):
    day: datetime
    provider: str | None
    model: str | None
    task: str
    calls: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Money


class LlmUsageOut(ResponseModel):
    since: datetime
    rows: list[UsageRow]
    month_spent_usd: Money
    month_budget_usd: Money | None
    month_forecast_usd: Money
    over_budget_risk: bool = Field(description="The forecast exceeds this month's budget.")


class CandidateOut(ResponseModel):
    provider: str
    model: str
    configured: bool
    input_usd_per_million: Money
    output_usd_per_million: Money
    # The candidate's own tuning (null: the policy's default). A client that saves the route
    # again sends these back, so reordering a task's models does not reset their temperature.
    temperature: float | None = None
    max_tokens: int | None = None
    timeout_s: float | None = None
    max_attempts: int | None = None


class TaskRouteOut(ResponseModel):
    task: TaskKind
    overridden: bool
    mode: RoutingMode = Field(
        description="ordered: first usable candidate first. best_judged (a contest's pool, "
        "write.draft): the writer slots draw from these candidates by the tenant's judged record."
    )
    candidates: list[CandidateOut]


class RouteOverride(RequestModel):
    candidates: list[Candidate] = Field(min_length=1, max_length=10)
    mode: RoutingMode | None = Field(
        default=None,
        description="best_judged only on a contest's pool (write.draft); omitted: the "
        "platform policy's mode.",
    )


class LeaderboardRow(ResponseModel):
    """One model's record in one judged task, over the period asked for."""

    task: TaskKind
    provider: str
    model: str
    contests: int = Field(
        description="Judged drafts it wrote in contests with at least one other model."
    )
    wins: int = Field(description="Of those, how many the judge chose.")
    win_rate: float | None = Field(description="wins / contests (null: no contest yet).")
    drafts: int = Field(description="Every judged draft, a contest against itself included.")
    mean_scores: dict[str, float] = Field(description="The judge's mean score per criterion.")
    mean_total: float | None
    last_judged_at: datetime


class TaskEstimateRequest(RequestModel):
    task: TaskKind
    input_tokens: int = Field(ge=0, le=2_000_000)
    output_tokens: int | None = Field(default=None, ge=0, le=200_000)
    calls: int = Field(default=1, ge=1, le=1_000_000)


class CandidateEstimate(ResponseModel):
    provider: str
    model: str
    configured: bool
    cost_usd: Money


class TaskEstimateOut(ResponseModel):
    task: TaskKind
    input_tokens: int
    output_tokens: int
    calls: int
    candidates: list[CandidateEstimate]


class ArticleEstimateRequest(RequestModel):
    words: int = Field(default=1200, ge=100, le=20_000)
    writers: int = Field(default=3, ge=1, le=5)
    mode: Literal["compare", "merge"] = "compare"
    platforms: int = Field(default=4, ge=0, le=4)
    images: int = Field(default=2, ge=0, le=10)
    articles: int = Field(default=1, ge=1, le=100_000, description="e.g. a month's plan")


class StepEstimate(ResponseModel):
    task: TaskKind
    calls: int
    input_tokens: int
    output_tokens: int
    provider: str | None
    model: str | None
    cost_usd: Money


class ArticleEstimateOut(ResponseModel):
    total_usd: Money
    per_article_usd: Money
    steps: list[StepEstimate]
    alternatives: dict[str, Money] = Field(
        description="The same articles with every step on one provider:model."
    )
    month_budget_remaining_usd: Money | None
    fits_budget: bool | None


class ContextLayerOut(ResponseModel):
    name: str = Field(description="system, instructions, or the input field's name.")
    kind: Literal["system", "instructions", "input"]
    chars_before: int
    chars_after: int
    state: Literal["kept", "trimmed", "dropped"]
    unreferenced: bool = Field(
        default=False, description="Kept, but the role's prompt never names this field."
    )


class CallContextOut(ResponseModel):
    """The context debugger's view of one model call."""

    id: UUID
    task: str
    status: str
    provider: str | None
    model: str | None
    created_at: datetime
    tokens_before: int
    tokens_after: int
    budget_tokens: int | None
    recorded: bool = Field(description="False: the call predates the context record.")
    layers: list[ContextLayerOut]
    dropped: list[str]
    trimmed: list[str]
    unreferenced: list[str]
