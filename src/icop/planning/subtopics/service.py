"""Sub-topic generation: topic → candidate angles (model) → off-topic angles dropped
(relevance) → embeddings (MiniLM) → BERTopic clusters (KMeans, k = sub-topics asked for) →
labels (model, as BERTopic's representation) → off-topic labels replaced → near-duplicate
labels merged → ranked sub-topics.

Deterministic for a deterministic provider and embedder: fixed seeds for the model calls and
KMeans, stable orders everywhere else.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeGuard
from uuid import UUID

import numpy as np

from icop.embeddings.base import Embedder
from icop.llm.smart_router import SmartRouter
from icop.planning.subtopics.clustering import cluster
from icop.planning.subtopics.exceptions import (
    NoOnTopicSubtopics,
    SubtopicRequestInvalid,
    TooFewCandidates,
)
from icop.planning.subtopics.expansion import dedupe_key, distinct, expand
from icop.planning.subtopics.labels import Labeller, RouterLabeller, tidy
from icop.planning.subtopics.merge import (
    MAX_KEYWORDS,
    Group,
    duplicates_any,
    merge_near_duplicates,
    most_novel,
    rank,
)
from icop.planning.subtopics.phrases import unfounded_words
from icop.planning.subtopics.relevance import TopicRelevance
from icop.planning.subtopics.schemas import (
    MAX_CANDIDATES,
    MAX_SUBTOPICS,
    RelevanceCounts,
    SubtopicResult,
)

MAX_TOPIC_CHARS = 300
LABEL_SIMILARITY = 0.85
"""Cosine similarity of two labels' MiniLM embeddings at which they name the same sub-topic
("Composting kitchen scraps" / "Kitchen scraps for the compost" ≈ 0.9; distinct angles of one
topic sit around 0.4-0.7)."""
OFF_TOPIC_EXAMPLES = 5

LabelCheck = Callable[[str, Sequence[str]], Awaitable[bool]]


async def generate_subtopics(
    topic: str,
    *,
    count: int,
    language: str,
    tenant_id: UUID,
    router: SmartRouter,
    embedder: Embedder,
    candidates: int = 60,
    audience: str | None = None,
    label_similarity: float = LABEL_SIMILARITY,
    seed: int = 7,
    reference: str | None = None,
    relevance: TopicRelevance | None = None,
) -> SubtopicResult:
    """``count`` distinct sub-topics of ``topic``, each with the candidate angles it groups.

    Raises ``SubtopicRequestInvalid`` for an empty topic or out-of-range numbers,
    ``TooFewCandidates`` when the model proposes fewer than two distinct angles and
    ``NoOnTopicSubtopics`` when ``relevance`` finds fewer than two of them on topic; fewer
    distinct angles than ``count`` lowers the number of clusters, with a warning."""
    topic = " ".join(topic.split())
    _check(topic, count)
    if not count <= candidates <= MAX_CANDIDATES:
        raise SubtopicRequestInvalid(
            f"candidates must be between count ({count}) and {MAX_CANDIDATES}, not {candidates}"
        )
    started = time.perf_counter()
    pool = await expand(
        router,
        topic,
        candidates=candidates,
        language=language,
        tenant_id=tenant_id,
        audience=audience,
        seed=seed,
        reference=reference,
    )
    expand_s = time.perf_counter() - started
    result = await cluster_candidates(
        topic,
        pool,
        count=count,
        language=language,
        embedder=embedder,
        labeller=RouterLabeller(router, tenant_id, seed=seed, reference=reference),
        label_similarity=label_similarity,
        relevance=relevance,
    )
    result.timings["expand_s"] = round(expand_s, 4)
    result.timings["total_s"] = round(time.perf_counter() - started, 4)
    return result


async def cluster_candidates(
    topic: str,
    candidates: list[str],
    *,
    count: int,
    language: str,
    embedder: Embedder,
    labeller: Labeller,
    label_similarity: float = LABEL_SIMILARITY,
    relevance: TopicRelevance | None = None,
) -> SubtopicResult:
    """Steps 2-5 over a given list of candidate angles (the benchmark calls this directly).
    Without ``relevance`` nothing is checked for being on topic."""
    topic = " ".join(topic.split())
    _check(topic, count)
    started = time.perf_counter()
    phrases = distinct(candidates)
    if len(phrases) < 2:
        raise TooFewCandidates(
            f"the model proposed {len(phrases)} distinct angle(s) for {topic!r}; "
            "at least two are needed to form sub-topics",
            candidates=len(phrases),
        )
    warnings: list[str] = []
    timings: dict[str, float] = {}
    judged = len(phrases)
    dropped: list[str] = []
    if relevance is not None:
        mark = time.perf_counter()
        verdicts = await relevance.judge(topic, phrases, language=language)
        timings["relevance_s"] = time.perf_counter() - mark
        dropped = [verdict.text for verdict in verdicts if not verdict.on_topic]
        phrases = [verdict.text for verdict in verdicts if verdict.on_topic]
        if len(phrases) < 2:
            raise NoOnTopicSubtopics(
                f"no on-topic sub-topics for {topic!r} "
                f"({len(dropped)} of {judged} candidates off topic)",
                candidates=judged,
                off_topic=len(dropped),
            )
        if dropped:
            warnings.append(f"{len(dropped)} of {judged} candidate angles off topic, dropped")
    k = min(count, len(phrases))
    if k < count:
        warnings.append(
            f"only {len(phrases)} distinct candidate angles: {k} sub-topics instead of {count}"
        )

    mark = time.perf_counter()
    vectors = np.asarray(await embedder.embed(phrases), dtype=np.float64)
    timings["embed_s"] = time.perf_counter() - mark

    clustering = await cluster(
        phrases, vectors, k=k, topic=topic, language=language, labeller=labeller
    )
    timings["cluster_s"] = clustering.fit_s
    timings["label_s"] = clustering.label_s

    mark = time.perf_counter()
    off_topic_labels: list[str] = []

    async def on_topic(label: str, material: Sequence[str]) -> bool:
        """Whether ``label`` names this group: every content word of it from the topic or the
        group's angles and keywords (the bundled model named a group of balcony angles
        "Urban Balloon Gardening"), and, with ``relevance``, on topic."""
        if unfounded_words(label, [topic, *material], language):
            off_topic_labels.append(label)
            return False
        if relevance is None:
            return True
        (verdict,) = await relevance.judge(topic, [label], language=language)
        if not verdict.on_topic:
            off_topic_labels.append(label)
        return verdict.on_topic

    groups: list[Group] = []
    labels: list[str] = []
    for item in clustering.clusters:
        label = clustering.labels.get(item.topic_id)
        if not _names_an_angle(label, topic):
            label = tidy(phrases[item.members[0]])
            warnings.append(f"cluster {item.topic_id} named after its most central angle")
        elif not await on_topic(
            label, material := [*(phrases[i] for i in item.members), *item.keywords]
        ):
            made_up = unfounded_words(label, [topic, *material], language)
            reason = f"names {', '.join(sorted(made_up))!r}" if made_up else "is off topic"
            warnings.append(
                f"label {label!r} {reason}: cluster {item.topic_id} named after its most "
                "central angle"
            )
            label = tidy(phrases[item.members[0]])
        labels.append(label)
        groups.append(Group(label, list(item.keywords), list(item.members), np.zeros(0)))
    label_vectors = np.asarray(await embedder.embed(labels), dtype=np.float64)
    for group, vector in zip(groups, label_vectors, strict=True):
        group.label_vector = vector
    merged = merge_near_duplicates(groups, label_similarity)
    for group in merged:
        if group.merged_labels:
            warnings.append(
                f"merged near-duplicate sub-topics into {group.label!r}: "
                + ", ".join(repr(label) for label in group.merged_labels)
            )
    if len(merged) < k:
        await _fill(
            merged,
            k,
            phrases,
            vectors,
            topic,
            language,
            embedder,
            labeller,
            label_similarity,
            clustering.analyze,
            on_topic,
        )
        if len(merged) < k:
            warnings.append(f"only {len(merged)} distinct sub-topics found instead of {k}")
    subtopics = rank(merged, vectors, phrases)
    timings["dedupe_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    return SubtopicResult(
        subtopics=subtopics,
        candidates=phrases,
        timings={name: round(value, 4) for name, value in timings.items()},
        relevance=RelevanceCounts(
            candidates=judged,
            candidates_off_topic=len(dropped),
            labels_off_topic=len(off_topic_labels),
            off_topic_examples=dropped[:OFF_TOPIC_EXAMPLES],
        ),
        warnings=warnings,
    )


def _names_an_angle(label: str | None, topic: str) -> TypeGuard[str]:
    """False for no label and for one that only repeats the main topic (the bundled model
    does that now and then): neither tells one sub-topic from another."""
    return bool(label) and dedupe_key(label or "") != dedupe_key(topic)


def _check(topic: str, count: int) -> None:
    if not topic:
        raise SubtopicRequestInvalid("the topic is empty")
    if len(topic) > MAX_TOPIC_CHARS:
        raise SubtopicRequestInvalid(f"the topic is longer than {MAX_TOPIC_CHARS} characters")
    if not 1 <= count <= MAX_SUBTOPICS:
        raise SubtopicRequestInvalid(f"count must be between 1 and {MAX_SUBTOPICS}, not {count}")


async def _fill(
    groups: list[Group],
    k: int,
    phrases: list[str],
    vectors: np.ndarray[Any, Any],
    topic: str,
    language: str,
    embedder: Embedder,
    labeller: Labeller,
    threshold: float,
    analyze: Callable[[str], list[str]],
    on_topic: LabelCheck,
) -> None:
    """Merging left fewer than ``k``: promote the candidates least like every current label to
    sub-topics of their own (taken out of the cluster they were in), until ``k`` or none left."""
    tried: set[int] = set()
    while len(groups) < k:
        index = most_novel(vectors, groups, tried)
        if index is None:
            return
        tried.add(index)
        keywords = analyze(phrases[index])[:MAX_KEYWORDS]
        label = await labeller.label(
            topic=topic,
            language=language,
            keywords=keywords,
            phrases=[phrases[index]],
            contrast=[group.label for group in groups],
        )
        # A small model often repeats a label it already gave; the angle's own words are the
        # second choice before the candidate is passed over.
        choices = (
            [label, tidy(phrases[index])]
            if _names_an_angle(label, topic) and await on_topic(label, [phrases[index], *keywords])
            else [tidy(phrases[index])]
        )
        picked: tuple[str, np.ndarray[Any, Any]] | None = None
        for choice in dict.fromkeys(choices):
            vector = np.asarray((await embedder.embed([choice]))[0], dtype=np.float64)
            if not duplicates_any(vector, choice, groups, threshold):
                picked = (choice, vector)
                break
        if picked is None:
            continue
        label, vector = picked
        owner = next((g for g in groups if index in g.members), None)
        if owner is not None:
            if len(owner.members) == 1:
                continue  # it is that sub-topic already
            owner.members.remove(index)
        groups.append(Group(label, keywords, [index], vector))
