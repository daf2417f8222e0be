"""Korean (and other scripts) through c-TF-IDF: the crash of issue #12 item 6, keywords that are
Hangul words, and degenerate candidate sets that give a result or a typed error, never a crash.
The deterministic fake model and the hashing embedder; no relevance check here."""

from __future__ import annotations

import re
from uuid import UUID

import numpy as np
import pytest

from icop.embeddings import HashingEmbedder
from icop.llm.providers.fake import FakeProvider
from icop.planning.subtopics import (
    KeywordLabeller,
    SubtopicResult,
    TooFewCandidates,
    cluster_candidates,
    generate_subtopics,
)
from icop.planning.subtopics.tokens import KeywordAnalyzer, korean_stems
from tests.planning.subtopics.fakes import ALL_PHRASES_KO, THEMES_KO, router_for, script

TENANT = UUID("00000000-0000-4000-8000-000000000012")
TOPIC = "집에서 하는 퇴비 만들기"
HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+( [\uac00-\ud7a3]+)?$")


async def _korean(phrases: list[str], language: str, count: int = 4) -> SubtopicResult:
    return await generate_subtopics(
        TOPIC,
        count=count,
        language=language,
        tenant_id=TENANT,
        router=router_for(FakeProvider("local", script=script(phrases))),
        embedder=HashingEmbedder(),
        candidates=len(phrases),
    )


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_korean_candidates_cluster_with_hangul_keywords(language: str) -> None:
    # Before: BERTopic's English preprocessing blanked every phrase and c-TF-IDF crashed
    # (TypeError in scipy's diags, or "empty vocabulary"), whatever the row's language.
    result = await _korean(ALL_PHRASES_KO, language)

    assert len(result.subtopics) == 4
    words_of_members = {word for phrase in ALL_PHRASES_KO for word in phrase.split()}
    for subtopic in result.subtopics:
        assert subtopic.keywords, subtopic
        for keyword in subtopic.keywords:
            assert HANGUL_WORD.match(keyword), keyword
            # A keyword is a word of the candidates, or one with its particle removed.
            for part in keyword.split():
                assert any(word.startswith(part) for word in words_of_members), keyword
        # The fake labeller names a cluster after its top keyword: a Hangul word.
        assert HANGUL_WORD.match(subtopic.label.removeprefix("All about ")), subtopic.label
    # The head word of a cluster's main theme is one of its keywords (the hashing embedder
    # groups phrases by shared words, imperfectly), and the topic's own words never are.
    theme_of = {phrase: theme for theme, phrases in THEMES_KO.items() for phrase in phrases}
    for subtopic in result.subtopics:
        themes = [theme_of[member] for member in subtopic.members]
        assert max(set(themes), key=themes.count) in subtopic.keywords, subtopic
    keywords = {keyword for subtopic in result.subtopics for keyword in subtopic.keywords}
    assert not keywords & {"퇴비", "집", "하는", "만들기"}


def test_particles_are_removed_only_where_they_are_particles() -> None:
    stems = korean_stems(
        ["퇴비를", "퇴비는", "퇴비", "지렁이", "지렁이에게", "회의", "도로", "낙엽과"]
    )
    assert stems["퇴비를"] == stems["퇴비는"] == stems["퇴비"] == "퇴비"
    assert stems["지렁이"] == stems["지렁이에게"] == "지렁이"  # 이 ends the noun here
    assert stems["회의"] == "회의" and stems["도로"] == "도로"
    assert stems["낙엽과"] == "낙엽"


@pytest.mark.parametrize(
    ("phrases", "tokens"),
    [
        (["堆肥の作り方", "生ごみ堆肥"], {"堆肥", "生ご"}),  # Japanese: Han and kana bigrams
        (["家庭堆肥方法", "厨余堆肥"], {"堆肥", "家庭"}),  # Chinese
        (["การทำปุ๋ยหมัก", "ปุ๋ยหมักในบ้าน"], set()),  # Thai: no spaces, vowel marks
        (["السماد المنزلي", "تسميد بقايا الطعام"], {"السماد", "المنزلي"}),  # Arabic
        (["домашний компост", "компост из отходов"], {"компост", "домашний"}),  # Cyrillic
    ],
)
def test_every_script_gives_tokens(phrases: list[str], tokens: set[str]) -> None:
    analyzer = KeywordAnalyzer(phrases, "topic")
    found = {token for phrase in phrases for token in analyzer(phrase)}
    assert found and tokens <= found, found


@pytest.mark.parametrize(
    "phrases",
    [
        ["堆肥の作り方", "生ごみ堆肥の始め方", "ベランダで堆肥", "堆肥の匂い対策"],
        ["การทำปุ๋ยหมัก", "ปุ๋ยหมักในบ้าน", "ปุ๋ยหมักจากเศษอาหาร", "กลิ่นปุ๋ยหมัก"],
        ["퇴비를", "퇴비는"],  # one word once the particles go: a vocabulary of one
        ["만들기", "하는 만들기"],  # only the topic's words: no vocabulary with stop words
        ["___", "----x"],  # nothing that looks like a word
    ],
)
async def test_degenerate_or_foreign_candidates_give_sub_topics(phrases: list[str]) -> None:
    result = await cluster_candidates(
        TOPIC,
        phrases,
        count=2,
        language="ko",
        embedder=HashingEmbedder(),
        labeller=KeywordLabeller(),
    )
    assert len(result.subtopics) == 2
    assert sum(subtopic.size for subtopic in result.subtopics) == len(result.candidates)
    assert all(subtopic.label for subtopic in result.subtopics)


@pytest.mark.parametrize("phrases", [["퇴비 만들기"] * 5, ["퇴비 만들기"], []])
async def test_identical_or_single_candidates_are_a_typed_error(phrases: list[str]) -> None:
    with pytest.raises(TooFewCandidates) as raised:
        await cluster_candidates(
            TOPIC,
            phrases,
            count=2,
            language="ko",
            embedder=HashingEmbedder(),
            labeller=KeywordLabeller(),
        )
    assert raised.value.status == 422


def test_one_word_vocabulary_does_not_crash_c_tf_idf() -> None:
    from scipy import sparse

    from icop.planning.subtopics.representation import SafeClassTfidf

    counts = sparse.csr_matrix(np.array([[3.0], [1.0]]))
    weights = SafeClassTfidf(reduce_frequent_words=True).fit(counts).transform(counts)
    assert weights.shape == (2, 1) and np.all(weights.toarray() > 0)
