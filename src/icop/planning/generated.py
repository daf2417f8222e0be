"""What a sub-topic generator hands the pipeline run (planning's side of the contract; the
runtime wires in ``icop.planning.subtopics`` through the model router)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class GeneratedSubtopic:
    label: str
    keywords: list[str]
    members: list[str]
    size: int
    centrality: float | None


@dataclass(frozen=True)
class GeneratedSubtopics:
    subtopics: Sequence[GeneratedSubtopic]
    candidates: int = 0
    """Distinct candidate angles judged for relevance (0: none were)."""
    candidates_off_topic: int = 0
    labels_off_topic: int = 0
    off_topic_examples: Sequence[str] = ()

    def relevance(self) -> dict[str, int]:
        """What the run row records (its ``options``) and the API shows."""
        return {
            "candidates": self.candidates,
            "candidates_off_topic": self.candidates_off_topic,
            "labels_off_topic": self.labels_off_topic,
        }

    def off_topic_note(self) -> str:
        return f"{self.candidates_off_topic} of {self.candidates} candidate angles off topic"

    def describe(self) -> str:
        """One log line: the counts and a few dropped angles."""
        examples = (
            f" (dropped e.g. {list(self.off_topic_examples)})" if self.off_topic_examples else ""
        )
        return f"{self.off_topic_note()}, {self.labels_off_topic} labels replaced{examples}"


class SubtopicGenerator(Protocol):
    async def __call__(
        self, topic: str, *, count: int, language: str, tenant_id: UUID
    ) -> GeneratedSubtopics: ...
