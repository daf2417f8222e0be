"""The cost estimator (Sparklio §5.4): what a call, an article or a month will cost, per model.

Article estimates follow the article graph: research, N writers, the editor (compare) or the
merger (merge), SEO, the visual director and social copy per platform (the Markdown is
assembled in code), with token counts derived from the requested length. Each step is priced
on the tenant's effective route (the first configured candidate) and, for comparison, on
every candidate.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from icop.llm.policy import Candidate
from icop.llm.pricing import cost_usd
from icop.llm.tasks import TaskKind

TOKENS_PER_WORD = Decimal("1.4")


@dataclass(frozen=True, slots=True)
class Step:
    task: TaskKind
    calls: int
    input_tokens: int
    output_tokens: int


def article_steps(words: int, writers: int, mode: str, platforms: int, images: int) -> list[Step]:
    body = int(words * TOKENS_PER_WORD)
    research_out = 900
    steps = [
        Step(TaskKind.RESEARCH_SUMMARIZE, 1, 3000, research_out),
        Step(TaskKind.WRITE_DRAFT, writers, 700 + research_out, body),
        (
            Step(TaskKind.EDIT_JUDGE, 1, writers * body + 400, 700)
            if mode == "compare"
            else Step(TaskKind.EDIT_MERGE, 1, writers * body + 400, body)
        ),
        Step(TaskKind.SEO_META, 1, body + 200, 400),
        Step(TaskKind.VISUAL_PROMPT, 1, 600, 120 * max(images, 1)),
    ]
    if platforms:
        steps.append(Step(TaskKind.SOCIAL_COPY, platforms, 600, 300))
    return steps


def step_cost(
    step: Step, candidate: Candidate, prices: dict[str, tuple[Decimal, Decimal]] | None = None
) -> Decimal:
    return (
        cost_usd(candidate.provider, candidate.model, step.input_tokens, step.output_tokens, prices)
        * step.calls
    )


def month_forecast(spent_usd: Decimal, now: datetime | None = None) -> Decimal:
    """Linear projection of this month's spend to its last day (UTC)."""
    moment = now or datetime.now(UTC)
    days = calendar.monthrange(moment.year, moment.month)[1]
    elapsed = Decimal(moment.day - 1) + Decimal(
        moment.hour * 3600 + moment.minute * 60 + moment.second
    ) / Decimal(86400)
    if elapsed <= 0:
        return spent_usd
    return (spent_usd / elapsed * days).quantize(Decimal("0.000001"))
