"""Publishing: SEO, image prompts and images, the final Markdown, and social copy."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from icop.agents.schemas.common import (
    MAX_ARTICLE_CHARS,
    InputModel,
    Keywords,
    Language,
    OutputModel,
    ProseOutput,
    Tags,
    fit,
    slugify,
)
from icop.agents.schemas.quality import Finding
from icop.agents.schemas.research import CitedSource
from icop.platforms import Platform

# --- SEO ------------------------------------------------------------------------------------


class SeoInput(InputModel):
    title: str = Field(max_length=500, description="Working title (the topic).")
    article: str = Field(max_length=MAX_ARTICLE_CHARS)
    language: Language
    keywords: list[Annotated[str, Field(max_length=60)]] = Field(max_length=10)


class SeoMeta(OutputModel):
    """Search metadata. Limits are the ones search result pages truncate at."""

    title: Annotated[str, fit(60)] = Field(min_length=1, max_length=60)
    meta_description: Annotated[str, fit(160)] = Field(min_length=1, max_length=160)
    slug: str = Field(
        max_length=80, description="lower-case ASCII words joined by hyphens, e.g. home-compost"
    )
    keywords: Keywords
    hashtags: Tags

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        # Models write "Home Composting 101!"; the URL needs home-composting-101. An empty
        # result (a Korean title) is filled in by the SEO node from the title or the id.
        return slugify(value) if isinstance(value, str) else value


# --- images ---------------------------------------------------------------------------------

Aspect = Literal["1:1", "4:5", "16:9"]
"""Aspect ratios every target accepts: 1:1 and 4:5 fit Instagram's 4:5..1.91:1 feed range,
16:9 is the article's hero image."""


class VisualInput(InputModel):
    title: str = Field(max_length=500)
    summary: str = Field(max_length=2000)
    brand: str | None = Field(default=None, max_length=500)
    count: int = Field(ge=1, le=4)
    language: Language = Field(description="Language of the alt texts (prompts: English).")


class ImagePrompt(OutputModel):
    prompt: Annotated[str, fit(600)] = Field(
        min_length=1, max_length=600, description="In English, whatever the article's language."
    )
    alt: Annotated[str, fit(250)] = Field(min_length=1, max_length=250)
    aspect: Aspect = "16:9"


class VisualPlan(OutputModel):
    """The visual director's answer: one to four image prompts."""

    images: list[ImagePrompt] = Field(min_length=1, max_length=4)


class TranslateInput(InputModel):
    text: str = Field(max_length=MAX_ARTICLE_CHARS)
    source_language: Language
    target_language: Language


class TranslatedText(ProseOutput):
    """A translation, nothing else."""


class ImageAsset(OutputModel):
    """An image the ImageMaker stored, with what the platforms' validators need to know."""

    index: int = Field(ge=0, le=3, description="Index of the prompt it was made from.")
    url: str = Field(min_length=1, max_length=2000)
    alt: str = Field(max_length=250)
    width: int = Field(ge=1, le=20_000)
    height: int = Field(ge=1, le=20_000)
    format: str = Field(default="jpeg", max_length=16)
    size_bytes: int = Field(default=0, ge=0)
    provider: str | None = Field(default=None, max_length=40)


# --- Markdown -------------------------------------------------------------------------------


class MarkdownDocument(OutputModel):
    """The final article file."""

    markdown: str = Field(max_length=MAX_ARTICLE_CHARS + 8000)
    front_matter: dict[str, Any] = Field(default_factory=dict)
    citations: list[CitedSource] = Field(default_factory=list, max_length=20)
    dropped_citations: list[int] = Field(
        default_factory=list, max_length=50, description="[n] in the text with no such source."
    )
    inferred_citations: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="Sources cited by the assembler where a paragraph restated them uncited.",
    )
    findings: list[Finding] = Field(
        default_factory=list,
        max_length=200,
        description="What the publishability gate removed or repaired (icop.agents.gate).",
    )


# --- social copy ----------------------------------------------------------------------------


class SocialCopyInput(InputModel):
    title: str = Field(max_length=60)
    summary: str = Field(max_length=2000)
    url: str | None = Field(default=None, max_length=2000)
    platform: Platform
    language: Language
    hashtags: list[Annotated[str, Field(max_length=40)]] = Field(max_length=10)
    brand_voice: list[Annotated[str, Field(max_length=1500)]] = Field(max_length=5)


class SocialCopyDraft(OutputModel):
    """The social copywriter's answer for one platform."""

    text: Annotated[str, fit(2200)] = Field(min_length=1, max_length=2200)
    hashtags: Tags


class SocialPost(OutputModel):
    """Social copy after the platform's validator fitted it (icop.platforms.validation)."""

    platform: Platform
    text: str = Field(max_length=5000)
    hashtags: list[Annotated[str, Field(max_length=40)]] = Field(max_length=10)
    length: int = Field(ge=0, description="Measured the platform's way (X: weighted).")
    limit: int = Field(ge=1)
    ok: bool = Field(description="True when nothing but image actions stands in the way.")
    link_url: str | None = Field(
        default=None, max_length=2000, description="Sent as a separate link field (Facebook)."
    )
    changes: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=20
    )
    problems: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=20
    )
    provider: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=120)
