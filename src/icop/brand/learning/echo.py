"""Is a model's tone description a description, or its instructions said back?

Small local models, asked to describe a voice, sometimes restate the prompt instead ("Second
person imitates brand's writing voice…": the measured ``person: second`` glued to the system
prompt's words). Such a description tells a writer nothing, so the agent rejects it and keeps
the one built from the measured figures.

Two signals, either one rejects:

- **echoed words**: the share of the description's content words that come from the
  instructions (system text and the output fields' descriptions) and not from the brand's own
  excerpts. Words any voice description needs (voice, tone, reader, sentences, the formality
  labels …) do not count, since the instructions name them too; nor do the measured figures'
  words ("second person", "contractions"): quoting what was measured is describing;
- **copied runs**: word trigrams taken over from the system prompt and field descriptions.

Words are compared lower-cased with a crude suffix strip ("imitates" ~ "imitate"), which is
enough for echoes and needs no language model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from icop.brand.learning.tone import STOPWORDS as _STOPWORDS

ECHO_SHARE = 0.34
"""Above this share of echoed content words (and at least MIN_ECHOED of them) a description
is taken for a restated prompt."""
MIN_ECHOED = 2
MAX_COPIED_TRIGRAMS = 1
"""More shared trigrams than this (stopword-only ones aside) is copying."""

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_SUFFIXES = ("ing", "es", "ed", "s", "e")

# The words a description of a voice is made of whatever the prompt said.
VOICE_WORDS = frozenset(
    {
        "voice",
        "tone",
        "style",
        "reader",
        "readers",
        "sentence",
        "sentences",
        "short",
        "long",
        "formal",
        "neutral",
        "casual",
        "register",
        "rhythm",
        "attitude",
        "word",
        "words",
        "never",
    }
)


def _stem(word: str) -> str:
    word = word.lower().removesuffix("'s")
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def _content_stems(words: Iterable[str]) -> list[str]:
    return [
        _stem(word)
        for word in words
        if word not in _STOPWORDS and word not in VOICE_WORDS and len(word) > 2
    ]


def _trigrams(words: list[str]) -> set[tuple[str, str, str]]:
    stems = [_stem(word) for word in words]
    return {
        (a, b, c)
        for a, b, c in zip(stems, stems[1:], stems[2:], strict=False)
        if not {a, b, c} <= _STOPWORDS
    }


def echoes_prompt(description: str, *, instructions: str, samples: Iterable[str]) -> bool:
    """True when ``description`` restates the prompt rather than describing the samples."""
    words = _words(description)
    content = _content_stems(words)
    if not content:
        return True  # nothing but function words and the prompt's own labels
    own = set(_content_stems(word for text in samples for word in _words(text)))
    prompt = set(_content_stems(_words(instructions))) - own
    echoed = [stem for stem in content if stem in prompt]
    if len(echoed) >= MIN_ECHOED and len(echoed) / len(content) > ECHO_SHARE:
        return True
    return len(_trigrams(words) & _trigrams(_words(instructions))) > MAX_COPIED_TRIGRAMS
