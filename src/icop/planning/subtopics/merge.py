"""Step 5: near-duplicate labels merge their clusters; the survivors are ranked.

Two clusters whose labels mean the same (cosine similarity of the label embeddings at or above
a threshold, or the same words) would become two articles on one subject: their members are
merged under the label of the larger one. Ranking is by size, then by how tight the cluster is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from icop.planning.subtopics.expansion import dedupe_key
from icop.planning.subtopics.schemas import Subtopic

MAX_KEYWORDS = 8


@dataclass(slots=True)
class Group:
    """A sub-topic in the making: a label, its keywords, its members (candidate indices)."""

    label: str
    keywords: list[str]
    members: list[int]
    label_vector: np.ndarray[Any, Any]
    merged_labels: list[str] = field(default_factory=list)


def similar(a: Group, b: Group, threshold: float) -> bool:
    if dedupe_key(a.label) == dedupe_key(b.label):
        return True
    return float(a.label_vector @ b.label_vector) >= threshold


def merge_near_duplicates(groups: list[Group], threshold: float) -> list[Group]:
    """Greedy, largest first: each group joins the first kept group it duplicates."""
    kept: list[Group] = []
    for group in sorted(groups, key=lambda g: -len(g.members)):  # stable: ties keep order
        target = next((other for other in kept if similar(group, other, threshold)), None)
        if target is None:
            kept.append(group)
            continue
        target.members.extend(group.members)
        target.merged_labels.append(group.label)
        target.keywords = list(dict.fromkeys(target.keywords + group.keywords))[:MAX_KEYWORDS]
    return kept


def duplicates_any(
    vector: np.ndarray[Any, Any], label: str, groups: list[Group], threshold: float
) -> bool:
    probe = Group(label=label, keywords=[], members=[], label_vector=vector)
    return any(similar(probe, group, threshold) for group in groups)


def most_novel(
    vectors: np.ndarray[Any, Any], groups: list[Group], excluded: set[int]
) -> int | None:
    """The candidate least like every current label: the next best sub-topic to add."""
    if not groups:
        return next((i for i in range(len(vectors)) if i not in excluded), None)
    labels = np.stack([group.label_vector for group in groups])
    closeness = (vectors @ labels.T).max(axis=1)
    for index in np.argsort(closeness, kind="stable"):
        if int(index) not in excluded:
            return int(index)
    return None


def rank(groups: list[Group], vectors: np.ndarray[Any, Any], phrases: list[str]) -> list[Subtopic]:
    subtopics: list[Subtopic] = []
    for group in groups:
        member_vectors = vectors[group.members]
        centroid = member_vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        similarity = member_vectors @ (centroid / norm) if norm else np.zeros(len(group.members))
        order = sorted(range(len(group.members)), key=lambda i: (-similarity[i], group.members[i]))
        subtopics.append(
            Subtopic(
                label=group.label,
                keywords=list(group.keywords),
                members=[phrases[group.members[i]] for i in order],
                size=len(group.members),
                centroid_similarity=round(float(similarity.mean()), 4),
            )
        )
    subtopics.sort(key=lambda s: (-s.size, -s.centroid_similarity, s.label))
    return subtopics
