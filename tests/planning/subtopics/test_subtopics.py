"""Sub-topic generation with the deterministic fake model and the hashing embedder."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

import pytest

from icop.embeddings import HashingEmbedder
from icop.llm.providers.base import CompletionRequest, ProviderAuthError
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.structured import unbounded_paths
from icop.planning.subtopics import (
    SubtopicRequestInvalid,
    SubtopicResult,
    TooFewCandidates,
    generate_subtopics,
)
from icop.planning.subtopics.expansion import distinct
from icop.planning.subtopics.schemas import CandidateAngles, SubtopicLabel, angles_model
from tests.planning.subtopics.fakes import (
    ALL_PHRASES,
    THEMES,
    LabelRule,
    router_for,
    script,
    section,
)

TENANT = UUID("00000000-0000-4000-8000-000000000005")


async def _run(
    provider: FakeProvider, *, count: int = 4, candidates: int = 60, topic: str = "home composting"
) -> SubtopicResult:
    return await generate_subtopics(
        topic,
        count=count,
        language="en",
        tenant_id=TENANT,
        router=router_for(provider),
        embedder=HashingEmbedder(),
        candidates=candidates,
    )


def _theme_of(phrase: str) -> str:
    return next(name for name, phrases in THEMES.items() if phrase in phrases)


def test_model_facing_schemas_are_bounded() -> None:
    for model in (CandidateAngles, angles_model(5), SubtopicLabel):
        assert unbounded_paths(model.model_json_schema()) == [], model.__name__
    assert angles_model(5).model_json_schema()["properties"]["angles"]["maxItems"] == 5


def test_near_exact_candidates_are_dropped() -> None:
    assert distinct(
        ["1. Worm bins: how?", "how worm bins", "  - Worm   bins: HOW? ", '"Hot piles"', "ok"]
    ) == ["Worm bins: how?", "Hot piles"]


async def test_clusters_follow_the_themes_and_carry_the_models_labels() -> None:
    provider = FakeProvider("local", script=script())
    result = await _run(provider)

    assert len(result.subtopics) == 4
    assert result.candidates == ALL_PHRASES
    assert result.warnings == []
    # Three expansion calls of 20 (one per focus), then one label call per cluster.
    names = [call.json_schema.name for call in provider.calls if call.json_schema]
    assert names == ["CandidateAngles"] * 3 + ["SubtopicLabel"] * 4
    for subtopic in result.subtopics:
        assert subtopic.size == len(subtopic.members) == 15
        assert len({_theme_of(member) for member in subtopic.members}) == 1
        assert subtopic.label == f"All about {subtopic.keywords[0]}"
        assert 0 < subtopic.centroid_similarity <= 1
    # The topic's own words are stop words: they say nothing about a cluster.
    assert not any(
        word in {"home", "composting", "compost"}
        for subtopic in result.subtopics
        for word in subtopic.keywords
    )
    members = sorted(member for subtopic in result.subtopics for member in subtopic.members)
    assert members == sorted(ALL_PHRASES)
    ranking = [(-s.size, -s.centroid_similarity) for s in result.subtopics]
    assert ranking == sorted(ranking)
    assert set(result.timings) >= {"expand_s", "embed_s", "cluster_s", "label_s", "dedupe_s"}


async def test_the_same_inputs_give_the_same_result() -> None:
    first = await _run(FakeProvider("local", script=script()), count=3)
    second = await _run(FakeProvider("local", script=script()), count=3)
    assert len(first.subtopics) == 3
    assert [asdict(s) for s in first.subtopics] == [asdict(s) for s in second.subtopics]
    assert first.candidates == second.candidates


@pytest.mark.parametrize("count", [2, 5])
async def test_k_is_respected(count: int) -> None:
    result = await _run(FakeProvider("local", script=script()), count=count)
    assert len(result.subtopics) == count
    assert sum(s.size for s in result.subtopics) == len(ALL_PHRASES)
    assert len({s.label for s in result.subtopics}) == count


async def test_near_duplicate_labels_merge_and_the_next_best_candidate_fills_in() -> None:
    def same_for_worms_and_heat(keywords: list[str], phrases: list[str]) -> str:
        if len(phrases) == 1:
            return f"Guide: {phrases[0]}"
        if keywords[0] in {"worm", "hot"}:
            # Two spellings of one label: the same words, so the same sub-topic.
            return "Composting basics" if keywords[0] == "worm" else "Basics of composting"
        return f"All about {keywords[0]}"

    rule: LabelRule = same_for_worms_and_heat
    result = await _run(FakeProvider("local", script=script(label=rule)))

    labels = [s.label for s in result.subtopics]
    assert len(labels) == 4 and len(set(labels)) == 4
    assert labels.count("Composting basics") == 1
    assert "Basics of composting" not in labels
    merged = next(s for s in result.subtopics if s.label == "Composting basics")
    # The worm and heat clusters are one sub-topic now, less the one angle promoted to fill
    # the gap (the candidate least like every remaining label).
    assert {_theme_of(m) for m in merged.members} == {"worms", "heat"}
    filler = next(s for s in result.subtopics if s.label.startswith("Guide: "))
    assert filler.size == 1 and filler.label == f"Guide: {filler.members[0]}"
    assert merged.size == 29
    assert sum(s.size for s in result.subtopics) == len(ALL_PHRASES)
    assert any("merged near-duplicate" in warning for warning in result.warnings)


async def test_fewer_distinct_candidates_than_requested_lowers_k_with_a_warning() -> None:
    phrases = ["worm bins for flats", "Worm bins for flats!", "hot pile heat", "leaf mould"]
    result = await _run(FakeProvider("local", script=script(phrases)), count=4, candidates=20)
    assert len(result.candidates) == 3
    assert len(result.subtopics) == 3
    assert any("3 sub-topics instead of 4" in warning for warning in result.warnings)


async def test_too_few_candidates_is_a_typed_error() -> None:
    phrases = ["worm bins", "Worm bins", "WORM BINS."]
    with pytest.raises(TooFewCandidates) as raised:
        await _run(FakeProvider("local", script=script(phrases)), count=2, candidates=20)
    assert raised.value.status == 422
    assert raised.value.extra == {"candidates": 1}


@pytest.mark.parametrize(
    ("topic", "count", "candidates"),
    [("   ", 4, 60), ("home composting", 0, 60), ("home composting", 5, 4), ("x" * 301, 2, 60)],
)
async def test_invalid_requests_are_refused_before_any_model_call(
    topic: str, count: int, candidates: int
) -> None:
    provider = FakeProvider("local", script=script())
    with pytest.raises(SubtopicRequestInvalid):
        await _run(provider, count=count, candidates=candidates, topic=topic)
    assert provider.calls == []


async def test_a_failed_or_topic_only_label_falls_back_to_the_most_central_angle() -> None:
    themed = script()

    def answer(request: CompletionRequest) -> FakeReply:
        assert request.json_schema is not None
        if request.json_schema.name == "SubtopicLabel":
            top = section(request, "keywords")[0]
            if top == "worm":
                return FakeReply(error=ProviderAuthError("local", "key revoked"))
            if top == "hot":
                return FakeReply(data={"label": "Home  composting."})  # only the main topic
        return themed(request)

    result = await _run(FakeProvider("local", script=answer), count=4)
    for theme in ("worms", "heat"):
        named = next(s for s in result.subtopics if _theme_of(s.members[0]) == theme)
        assert named.label == named.members[0]
    assert sum("named after its most central angle" in w for w in result.warnings) == 2
