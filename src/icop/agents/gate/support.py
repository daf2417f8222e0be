"""Does a cited passage support a sentence? Lexical support: the share of the sentence's
content terms (words, or Hangul/CJK character bigrams) that the passage contains.

Why lexical and not a model (an NLI model or the LLM as judge): it is deterministic, costs
nothing, works in every script, and it is what a wrong citation fails most visibly — a sentence
about balcony plants cited to "home composting basics" shares almost no terms with it. It is
blind to negation and paraphrase; the threshold below was chosen on a labelled set of sentences
from real drafts (tests/agents/gate/test_support.py holds it with the measured precision and
recall) to reject wrong sources while accepting paraphrases of the right one.
"""

from __future__ import annotations

from collections.abc import Sequence

from icop.agents.gate.text import content_terms, sentences

SUPPORTED_AT = 0.34
"""A sentence is supported by a passage when at least this share of its content terms occurs
in the passage (measured: see the module docstring)."""

MIN_TERMS = 2
"""A unit with fewer content terms ("Why it matters.") states nothing to support."""

# Function words a sentence shares with any passage (English, and the Korean endings and
# particles that become frequent bigrams): they would make every passage look supportive.
_ENGLISH = (
    "about also and are because been being both but can could does each even every for "
    "from has have here how into its just like made make many more most much must need not "
    "only other our out over same should some such than that the their them then there "
    "these they this those very was way were what when where which while who why will with "
    "would you your yours is it be to of in on as at by or an if so do we us"
)
_KOREAN = (
    "니다 습니 합니 있습 입니 에서 으로 하는 하고 하면 하여 해서 것이 것은 것을 수있 "
    "있는 있다 한다 된다 됩니 이다 에는 에게 까지 부터 그리 그러 하지 않습 않는 때문"
)
STOPWORDS = frozenset(_ENGLISH.split()) | frozenset(_KOREAN.split())


def terms(text: str, language: str = "en") -> set[str]:
    return content_terms(text, language, STOPWORDS)


def support_score(sentence: str, passage: str, language: str = "en") -> float:
    """The share (0..1) of ``sentence``'s content terms found in ``passage``; 0.0 for a
    sentence with too few terms to judge."""
    claimed = terms(sentence, language)
    if len(claimed) < MIN_TERMS:
        return 0.0
    return len(claimed & terms(passage, language)) / len(claimed)


def supported(sentence: str, passage: str, language: str = "en") -> bool:
    return support_score(sentence, passage, language) >= SUPPORTED_AT


STATED_AT = 0.5
"""A fact is stated by a sentence that contains at least half of its content terms: a fact is
one specific statement, and a sentence restating it shares most of its words. ``SUPPORTED_AT``
(a third) is for a sentence checked against a whole passage; against one short fact it accepts
a sentence that only names the subject ("compost should stay moist" for "compost should feel
as moist as a wrung-out sponge")."""


def stated(facts: Sequence[str], text: str, language: str = "en") -> list[bool]:
    """For each fact, whether one sentence of ``text`` states it (at ``STATED_AT``)."""
    units = sentences(text)
    return [
        max((support_score(fact, unit, language) for unit in units), default=0.0) >= STATED_AT
        for fact in facts
    ]
