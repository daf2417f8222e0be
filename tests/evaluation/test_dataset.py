"""The shipped evaluation topics load, meet the format the peers' runners read too, and every key
fact is stated in the topic's own reference documents (so coverage measures the article, not a
fact nobody could have found)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icop.errors import ConfigurationError, NotFound
from icop.evaluation.dataset import EvalTopic, load_topics, read_topic

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _tokens(text: str, language: str) -> set[str]:
    # Korean: character bigrams (endings vary, stems do not); elsewhere words of 3+ letters.
    if language.startswith("ko"):
        squeezed = re.sub(r"\W", "", text.lower())
        return {squeezed[i : i + 2] for i in range(len(squeezed) - 1)}
    return {word for word in re.findall(r"\w+", text.lower()) if len(word) > 2}


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", " ".join(text.split()))


def test_at_least_twelve_topics_four_in_korean() -> None:
    topics = load_topics()
    assert len(topics) >= 12
    korean = [topic for topic in topics if topic.base_language == "ko"]
    assert len(korean) >= 4
    for topic in korean:
        prose = " ".join(document.body for document in topic.documents)
        letters = [c for c in prose if c.isalpha()]
        assert sum(bool(HANGUL.match(c)) for c in letters) / len(letters) > 0.9, topic.id


@pytest.mark.parametrize("topic", load_topics(), ids=lambda topic: topic.id)
def test_topic_format(topic: EvalTopic) -> None:
    assert 300 <= topic.length_words <= 400
    assert 5 <= len(topic.key_facts) <= 8
    assert 2 <= len(topic.documents) <= 3
    for document in topic.documents:
        words = len(document.text.split())
        assert 250 <= words <= 500, (document.name, words)
        assert document.title and not document.body.startswith("#")


@pytest.mark.parametrize("topic", load_topics(), ids=lambda topic: topic.id)
def test_every_key_fact_is_stated_in_a_reference_document(topic: EvalTopic) -> None:
    sentences = [s for document in topic.documents for s in _sentences(document.body)]
    for fact in topic.key_facts:
        wanted = _tokens(fact, topic.language)
        best = max(len(wanted & _tokens(s, topic.language)) / len(wanted) for s in sentences)
        assert best >= 0.85, (fact, best)


def test_topics_by_id_in_the_order_asked() -> None:
    topics = load_topics(["ko-home-composting", "home-composting"])
    assert [topic.id for topic in topics] == ["ko-home-composting", "home-composting"]
    with pytest.raises(NotFound, match="no evaluation topic 'nope'"):
        load_topics(["nope"])


def test_a_malformed_topic_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    (folder / "docs").mkdir(parents=True)
    (folder / "topic.yaml").write_text(
        "id: broken\ntopic: Something\nlanguage: en\naudience: x\nlength_words: 2000\n"
        "keywords: [a]\nkey_facts: [a, b, c, d, e]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match="length_words"):
        read_topic(folder)
