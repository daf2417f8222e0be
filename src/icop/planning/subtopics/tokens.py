"""Keyword tokens for c-TF-IDF in every script the product accepts, Hangul included.

BERTopic's own preprocessing (``language="english"``) deletes every character outside
``[A-Za-z0-9 ]``: Korean candidates became empty documents, the vocabulary shrank to nothing or
to BERTopic's placeholder ``emptydoc``, and c-TF-IDF crashed (issue #12). Clustering now passes
``language="multilingual"`` and this analyzer decides what a token is:

- words are runs of letters, digits and combining marks (``\\w`` splits Thai and Devanagari
  words at their vowel signs), NFKC-normalised and casefolded;
- scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan) give
  character bigrams, the usual unit for keyword statistics there;
- Hangul words (eojeol) lose their trailing particle, so that 퇴비를, 퇴비는 and 퇴비 count as
  one keyword: particles of two or more syllables are always removed, 을/를/와/과/에 after a
  stem of two syllables or more, and the ambiguous ones (이, 가, 의, 는 …) only when the stem
  is seen on its own elsewhere in the candidates, because they also end many nouns (지렁이,
  회의) and verb forms (만드는);
- stop words: English function words, Korean function and question words, and the topic's own
  words (every cluster shares them, so they never set one apart);
- word bigrams of neighbouring spaced words, as before.

Measured against a morphological analyser (kiwipiepy, ~100 MB with its model) on Korean
candidate sets: benchmarks/subtopic_relevance.py and docs/subtopics.md have the figures.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable

Analyzer = Callable[[str], list[str]]

# Closed-class words of English, and of reader questions (left in, "does" became a keyword).
_ENGLISH_EXTRA = ("does", "did", "doing", "need", "use", "using", "versus", "vs", "worth")
_ENDINGS = ("ing", "ers", "er", "ed", "es", "s")

# Korean particles, longest first. The long ones are never the end of a noun.
_LONG_PARTICLES = (
    "에서부터", "으로부터", "이라는", "이라고", "에게서", "한테서", "로부터", "에서는",
    "에서도", "으로는", "으로도", "에게는", "까지", "부터", "에서", "에게", "한테", "께서",
    "으로", "처럼", "보다", "만큼", "마다", "조차", "밖에", "이나", "이랑", "라는", "라고",
    "에는", "에도", "와의", "과의", "와도", "과도",
)  # fmt: skip
# One syllable: after a stem of two or more syllables these are particles (a noun rarely ends
# in them)…
_SHORT_PARTICLES = ("을", "를", "와", "과", "에")
# …and these end many nouns (지렁이, 회의, 도로) and verb forms (만드는): removed only where the
# stem is also seen without them.
_AMBIGUOUS_PARTICLES = ("은", "는", "이", "가", "의", "도", "만", "로")
# Function words, light verbs and question words: they say how, not what.
_KOREAN_STOP_WORDS = frozenset(
    """
    하는 하기 하고 하면 하려면 한 할 함 해 해서 했던 하다 합니다 하나요 할까요 위한 위해
    있는 없는 되는 된 될 되다 안 못 및 등 것 수 때 더 잘 좀 그 이 저 왜 어떻게 무엇
    무엇인가요 어떤 얼마나 언제 어디 어디서 누가 방법 법 요령 팁 가이드 이유 관한 대한
    대해 통한 통해 같은 모든 각 또는 그리고
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han
    (0xF900, 0xFAFF),  # Han compatibility
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # Han extensions B and on
)


def _is_hangul(char: str) -> bool:
    code = ord(char)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def _is_unspaced(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _UNSPACED_RANGES)


def _script(char: str) -> str:
    if _is_hangul(char):
        return "hangul"
    if _is_unspaced(char):
        return "unspaced"
    return "spaced"


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def segments(text: str) -> list[tuple[str, str]]:
    """``(script, run)`` pairs: runs of word characters of one script class, in order."""
    text = unicodedata.normalize("NFKC", text).casefold()
    found: list[tuple[str, str]] = []
    for is_word, chars in itertools.groupby(text, _is_word_char):
        if not is_word:
            found.append(("break", ""))
            continue
        run = "".join(chars)
        for script, part in itertools.groupby(run, _script):
            found.append((script, "".join(part)))
    return found


def _strip_long_particle(word: str) -> str:
    for particle in _LONG_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return word


def korean_stems(words: Iterable[str]) -> dict[str, str]:
    """Each Hangul word's stem, decided over the whole set of words (see the module doc)."""
    seen = list(dict.fromkeys(words))
    bare = {_strip_long_particle(word) for word in seen}
    stems: dict[str, str] = {}
    for word in seen:
        stem = _strip_long_particle(word)
        unambiguous = len(word) >= 3 and word[-1] in _SHORT_PARTICLES
        seen_bare = word[-1] in _AMBIGUOUS_PARTICLES and word[:-1] in bare
        if stem == word and (unambiguous or seen_bare):
            stem = word[:-1]
        stems[word] = stem
    return stems


def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(_ENGLISH_EXTRA)


def _inflections(word: str) -> set[str]:
    """Crude English inflections, so "compost" is not a keyword of "composting"'s clusters."""
    forms = {word, f"{word}s", f"{word}es"}
    forms |= {
        word[: -len(end)] for end in _ENDINGS if word.endswith(end) and len(word) > len(end) + 2
    }
    return forms


class KeywordAnalyzer:
    """A CountVectorizer ``analyzer``: a text's unigram and bigram keyword tokens.

    Built over the candidates it will see (the Korean stems are decided across them) and the
    topic (whose words are stop words, unless ``stop_words`` is off)."""

    def __init__(self, candidates: Iterable[str], topic: str, *, stop_words: bool = True) -> None:
        texts = [*candidates, topic]
        hangul = [run for text in texts for script, run in segments(text) if script == "hangul"]
        self._stems = korean_stems(hangul)
        self._stop: frozenset[str] = frozenset()
        if stop_words:
            topic_words: set[str] = set()
            for word in self.words(topic):
                if word:
                    topic_words |= _inflections(word)
            self._stop = _english_stop_words() | _KOREAN_STOP_WORDS | topic_words

    def words(self, text: str) -> list[str | None]:
        """Unigram tokens before stop words; ``None`` marks where a bigram must not span."""
        tokens: list[str | None] = []
        for script, run in segments(text):
            if script == "break":
                tokens.append(None)
            elif script == "hangul":
                tokens.append(self._stems.get(run) or korean_stems([run])[run])
            elif script == "unspaced":
                tokens.append(None)
                tokens.extend(run if len(run) == 1 else _bigrams(run))
                tokens.append(None)
            elif len(run) >= 2 or run.isdigit():
                tokens.append(run)
        return tokens

    def __call__(self, text: str) -> list[str]:
        kept = [token if token not in self._stop else None for token in self.words(text)]
        unigrams = [token for token in kept if token]
        bigrams = [
            f"{a} {b}"
            for a, b in itertools.pairwise(kept)
            if a and b and not (_is_unspaced(a[0]) or _is_unspaced(b[0]))
        ]
        tokens = unigrams + bigrams
        if not tokens and not self._stop:
            # Nothing that looks like a word (say "___"): the phrase itself, so that a
            # vocabulary is never empty once stop words are off.
            phrase = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
            return [phrase] if phrase else []
        return tokens


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]
