"""Who names a cluster: the model through the router (task ``topics.label``), or, where no
model call is wanted (benchmark timings, a fallback), the cluster's own words."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from icop.llm.errors import RoutingError
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.planning.subtopics import prompts
from icop.planning.subtopics.expansion import clean
from icop.planning.subtopics.phrases import shorten_phrase
from icop.planning.subtopics.schemas import MAX_LABEL_CHARS, SubtopicLabel

logger = logging.getLogger(__name__)


class Labeller(Protocol):
    async def label(
        self,
        *,
        topic: str,
        language: str,
        keywords: list[str],
        phrases: list[str],
        contrast: Sequence[str],
    ) -> str | None:
        """A short title for the group, or None when none could be had (the caller falls
        back to the group's most central phrase). ``contrast`` describes the other groups
        (their top keywords), so that the title can set this one apart."""
        ...


def tidy(label: str) -> str:
    """A label as a title: one line, no wrapping quotes, no trailing full stop, not ending on a
    function word (a longer one cut before the phrase the limit fell in)."""
    text = clean(label).rstrip(" .。")
    return shorten_phrase(text, MAX_LABEL_CHARS)


class RouterLabeller:
    def __init__(
        self,
        router: SmartRouter,
        tenant_id: UUID,
        *,
        seed: int = 7,
        reference: str | None = None,
    ) -> None:
        self.router = router
        self.tenant_id = tenant_id
        self.seed = seed
        self.reference = reference

    async def label(
        self,
        *,
        topic: str,
        language: str,
        keywords: list[str],
        phrases: list[str],
        contrast: Sequence[str],
    ) -> str | None:
        try:
            call = await self.router.complete(
                TaskKind.TOPICS_LABEL,
                system=prompts.LABEL_SYSTEM,
                inputs={
                    "topic": topic,
                    "language": language,
                    "keywords": keywords,
                    "phrases": phrases,
                },
                output=SubtopicLabel,
                tenant_id=self.tenant_id,
                instructions=prompts.label_instructions(MAX_LABEL_CHARS, list(contrast)),
                seed=self.seed,
                reference=self.reference,
            )
        except RoutingError as error:
            # One unnamed cluster should not sink the others: the caller names it after its
            # most central phrase and says so in the result's warnings.
            logger.warning("topics.label failed, falling back to a member phrase: %s", error)
            return None
        if call.value is None:
            return None
        return tidy(call.value.label) or None


class KeywordLabeller:
    """Names a group after its top keywords: no model call (benchmarks, offline checks)."""

    def __init__(self, words: int = 3) -> None:
        self.words = words

    async def label(
        self,
        *,
        topic: str,
        language: str,
        keywords: list[str],
        phrases: list[str],
        contrast: Sequence[str],
    ) -> str | None:
        chosen: list[str] = []
        for keyword in keywords:
            if not any(keyword in taken or taken in keyword for taken in chosen):
                chosen.append(keyword)
            if len(chosen) == self.words:
                break
        return tidy(", ".join(chosen)) or None
