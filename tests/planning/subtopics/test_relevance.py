"""Sub-topics stay on their topic: off-topic angles are dropped before clustering and counted,
off-topic labels are replaced after, and a topic with no on-topic angle is a typed error.

The deterministic fake model with the real embedders (MiniLM for English, the bundled
multilingual-e5 for the rest): the filter's decisions are the embedders', so no fake can
stand in for them."""

from __future__ import annotations

from uuid import UUID

import pytest

from icop.embeddings import MiniLMEmbedder
from icop.embeddings.e5 import MultilingualE5Embedder
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.planning.subtopics import (
    NoOnTopicSubtopics,
    SubtopicResult,
    TopicRelevance,
    generate_subtopics,
)
from tests.planning.subtopics.fakes import router_for, script, section

TENANT = UUID("00000000-0000-4000-8000-000000000612")
# What the bundled model gave for 집에서 하는 퇴비 만들기 (issue #12), next to real angles.
CAKE = "Homemade Chocolate Cake Recipe"
FAMILY_ROOM = "Kitchen and Family Room Creation"
COMPOST_EN = [
    "Composting kitchen scraps in a small apartment",
    "How to balance greens and browns in a compost pile",
    "Why does my compost smell and how to fix it",
    "Choosing a compost bin for the backyard",
    "Worm composting with red wigglers",
    "Can you compost coffee grounds and eggshells",
    "How long until compost is ready to use",
    "Using finished compost in vegetable beds",
]
COMPOST_KO = [
    "음식물 쓰레기로 퇴비 만드는 법",
    "아파트 베란다에서 퇴비 만들기",
    "지렁이 퇴비함 관리하기",
    "퇴비 냄새 없애는 방법",
    "커피 찌꺼기를 퇴비로 활용하기",
    "낙엽으로 부엽토 만들기",
    "완성된 퇴비를 텃밭에 쓰는 법",
    "겨울철 퇴비 관리",
]


@pytest.fixture(scope="module")
def relevance() -> TopicRelevance:
    return TopicRelevance(MultilingualE5Embedder(), MiniLMEmbedder())


async def _run(
    relevance: TopicRelevance,
    topic: str,
    phrases: list[str],
    *,
    language: str,
    provider: FakeProvider | None = None,
    count: int = 2,
) -> SubtopicResult:
    return await generate_subtopics(
        topic,
        count=count,
        language=language,
        tenant_id=TENANT,
        router=router_for(provider or FakeProvider("local", script=script(phrases))),
        embedder=MiniLMEmbedder(),
        candidates=len(phrases),
        relevance=relevance,
    )


@pytest.mark.parametrize(
    ("topic", "language", "angles"),
    [
        ("home composting", "en", COMPOST_EN),
        # The reported row: a Korean topic left in English.
        ("집에서 하는 퇴비 만들기", "en", COMPOST_KO),
        ("집에서 하는 퇴비 만들기", "ko", COMPOST_KO),
    ],
)
async def test_the_chocolate_cake_angle_is_dropped_and_counted(
    relevance: TopicRelevance, topic: str, language: str, angles: list[str]
) -> None:
    phrases = [*angles[:4], CAKE, *angles[4:], FAMILY_ROOM]
    result = await _run(relevance, topic, phrases, language=language)

    members = [member for subtopic in result.subtopics for member in subtopic.members]
    assert CAKE not in members and FAMILY_ROOM not in members
    assert CAKE in result.relevance.off_topic_examples
    assert result.relevance.candidates == len(phrases)
    assert result.relevance.candidates_off_topic == len(phrases) - len(result.candidates)
    assert result.relevance.candidates_off_topic >= 2
    # The real angles survive (at most one lost: the filter favours precision).
    assert len(result.candidates) >= len(angles) - 1
    assert sorted(members) == sorted(result.candidates)
    assert any("candidate angles off topic" in warning for warning in result.warnings)


async def test_an_off_topic_label_is_replaced_by_the_clusters_central_angle(
    relevance: TopicRelevance,
) -> None:
    themed = script(COMPOST_EN)

    def answer(request: CompletionRequest) -> FakeReply:
        assert request.json_schema is not None
        if request.json_schema.name == "SubtopicLabel":
            phrases = section(request, "phrases")
            if any("worm" in phrase.casefold() for phrase in phrases):
                return FakeReply(data={"label": CAKE})
            return FakeReply(data={"label": "Compost tips: " + phrases[0]})
        return themed(request)

    result = await _run(
        relevance,
        "home composting",
        COMPOST_EN,
        language="en",
        provider=FakeProvider("local", script=answer),
    )

    labels = [subtopic.label for subtopic in result.subtopics]
    assert CAKE not in labels
    assert result.relevance.labels_off_topic == 1
    replaced = next(s for s in result.subtopics if any("worm" in m.casefold() for m in s.members))
    assert replaced.label in replaced.members  # named after one of its own angles
    # Its words are none of its angles' (caught before the relevance model is asked).
    assert any(f"label {CAKE!r} names" in warning for warning in result.warnings)
    # Every label now passes the same check.
    verdicts = await relevance.judge("home composting", labels, language="en")
    assert all(verdict.on_topic for verdict in verdicts), verdicts


async def test_angles_in_another_script_than_the_topic_are_held_to_the_same_bar(
    relevance: TopicRelevance,
) -> None:
    # The bundled model answered 집에서 하는 퇴비 만들기 with English home-decor angles that the
    # multilingual model scored like English composting ones: the row is refused, not trusted.
    decor = [
        "What are some common materials used in home decor and renovation?",
        "What are some common tools used in home renovation projects?",
        "Why do people use furniture in their homes?",
    ]
    with pytest.raises(NoOnTopicSubtopics) as raised:
        await _run(relevance, "집에서 하는 퇴비 만들기", [*decor, CAKE], language="en")
    assert raised.value.extra == {"candidates": 4, "off_topic": 4}


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_no_on_topic_angle_is_a_clear_typed_error(
    relevance: TopicRelevance, language: str
) -> None:
    phrases = [
        CAKE,
        FAMILY_ROOM,
        "Decorating a cosy family room on a budget",
        "초콜릿 케이크 레시피",
    ]
    with pytest.raises(NoOnTopicSubtopics) as raised:
        await _run(relevance, "집에서 하는 퇴비 만들기", phrases, language=language)
    error = raised.value
    assert error.status == 422
    assert error.detail == (
        "no on-topic sub-topics for '집에서 하는 퇴비 만들기' (4 of 4 candidates off topic)"
    )
    assert error.extra == {"candidates": 4, "off_topic": 4}


async def test_english_uses_minilm_and_other_languages_the_multilingual_model(
    relevance: TopicRelevance,
) -> None:
    english = await relevance.judge("home composting", [COMPOST_EN[0], CAKE], language="en")
    assert [v.method for v in english] == ["minilm", "minilm"]
    assert [v.on_topic for v in english] == [True, False]
    korean = await relevance.judge(
        "집에서 하는 퇴비 만들기", [COMPOST_KO[0], "초콜릿 케이크 레시피", CAKE], language="ko"
    )
    assert [v.method for v in korean] == ["e5-contrast", "e5-contrast", "e5-contrast-cross-script"]
    assert [v.on_topic for v in korean] == [True, False, False]
    # A topic that is itself one of the generic background titles is not judged against it.
    sourdough = await relevance.judge(
        "Baking sourdough bread", ["Feeding a sourdough starter"], language="fr"
    )
    assert sourdough[0].on_topic, sourdough
