"""The cluster step: the night's kept items into named trends, by planning's BERTopic path
(``icop.planning.subtopics.clustering``: precomputed MiniLM vectors, KMeans, c-TF-IDF
keywords) named by their keywords (no model call: a nightly batch must not depend on the
model being up, and the names are reproducible).

How many trends: about one per ``ITEMS_PER_TREND`` items, at most ``max_trends``. KMeans must
be given k; more clusters than themes split a theme in two (both halves stay pure), fewer
would merge unrelated themes, so k errs high.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from icop.planning.subtopics.clustering import cluster
from icop.planning.subtopics.labels import KeywordLabeller

ITEMS_PER_TREND = 12
MAX_TRENDS = 20
RECENCY_HALF_LIFE_H = 48.0


@dataclass(frozen=True, slots=True)
class FoundTrend:
    label: str
    keywords: list[str]
    members: list[int]
    """Indices into the clustered texts, most central first."""
    centroid: list[float]
    tightness: float


def trend_count(items: int, max_trends: int = MAX_TRENDS) -> int:
    if items <= 0:
        return 0
    return max(1, min(max_trends, items, math.ceil(items / ITEMS_PER_TREND)))


async def find_trends(
    texts: Sequence[str],
    vectors: np.ndarray[Any, Any],
    *,
    max_trends: int = MAX_TRENDS,
    k: int | None = None,
) -> list[FoundTrend]:
    """Named clusters of ``texts`` (unit ``vectors`` in the same order), largest first."""
    k = k or trend_count(len(texts), max_trends)
    if k == 0:
        return []
    if k == 1:
        members = list(range(len(texts)))
        return [_trend(texts, vectors, members, [], None)]
    found = await cluster(
        list(texts), vectors, k=k, topic="", language="multilingual", labeller=KeywordLabeller()
    )
    return [
        _trend(texts, vectors, group.members, group.keywords, found.labels.get(group.topic_id))
        for group in found.clusters
        if group.members
    ]


def _trend(
    texts: Sequence[str],
    vectors: np.ndarray[Any, Any],
    members: list[int],
    keywords: list[str],
    label: str | None,
) -> FoundTrend:
    centroid = vectors[members].mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    unit = centroid / norm if norm else centroid
    tightness = float((vectors[members] @ unit).mean()) if norm else 0.0
    # No keywords (one cluster, or words all stop words): the most central item's first words.
    name = label or texts[members[0]].split("\n", 1)[0][:80]
    return FoundTrend(
        label=name,
        keywords=keywords,
        members=members,
        centroid=[round(float(x), 7) for x in unit],
        tightness=round(tightness, 4),
    )


def item_score(signal: float, published_at: datetime | None, now: datetime) -> float:
    """Half the source's own signal, half recency (halved every two days); undated items get
    the recency of a day-old one."""
    age_h = 24.0 if published_at is None else max(0.0, (now - published_at).total_seconds() / 3600)
    recency: float = 0.5 ** (age_h / RECENCY_HALF_LIFE_H)
    return round(0.5 * max(0.0, min(1.0, signal)) + 0.5 * recency, 4)


def trend_score(item_scores: Sequence[float], sources: int) -> float:
    """The sum of its items' scores, a quarter more for every further source that carries it
    (one feed repeating itself is less of a trend than three platforms agreeing)."""
    return round(sum(item_scores) * (1.0 + 0.25 * max(0, sources - 1)), 4)


def purity(assigned: Sequence[int], truth: Sequence[str]) -> float:
    """Cluster purity against known labels: each cluster counts its commonest label."""
    if not assigned:
        return 1.0
    by_cluster: dict[int, dict[str, int]] = {}
    for cluster_id, label in zip(assigned, truth, strict=True):
        counts = by_cluster.setdefault(cluster_id, {})
        counts[label] = counts.get(label, 0) + 1
    majority = sum(max(counts.values()) for counts in by_cluster.values())
    return float(majority) / len(assigned)
