"""Research claims read from the passages themselves (icop.agents.claims), and a model's
claims checked against them."""

from __future__ import annotations

from icop.agents import claims
from icop.agents.gate.support import SUPPORTED_AT, support_score
from icop.agents.schemas import Claim, ResearchSummary, Source

# A passage as retrieval returns it: a chunk that starts and stops mid-sentence.
COMPOST = Source(
    number=1,
    title="Home composting basics",
    snippet=(
        "by volume. Too many greens make a wet, smelly heap.\n\n"
        "## Moisture\n\n"
        "Compost should feel as moist as a wrung-out sponge: a handful squeezed hard releases "
        "a drop or two of water. Why does it smell? "
        "Turning the heap every one to two weeks keeps oxygen flowing. "
        "Turning the heap every week or two keeps the oxygen flowing. "
        "A well-managed heap can produce usable compost in two to six months. "
        "Finished compost smells of forest floor, and you can no longer recognise what went in"
    ),
)
HOT = Source(
    number=2,
    title="Hot and cold composting",
    snippet="… A hot heap reaches 55 to 65 degrees Celsius in its centre within a few days.",
)
KOREAN = Source(
    number=1,
    title="집에서 퇴비 만들기의 기초",
    snippet=(
        "퇴비 더미는 꼭 짠 스펀지 정도의 습기를 유지해야 합니다. "
        "1~2주에 한 번 뒤집어 주면 공기가 들어가 냄새가 줄어들고 분해도 빨라집니다. "
        "왜 그럴까요?"
    ),
)


def test_claims_are_the_passages_whole_statements_in_reading_order() -> None:
    found = claims.from_sources([COMPOST, HOT], "home composting", "en")
    texts = [c.text for c in found]
    assert texts == [
        "Too many greens make a wet, smelly heap.",
        "Compost should feel as moist as a wrung-out sponge: a handful squeezed hard releases "
        "a drop or two of water.",
        "Turning the heap every one to two weeks keeps oxygen flowing.",
        "A well-managed heap can produce usable compost in two to six months.",
        "A hot heap reaches 55 to 65 degrees Celsius in its centre within a few days.",
    ]
    # Not the chunk's cut ends, the heading, the question or the near-repeat of a claim.
    assert [c.sources for c in found] == [[1], [1], [1], [1], [2]]
    passages = {1: COMPOST.snippet, 2: HOT.snippet}
    assert all(support_score(c.text, passages[c.sources[0]]) >= SUPPORTED_AT for c in found)


def test_with_fewer_places_the_specific_statements_win() -> None:
    found = claims.from_sources([COMPOST, HOT], "home composting", "en", limit=2)
    # The two that carry the most content and a figure; the order is still the documents'.
    assert [c.text[:20] for c in found] == ["Compost should feel ", "A well-managed heap "]


def test_korean_statements_keep_their_ranges() -> None:
    found = claims.from_sources([KOREAN], "집에서 퇴비 만들기", "ko")
    assert [c.text for c in found] == [
        "퇴비 더미는 꼭 짠 스펀지 정도의 습기를 유지해야 합니다.",
        "1~2주에 한 번 뒤집어 주면 공기가 들어가 냄새가 줄어들고 분해도 빨라집니다.",
    ]


def test_a_models_claims_are_checked_deduplicated_and_topped_up() -> None:
    looping = "A well-managed heap can produce usable compost in two to six months."
    summary = ResearchSummary(
        summary="Compost needs air, water and time.",
        claims=[
            Claim(text=looping, sources=[1]),
            Claim(text=looping, sources=[1]),
            Claim(text=looping, sources=[1, 2]),
            # Not what the passage it cites says.
            Claim(text="Compost bins must be made of cedar wood to last decades.", sources=[1]),
            # A source research did not find.
            Claim(text="A hot heap reaches 55 degrees.", sources=[9]),
        ],
    )
    digest = claims.digest([COMPOST, HOT], "home composting", "en", summary)
    assert digest.summary == "Compost needs air, water and time."
    assert [(c.text, c.sources) for c in digest.claims[:1]] == [(looping, [1])]
    rest = [c.text for c in digest.claims[1:]]
    assert looping not in rest and len(rest) == 4
    assert "A hot heap reaches 55 to 65 degrees Celsius in its centre within a few days." in rest
    assert [s.number for s in digest.sources] == [1, 2]


def test_without_a_model_there_is_no_summary_to_repeat_the_claims() -> None:
    digest = claims.digest([HOT], "hot composting", "en")
    assert digest.summary == "" and digest.claims[0].sources == [2]
