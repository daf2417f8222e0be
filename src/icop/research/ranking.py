"""Merging the answers of several providers into one ranked, de-duplicated list.

Provider scores are not comparable (Tavily's relevance, SearXNG's engine votes, our cosine,
Brave gives none), so the lists are fused by rank: reciprocal rank fusion, where a result's
score is the sum over providers of 1 / (k + its rank there). A page that two providers both
found ranks above one that only one found at the same position.

Duplicates are the same page under different URLs (tracking parameters, ``www.``, a trailing
slash, http vs https), several chunks of one knowledge document, or the same text syndicated
under different URLs (near-identical words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from icop.research.schemas import Source

RRF_K = 60
_TRACKING = re.compile(r"^(utm_\w+|gclid|fbclid|msclkid|mc_cid|mc_eid|ref|ref_src|igshid)$")
_WORD = re.compile(r"\w+")


def canonical_url(url: str | None) -> str | None:
    """A key under which the same page's URLs agree."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip().lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return url.strip().lower()
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING.match(k.lower()))
    )  # fmt: skip
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{query}" if query else "")


def _words(text: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in _WORD.findall(text))


def similar_text(a: frozenset[str], b: frozenset[str], threshold: float = 0.8) -> bool:
    # Short snippets share too many words by chance to call them copies.
    if min(len(a), len(b)) < 8:
        return False
    return len(a & b) / len(a | b) >= threshold


@dataclass
class Merged:
    """One source as several providers (or several chunks) found it."""

    key: str
    sources: list[Source] = field(default_factory=list)
    best_rank: dict[str, int] = field(default_factory=dict)
    # One word set per member: a copy is judged against each, not against their union.
    word_sets: list[frozenset[str]] = field(default_factory=list)

    @property
    def fused_score(self) -> float:
        return sum(1.0 / (RRF_K + rank) for rank in self.best_rank.values())

    @property
    def best_raw_score(self) -> float:
        return max((s.score for s in self.sources if s.score is not None), default=0.0)

    @property
    def lead(self) -> Source:
        """The source whose title and snippet represent the group: the best ranked one."""
        return min(self.sources, key=lambda s: self.best_rank.get(s.provider, 10**6))

    def absorb(self, other: Merged) -> None:
        self.sources.extend(other.sources)
        for provider, rank in other.best_rank.items():
            self.best_rank[provider] = min(rank, self.best_rank.get(provider, rank))
        self.word_sets.extend(other.word_sets)

    def copies(self, other: Merged) -> bool:
        return any(similar_text(a, b) for a in self.word_sets for b in other.word_sets)

    def text(self, limit: int) -> str:
        """Distinct passages, best first, up to ``limit`` characters."""
        passages: list[str] = []
        seen: set[str] = set()
        ordered = sorted(self.sources, key=lambda s: -(s.score or 0.0))
        for source in [self.lead, *ordered]:
            passage = source.text.strip() or source.snippet.strip()
            if passage and passage not in seen:
                seen.add(passage)
                passages.append(passage)
        joined = ""
        for passage in passages:
            candidate = f"{joined} … {passage}" if joined else passage
            if len(candidate) > limit:
                return joined or passage[:limit]
            joined = candidate
        return joined


def _key(source: Source) -> str:
    if source.document_id is not None:
        return f"document:{source.document_id}"
    url = canonical_url(source.url)
    if url:
        return f"url:{url}"
    return "text:" + " ".join(sorted(_words(source.text or source.snippet)))[:200]


def fuse(ranked: Sequence[Sequence[Source]]) -> list[Merged]:
    """One ranked list from several providers' ranked lists."""
    groups: dict[str, Merged] = {}
    for results in ranked:
        # Ranks count distinct sources: a document's second chunk does not push the next
        # document down.
        order: list[str] = []
        for source in results:
            key = _key(source)
            if key not in order:
                order.append(key)
            rank = order.index(key) + 1
            group = groups.setdefault(key, Merged(key=key))
            group.sources.append(source)
            group.best_rank[source.provider] = min(rank, group.best_rank.get(source.provider, rank))
            group.word_sets.append(_words(source.text or source.snippet))
    merged: list[Merged] = []
    for group in sorted(groups.values(), key=_order):
        copy_of = next((kept for kept in merged if kept.copies(group)), None)
        if copy_of is None:
            merged.append(group)
        else:
            copy_of.absorb(group)
    return sorted(merged, key=_order)


def _order(group: Merged) -> tuple[float, float, str]:
    return (-group.fused_score, -group.best_raw_score, group.key)
