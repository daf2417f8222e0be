"""A tone description that restates the model's instructions is rejected, and the measured
description stands; a real description of the excerpts is kept (fake provider)."""

from __future__ import annotations

import pytest

from icop.brand.learning import echo
from icop.brand.learning.agent import TONE_INSTRUCTIONS, BrandLearningAgent
from icop.embeddings import HashingEmbedder
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from tests.brand.test_brand_learning import CASUAL, FORMAL
from tests.planning.subtopics.fakes import router_for

PARROTED = [
    # What the bundled model said on a real run: the measured person glued to the prompt.
    "Second person imitates brand's writing voice for the writers who will imitate it.",
    "Describes the brand's writing voice from excerpts and measured figures; the measured "
    "score is a strong hint.",
    "The brand uses phrases copied from the excerpts. Answer in JSON with the formality.",
    "Two or three sentences on the voice.",
]
GOOD_CASUAL = [
    "Warm and encouraging; speaks to the reader as a friend.",
    "A warm, casual voice that talks to the reader as 'you' in short, punchy sentences. "
    "Practical and cheerful about compost, never preachy.",
    "Chatty and hands-on: exclamations, contractions and a 'we' that invites you to start today.",
]
GOOD_FORMAL = (
    "Measured and authoritative, in long sentences with careful qualifications; it keeps a "
    "respectful distance from the reader and leans on policy vocabulary."
)


def _answer(description: str):  # type: ignore[no-untyped-def]
    def script(request: CompletionRequest) -> FakeReply:
        return FakeReply(
            data={
                "description": description,
                "formality": "formal",  # wrong on purpose: a rejected answer must not leak
                "do_phrases": ["synergy"],
                "dont_phrases": ["leverage synergies"],
            }
        )

    return script


@pytest.mark.parametrize("description", PARROTED)
async def test_a_description_that_restates_the_prompt_falls_back_to_the_measured_one(
    description: str,
) -> None:
    provider = FakeProvider("local", script=_answer(description))
    profile = await BrandLearningAgent(router_for(provider), HashingEmbedder()).learn_tone(
        CASUAL, None
    )
    assert len(provider.calls) == 1  # the model was asked and answered
    assert profile.described_by is None
    assert profile.description.startswith("A casual voice that")  # the measured description
    assert profile.formality == "casual"  # measured, not the rejected answer's "formal"
    assert "synergy" not in profile.do_phrases and profile.dont_phrases == []


@pytest.mark.parametrize("description", GOOD_CASUAL)
async def test_a_description_of_the_excerpts_is_kept(description: str) -> None:
    provider = FakeProvider("local", script=_answer(description))
    profile = await BrandLearningAgent(router_for(provider), HashingEmbedder()).learn_tone(
        CASUAL, None
    )
    assert profile.description == description
    assert profile.described_by == "local/default"


def test_prompt_words_that_the_excerpts_use_are_the_brands_own() -> None:
    assert not echo.echoes_prompt(GOOD_FORMAL, instructions=TONE_INSTRUCTIONS, samples=FORMAL)
    # "imitate", "writers" and "excerpts" are the prompt's words ...
    parrot = "Imitate the excerpts for the writers."
    assert echo.echoes_prompt(parrot, instructions=TONE_INSTRUCTIONS, samples=[])
    # ... unless the brand itself writes about them.
    own = ["Writers imitate the excerpts they admire most."]
    assert not echo.echoes_prompt(parrot, instructions=TONE_INSTRUCTIONS, samples=own)
