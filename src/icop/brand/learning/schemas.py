"""The BrandLearningAgent's I/O schemas (documented in the agent catalog, docs/agents.md) and
the tone profile writers receive.

``BrandLearningInput`` is what a tenant gives (images travel as bytes beside it: a schema of
base64 would only double them); ``BrandKitProposal`` is what the agent proposes. The one model
call is ``brand.tone``: ``ToneDescriptionInput`` → ``ToneDescription``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from icop.brand.fonts import BrandFont

Phrase = Annotated[str, Field(min_length=1, max_length=120)]
Hex = Annotated[str, Field(pattern="^#[0-9a-f]{6}$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Output(BaseModel):
    # A model that adds a remark should not cost a repair round trip.
    model_config = ConfigDict(extra="ignore")


class BrandLearningInput(_Input):
    name: str | None = Field(default=None, max_length=80, description="The brand's name.")
    image_names: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list,
        max_length=8,
        description="Logo and images (PNG, JPEG, WebP), given as files beside this record.",
    )
    html: list[Annotated[str, Field(max_length=2_000_000)]] = Field(
        default_factory=list, max_length=5, description="HTML pages or CSS files, as text."
    )
    urls: list[Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=list,
        max_length=5,
        description="Pages fetched on the user's request (public addresses only).",
    )
    samples: list[Annotated[str, Field(max_length=50_000)]] = Field(
        default_factory=list,
        max_length=20,
        description="Text samples and past articles in the brand's voice.",
    )


class ToneDescriptionInput(_Input):
    """The ``brand.tone`` call's input: excerpts and what was measured in them."""

    samples: list[Annotated[str, Field(max_length=1500)]] = Field(max_length=6)
    measures: str = Field(max_length=2000, description="The measured figures, one per line.")


class ToneDescription(_Output):
    """The model's reading of the samples' voice, for what counting cannot say."""

    description: str = Field(
        min_length=1, max_length=600, description="Two or three sentences on the voice."
    )
    formality: Literal["formal", "neutral", "casual"]
    do_phrases: list[Phrase] = Field(
        default_factory=list, max_length=8, description="Turns of phrase the brand uses."
    )
    dont_phrases: list[Phrase] = Field(
        default_factory=list, max_length=8, description="What the brand would never write."
    )


class ToneProfile(BaseModel):
    """How the brand writes: measured figures plus the model's description. Stored with the
    kit and given to the writers."""

    formality: Literal["formal", "neutral", "casual"]
    formality_score: float = Field(ge=0, le=1, description="Measured: 0 chatty … 1 formal.")
    person: Literal["first_singular", "first_plural", "second", "third"]
    mean_sentence_words: float = Field(ge=0)
    sentence_words_stdev: float = Field(ge=0)
    type_token_ratio: float = Field(ge=0, le=1)
    vocabulary: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    do_phrases: list[Phrase] = Field(default_factory=list, max_length=16)
    dont_phrases: list[Phrase] = Field(default_factory=list, max_length=16)
    description: str = Field(default="", max_length=600)
    described_by: str | None = Field(
        default=None, max_length=160, description="provider/model that wrote the description."
    )


class PaletteEntry(BaseModel):
    hex: Hex
    share: float = Field(ge=0, le=1)
    chroma: float = Field(ge=0)
    source: Literal["image", "css"]


class ContrastPairOut(BaseModel):
    foreground: Hex
    background: Hex
    ratio: float


class BrandKitProposal(_Output):
    """The agent's answer: a complete kit, and the evidence it was drawn from."""

    name: str = Field(min_length=1, max_length=80)
    background: Hex
    accent: Hex
    text: Hex
    font: BrandFont | None = Field(description="The renderer's family closest to the brand's.")
    palette: list[PaletteEntry] = Field(default_factory=list, max_length=16)
    contrast_pairs: list[ContrastPairOut] = Field(default_factory=list, max_length=20)
    declared_fonts: list[Annotated[str, Field(max_length=120)]] = Field(
        default_factory=list, max_length=8
    )
    heading_font: str | None = Field(default=None, max_length=120)
    body_font: str | None = Field(default=None, max_length=120)
    tone: ToneProfile | None = None
    samples: int = Field(default=0, ge=0, description="Text samples the tone was learned from.")
