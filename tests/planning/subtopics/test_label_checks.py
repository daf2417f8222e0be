"""Sub-topic labels that became article titles in a demo run: one cut mid-phrase at the label
limit, one naming a word none of its angles used ("balloon" for balcony angles)."""

from __future__ import annotations

from collections.abc import Sequence

from icop.embeddings import HashingEmbedder
from icop.planning.subtopics import cluster_candidates
from icop.planning.subtopics.labels import tidy
from icop.planning.subtopics.phrases import shorten_phrase, unfounded_words
from icop.planning.subtopics.schemas import SubtopicLabel

CUT = "How to maintain the efficiency of a rainwater harvesting system for a small"
WHOLE = "How to maintain the efficiency of a rainwater harvesting system"
BALCONY = "Urban balcony gardening in small spaces"
BALLOON = "Urban Balloon Gardening in Small Spaces"
ANGLES = [
    "Choosing containers for balcony vegetables",
    "Best containers for a small balcony garden",
    "Vertical planters on a small urban balcony",
    "Hanging pots that save balcony floor space",
    "Watering balcony plants in summer heat",
    "Self-watering pots for busy balcony gardeners",
    "Sunlight and shade on an urban balcony",
    "Herbs that grow in balcony shade",
]


def test_a_label_cut_mid_phrase_ends_at_the_phrase_before() -> None:
    assert tidy(CUT) == WHOLE
    # The model's whole label, over the limit: cut before the phrase the limit fell in.
    assert SubtopicLabel(label=f"{CUT} garden with a pond").label == WHOLE
    assert tidy("Composting kitchen scraps and") == "Composting kitchen scraps"
    # Labels that end on a noun stay as they are.
    assert (
        tidy("Rainwater harvesting for small gardens") == "Rainwater harvesting for small gardens"
    )
    assert SubtopicLabel(label=WHOLE).label == WHOLE
    assert tidy("지렁이 상자 만들기") == "지렁이 상자 만들기"
    # Nothing to cut at but words: a word boundary.
    assert shorten_phrase("raised beds mulch compost worms leaves", 20) == "raised beds mulch"


def test_a_label_word_no_angle_or_the_topic_uses_is_found() -> None:
    assert unfounded_words(BALLOON, [BALCONY, *ANGLES], "en") == {"balloon"}
    assert unfounded_words("Urban Balcony Gardening in Small Spaces", [BALCONY], "en") == set()
    assert unfounded_words("Tips for balcony containers", ANGLES, "en") == set()


class _Balloons:
    """The bundled model's label for every group: a word of none of their angles."""

    async def label(
        self,
        *,
        topic: str,
        language: str,
        keywords: list[str],
        phrases: list[str],
        contrast: Sequence[str],
    ) -> str | None:
        return BALLOON if "containers" in " ".join(phrases) else f"Balcony {keywords[0]}"


async def test_a_label_with_a_made_up_word_is_replaced_by_its_groups_central_angle() -> None:
    result = await cluster_candidates(
        BALCONY,
        ANGLES,
        count=2,
        language="en",
        embedder=HashingEmbedder(),
        labeller=_Balloons(),
    )
    labels = [subtopic.label for subtopic in result.subtopics]
    assert BALLOON not in labels
    replaced = next(s for s in result.subtopics if any("containers" in m for m in s.members))
    assert replaced.label in replaced.members
    assert result.relevance.labels_off_topic >= 1
    assert any(f"label {BALLOON!r} names 'balloon'" in w for w in result.warnings)
    # A label made of its angles' words stays.
    assert any(label.startswith("Balcony ") for label in labels), labels
