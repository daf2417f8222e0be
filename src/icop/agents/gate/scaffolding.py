"""Prompt scaffolding in an answer: sentences and headings that come from the prompt rather than
from the writer — the instructions copied as prose, the brand's samples pasted in, the input
fields' labels used as headings.

Detected against the text actually sent (the templates and the inputs of the call), by a shared
run of ``n`` consecutive words, not by a list of known phrases: whatever the prompt says next
year is caught the same way. Labels are too short for n-grams and are matched whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from icop.agents.gate.text import is_dense, ngrams, plain, sentences, words

SPARSE_RUN = 7
"""Seven words in a row shared with the prompt are copied, not coincidence: ordinary phrases
("one of the most important", "at the end of the day") are shorter."""
DENSE_RUN = 10
"""In Hangul/CJK bigrams: ten overlapping bigrams are eleven characters, about three Korean
words with their particles."""

_LABEL_LINE = re.compile(r"^\s*(?:#{1,6}\s*)?\**([^*:\n]{1,40}?)\**\s*:?\s*\**\s*$")
_BOLD_LABEL = re.compile(r"^\s*[-*]?\s*\*\*([^*\n]{1,40})\*\*\s*:\s*[\d,\s\[\]]*$")


def run_length(language: str) -> int:
    return DENSE_RUN if is_dense(language) else SPARSE_RUN


def reference_grams(references: Iterable[str], n: int, language: str) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for reference in references:
        # Across sentence ends: a short prompt sentence is then still inside a run.
        grams.update(ngrams(words(plain(reference), language), n))
    return grams


MIN_WHOLE = 4
"""A shorter sentence found whole in the prompt ("Use only the given source numbers.") is
copied too; below four words, a match is a common phrase."""


def leaks(sentence: str, grams: set[tuple[str, ...]], n: int, language: str) -> bool:
    """Whether ``sentence`` shares a run of ``n`` words with the references whose n-grams are
    ``grams``, or (shorter than ``n``) is itself one piece of such a run."""
    tokens = words(plain(sentence), language)
    if len(tokens) >= n:
        return any(gram in grams for gram in ngrams(tokens, n))
    if len(tokens) < MIN_WHOLE:
        return False
    whole = tuple(tokens)
    return any(
        gram[i : i + len(whole)] == whole for gram in grams for i in range(n - len(whole) + 1)
    )


def leaked_sentences(text: str, references: Sequence[str], language: str = "en") -> list[str]:
    """The sentences and headings of ``text`` that share a run of words with a reference."""
    n = run_length(language)
    grams = reference_grams(references, n, language)
    return [sentence for sentence in sentences(text) if leaks(sentence, grams, n, language)]


def normalise_label(text: str) -> str:
    return " ".join(words(text.replace("_", " "))).strip()


def labels_of(field_names: Iterable[str]) -> frozenset[str]:
    """Input field names as a model would write them as headings: ``brand_voice`` →
    "brand voice"; numbered variants ("sample 1") are matched by ``is_label``."""
    return frozenset(normalise_label(name) for name in field_names)


def is_label(line: str, labels: frozenset[str]) -> bool:
    """A heading or a bold "**Label**:" line whose text is an input field's name (optionally
    numbered: "Sample 2", "Claim 3")."""
    match = _BOLD_LABEL.match(line) or _LABEL_LINE.match(line)
    if match is None or not (line.lstrip().startswith("#") or _BOLD_LABEL.match(line)):
        return False
    label = re.sub(r"\s*\d+$", "", normalise_label(match.group(1)))
    return label in labels
