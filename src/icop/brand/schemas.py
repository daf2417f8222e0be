from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from icop.brand.fonts import BrandFont
from icop.brand.learning.schemas import BrandKitProposal as LearnedProposal
from icop.brand.learning.schemas import PaletteEntry, ToneProfile
from icop.brand.palette import MIN_TEXT_CONTRAST, contrast_ratio, hex_to_rgb, normalise_hex
from icop.brand.snapshot import KitSnapshot
from icop.knowledge.schemas import Text
from icop.models import KitChangeReason, LogoFormat, ProposalStatus, ProposalTrigger
from icop.schemas import RequestModel, ResponseModel


class VoiceSampleCreate(RequestModel):
    title: Text | None = Field(default=None, min_length=1, max_length=300)
    text: Text = Field(
        min_length=1,
        max_length=20_000,
        description="A passage written in the brand's voice (a post, an article excerpt).",
    )


class VoiceSampleOut(ResponseModel):
    id: UUID
    title: str | None
    text: str
    created_by: UUID | None
    created_at: datetime


class VoiceSimilarityRequest(RequestModel):
    text: Text = Field(min_length=1, max_length=200_000)


class VoiceSimilarityOut(ResponseModel):
    similarity: float | None = Field(
        description="Cosine similarity of the text to the centroid of the brand's samples "
        "(-1 … 1); null when the brand has no samples."
    )
    samples: int


# -- brand kit ----------------------------------------------------------------------------------
def _colour(value: str) -> str:
    return normalise_hex(value)


Colour = Annotated[
    str,
    # The pattern documents the format; the validator enforces it with a clearer message.
    Field(
        description="Hex colour, #rrggbb or #rgb (stored as lower-case #rrggbb).",
        examples=["#14532d"],
        json_schema_extra={"pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"},
    ),
    AfterValidator(_colour),
]


class BrandKitUpdate(RequestModel):
    name: Text = Field(
        min_length=1,
        max_length=80,
        description="The brand's name, written in the footer of rendered cards.",
    )
    background: Colour
    accent: Colour
    text: Colour
    font: BrandFont | None = Field(
        default=None,
        description="A font family from GET /brand/fonts; null for the renderer's default.",
    )

    @model_validator(mode="after")
    def _legible(self) -> BrandKitUpdate:
        ratio = contrast_ratio(hex_to_rgb(self.text), hex_to_rgb(self.background))
        if ratio < MIN_TEXT_CONTRAST:
            raise ValueError(
                f"text {self.text} on background {self.background} has a contrast ratio of "
                f"{ratio:.2f}:1; cards need at least {MIN_TEXT_CONTRAST:.1f}:1 "
                "(WCAG AA for large text): make one of them lighter or darker"
            )
        return self


LOGO_PATH = "/api/v1/brand/logo/{logo_id}"


class BrandLogoOut(ResponseModel):
    id: UUID = Field(description="New with every upload: the URL names this version.")
    url: str = Field(
        description="Where the logo is served (GET, the tenant's members): a PNG, same "
        "origin as the API, cacheable for good (a new upload has a new URL)."
    )
    width: int
    height: int
    size_bytes: int = Field(description="Size of the stored PNG.")
    source_format: LogoFormat = Field(description="What was uploaded; stored as PNG.")
    uploaded_by: UUID | None
    uploaded_at: datetime


class BrandKitOut(ResponseModel):
    name: str
    background: str
    accent: str
    text: str
    font: BrandFont | None
    is_default: bool = Field(description="True when the tenant has no kit of its own.")
    text_contrast: float = Field(description="Contrast ratio of text on background (1 … 21).")
    accent_contrast: float = Field(
        description="Contrast ratio of accent on background; the card's kicker is in the accent."
    )
    updated_at: datetime | None
    updated_by: UUID | None
    logo: BrandLogoOut | None = Field(
        default=None,
        description="The logo drawn on cards (PUT /brand/logo); kept when the colours are reset.",
    )
    version: int | None = Field(
        default=None, description="The kit's version (GET /brand/versions); null: none yet."
    )
    palette: list[PaletteEntry] = Field(default_factory=list)
    tone: ToneProfile | None = Field(default=None, description="How the brand writes.")


class BrandFontOut(ResponseModel):
    name: BrandFont
    label: str
    installed: bool = Field(
        description="Installed on this API server; a worker without it renders the default font."
    )


# -- versions and proposals ---------------------------------------------------------------------
class KitChangeOut(ResponseModel):
    field: str
    before: Any = None
    after: Any = None


class BrandKitVersionOut(ResponseModel):
    number: int
    reason: KitChangeReason = Field(description="learned, edited or rollback.")
    kit: KitSnapshot
    changes: list[KitChangeOut] = Field(description="What changed from the version before.")
    note: str | None
    proposal_id: UUID | None
    restored_from: int | None = Field(description="The version a rollback restored.")
    created_by: UUID | None
    created_at: datetime


class BrandKitDiffOut(ResponseModel):
    from_version: int
    to_version: int
    changes: list[KitChangeOut]


class BrandProposalOut(ResponseModel):
    id: UUID
    status: ProposalStatus
    trigger: ProposalTrigger = Field(
        description="user (asked for), or what re-learning noticed: samples, articles, drift."
    )
    reason: str | None
    proposal: LearnedProposal
    sources: dict[str, Any]
    changes: list[KitChangeOut] = Field(
        default_factory=list, description="How the proposal differs from the current kit."
    )
    created_by: UUID | None
    created_at: datetime
    decided_by: UUID | None
    decided_at: datetime | None
    version_number: int | None


class ProposalEdits(RequestModel):
    """Changes a person makes to a proposal before accepting it (any subset)."""

    name: Text | None = Field(default=None, min_length=1, max_length=80)
    background: Colour | None = None
    accent: Colour | None = None
    text: Colour | None = None
    font: BrandFont | None = None
    tone_description: Text | None = Field(default=None, max_length=600)
    do_phrases: list[Annotated[str, Field(min_length=1, max_length=120)]] | None = Field(
        default=None, max_length=16
    )
    dont_phrases: list[Annotated[str, Field(min_length=1, max_length=120)]] | None = Field(
        default=None, max_length=16
    )


class AcceptProposal(RequestModel):
    edits: ProposalEdits | None = None
    note: Text | None = Field(default=None, max_length=500)


class RejectProposal(RequestModel):
    reason: Text | None = Field(default=None, max_length=500)


class LearnFromText(RequestModel):
    """Learning from text and public pages only (JSON; files go to ``POST /brand/learn``)."""

    name: Text | None = Field(default=None, max_length=80)
    samples: list[Annotated[str, Field(min_length=1, max_length=50_000)]] = Field(
        default_factory=list, max_length=20
    )
    html: list[Annotated[str, Field(min_length=1, max_length=2_000_000)]] = Field(
        default_factory=list, max_length=5
    )
    urls: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=5
    )
