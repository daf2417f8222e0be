"""Citations: is each cited sentence supported by the passage it cites, and does every number
resolve to a source that research actually found?

Support is the gate's own lexical measure (``icop.agents.gate.support``): one implementation
decides what the product lets through and what the published figures count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from icop.agents.gate.support import SUPPORTED_AT, support_score
from icop.agents.gate.text import words
from icop.evaluation.metrics.markdown import CitedUnit, ListedSource


@dataclass(frozen=True)
class CitationSupport:
    cited: int
    """Sentences that carry at least one citation that resolves."""
    supported: int
    """Of those, sentences one of whose cited passages supports them."""
    pairs: int
    supported_pairs: int
    """(sentence, cited source) pairs, and those whose passage supports the sentence."""
    unsupported: tuple[str, ...] = ()

    @property
    def share(self) -> float | None:
        return self.supported / self.cited if self.cited else None

    @property
    def precision(self) -> float | None:
        return self.supported_pairs / self.pairs if self.pairs else None


def citation_support(
    cited_units: Sequence[CitedUnit], passages: Mapping[int, str], language: str
) -> CitationSupport:
    """Support of every cited sentence by the passages its numbers resolve to (numbers that
    resolve to nothing are invented sources, counted by ``invented_sources``)."""
    cited = supported = pairs = supported_pairs = 0
    unsupported: list[str] = []
    for unit in cited_units:
        resolvable = [n for n in unit.numbers if passages.get(n)]
        if not resolvable:
            continue
        cited += 1
        scores = [support_score(unit.text, passages[n], language) for n in resolvable]
        hits = sum(score >= SUPPORTED_AT for score in scores)
        pairs += len(scores)
        supported_pairs += hits
        if hits:
            supported += 1
        else:
            unsupported.append(unit.text[:200])
    return CitationSupport(cited, supported, pairs, supported_pairs, tuple(unsupported))


@dataclass(frozen=True)
class InventedSources:
    unresolved: tuple[int, ...]
    """Numbers cited in the body that no listed source carries."""
    not_researched: tuple[str, ...]
    """Listed sources that are not among what research found (titles)."""
    uncited: tuple[int, ...]
    """Listed sources the body never cites (padding, not invention: reported apart)."""

    @property
    def count(self) -> int:
        return len(self.unresolved) + len(self.not_researched)


def invented_sources(
    body_numbers: set[int],
    listed: Sequence[ListedSource],
    researched: Callable[[ListedSource], bool],
) -> InventedSources:
    numbers = {source.number for source in listed}
    return InventedSources(
        unresolved=tuple(sorted(body_numbers - numbers)),
        not_researched=tuple(source.title[:120] for source in listed if not researched(source)),
        uncited=tuple(sorted(numbers - body_numbers)),
    )


def same_title(a: str, b: str) -> bool:
    return words(a) == words(b) and bool(words(a))
