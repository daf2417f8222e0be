"""What sub-topic generation asks the model for, and what it hands back to the pipeline.

The model-facing models are bounded (``maxItems``/``maxLength``): the bundled 0.5B model loops
on open-ended JSON (PRODUCT.md §8). The results are frozen dataclasses, so a Temporal activity
can return them with the default data converter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field, create_model

from icop.agents.schemas.common import OutputModel, first
from icop.planning.subtopics.phrases import fit_phrase

MAX_LABEL_CHARS = 80
MAX_CANDIDATE_CHARS = 120
EXPAND_BATCH = 20
"""Angles asked for per ``topics.expand`` call: a longer list costs the small model minutes
and drifts into repetition; several short lists with different focuses cover more ground."""
MAX_SUBTOPICS = 30
MAX_CANDIDATES = 400

Angle = Annotated[
    str, fit_phrase(MAX_CANDIDATE_CHARS), Field(min_length=3, max_length=MAX_CANDIDATE_CHARS)
]


class CandidateAngles(OutputModel):
    """Distinct angles and questions that articles about the topic could cover."""

    angles: Annotated[
        list[Angle], first(EXPAND_BATCH), Field(min_length=1, max_length=EXPAND_BATCH)
    ]


@functools.cache
def angles_model(size: int) -> type[CandidateAngles]:
    """``CandidateAngles`` with ``maxItems`` = ``size``: asked for 12, the bundled model went
    on repeating itself up to the schema's 20 (measured), at ~4 s a line on a busy box."""
    if not 1 <= size <= EXPAND_BATCH:
        raise ValueError(f"size must be between 1 and {EXPAND_BATCH}")
    if size == EXPAND_BATCH:
        return CandidateAngles
    return create_model(
        "CandidateAngles",
        __base__=CandidateAngles,
        __doc__=CandidateAngles.__doc__,
        angles=(
            Annotated[list[Angle], first(size), Field(min_length=1, max_length=size)],
            ...,
        ),
    )


class SubtopicLabel(OutputModel):
    """A short title naming one group of related angles."""

    label: Annotated[
        str, fit_phrase(MAX_LABEL_CHARS), Field(min_length=3, max_length=MAX_LABEL_CHARS)
    ]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One BERTopic cluster before labelling: its c-TF-IDF keywords and its members (indices
    into the candidate list), most central first."""

    topic_id: int
    keywords: list[str]
    members: list[int]
    centroid_similarity: float
    """Mean cosine similarity of the members to their centroid: how tight the cluster is."""

    def representative(self, candidates: list[str], limit: int = 5) -> list[str]:
        return [candidates[index] for index in self.members[:limit]]


@dataclass(frozen=True, slots=True)
class Subtopic:
    label: str
    keywords: list[str]
    members: list[str]
    """The candidate angles grouped under this sub-topic, most central first."""
    size: int
    centroid_similarity: float


@dataclass(frozen=True, slots=True)
class RelevanceCounts:
    """What the relevance checks dropped (see relevance): counted, so a run can show it."""

    candidates: int = 0
    """Distinct candidate angles judged."""
    candidates_off_topic: int = 0
    labels_off_topic: int = 0
    """Labels the model gave that were off topic, replaced by the cluster's central angle."""
    off_topic_examples: list[str] = field(default_factory=list)
    """The first few dropped angles, for the log."""


@dataclass(frozen=True, slots=True)
class SubtopicResult:
    subtopics: list[Subtopic]
    """Ranked: largest and tightest cluster first."""
    candidates: list[str]
    """Every distinct candidate the model proposed that is on topic, in the order it proposed
    them (the off-topic ones are counted in ``relevance``)."""
    timings: dict[str, float]
    """Seconds per stage: expand_s, relevance_s, embed_s, cluster_s (BERTopic fit, labels
    included), label_s (model time inside cluster_s), dedupe_s, total_s."""
    relevance: RelevanceCounts = field(default_factory=RelevanceCounts)
    warnings: list[str] = field(default_factory=list)
    """What did not go as asked (fewer clusters than requested, a label that fell back to a
    member phrase); empty on the normal path."""
