"""An ``AgentRuntime`` that runs every call through the product's own runtime and keeps a copy
of what happened: each call's usage or failure, and the social copywriter's drafts as written
(the article only keeps them after the platform validator's auto-fix)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from icop.agents.exceptions import AgentFailure
from icop.agents.roles import RoleBook
from icop.agents.runtime.base import AgentResult, AgentRuntime, T
from icop.agents.schemas import (
    InputModel,
    MergedText,
    SocialCopyDraft,
    SocialCopyInput,
)
from icop.evaluation.records import CallRecord


class RecordingRuntime:
    def __init__(self, inner: AgentRuntime) -> None:
        self.inner = inner
        self.name = inner.name
        self.roles: RoleBook = inner.roles
        self.calls: dict[str, list[CallRecord]] = defaultdict(list)
        self.social_drafts: dict[str, dict[str, SocialCopyDraft]] = defaultdict(dict)
        self.written: dict[str, list[str]] = defaultdict(list)

    async def run(
        self,
        role: str,
        inputs: InputModel,
        *,
        output: type[T],
        tenant_id: UUID,
        correlation_id: str = "",
        trace_id: str = "",
        instructions: str | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> AgentResult[T]:
        try:
            result = await self.inner.run(
                role,
                inputs,
                output=output,
                tenant_id=tenant_id,
                correlation_id=correlation_id,
                trace_id=trace_id,
                instructions=instructions,
                seed=seed,
                max_tokens=max_tokens,
            )
        except AgentFailure as failure:
            details = failure.error.details
            attempts = details.get("attempts")
            self.calls[correlation_id].append(
                CallRecord(
                    role=role,
                    ok=False,
                    attempts=len(attempts) if isinstance(attempts, list) else int(attempts or 0),
                    error=failure.detail[:1000],
                    instructions=instructions,
                )
            )
            raise
        usage = result.usage
        self.calls[correlation_id].append(
            CallRecord(
                role=role,
                provider=usage.provider,
                model=usage.model,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
                cost_usd=usage.cost_usd,
                latency_ms=usage.latency_ms,
                attempts=usage.attempts,
                repaired=usage.repaired,
                instructions=instructions,
            )
        )
        answer: object = result.output
        if isinstance(inputs, SocialCopyInput) and isinstance(answer, SocialCopyDraft):
            self.social_drafts[correlation_id][inputs.platform.value] = answer
        if isinstance(answer, MergedText):
            self.written[correlation_id].append(answer.text)
        return result

    def take(self, article_id: str) -> Recorded:
        """What was recorded for ``article_id``, forgotten here."""
        return Recorded(
            calls=self.calls.pop(article_id, []),
            social_drafts=self.social_drafts.pop(article_id, {}),
            written=self.written.pop(article_id, []),
        )


@dataclass(frozen=True)
class Recorded:
    calls: list[CallRecord]
    social_drafts: dict[str, SocialCopyDraft]
    written: list[str]
    """The reviewers' articles as the models wrote them (a regenerated article: each try)."""
