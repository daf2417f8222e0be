"""Building blocks shared by every agent's schema.

Output schemas are sent to models as JSON schemas, and small local models loop on open-ended
JSON (PRODUCT.md §8): every string and every array here carries a bound, and a test runs
``icop.llm.structured.unbounded_paths`` over the whole catalog.

Fit, don't fail: where a limit is the platform's (an SEO title's 60 characters) a model that
overshoots is shortened at a word boundary instead of failing the article; the bound stays in
the schema so that constrained decoders never overshoot in the first place.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, ClassVar, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

SCHEMA_VERSION: Final = "1.0"
"""Version of the agent I/O catalog; bumped on any incompatible change to a schema."""

MAX_ARTICLE_CHARS = 24_000
"""Longest article body any agent reads or writes (≈ 4,000 words)."""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, without an ellipsis (an SEO
    title or hashtag with "…" reads as broken)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014")  # also en and em dashes


def fit(limit: int) -> BeforeValidator:
    """A validator that shortens over-long strings to ``limit`` (see the module docstring).

    A string of exactly ``limit`` characters is shortened too: a constrained decoder that hit
    ``maxLength`` stops mid-word ("a wrung-")."""

    def _fit(value: Any) -> Any:
        if isinstance(value, str) and len(value) >= limit:
            return shorten(value, limit - 1)
        return value

    return BeforeValidator(_fit)


def first(limit: int) -> BeforeValidator:
    """A validator that keeps the first ``limit`` items of an over-long list."""

    def _first(value: Any) -> Any:
        return value[:limit] if isinstance(value, list) else value

    return BeforeValidator(_first)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 80) -> str:
    """ASCII, lower case, hyphen-separated; empty when nothing Latin survives (the caller
    then derives one from something else)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


_TAG_JUNK = re.compile(r"[^\w]+", re.UNICODE)


def tag(text: str, limit: int = 40) -> str:
    """A hashtag or keyword body without ``#``, spaces or punctuation (Unicode letters stay:
    Korean hashtags are hashtags)."""
    return _TAG_JUNK.sub("", text.strip().lstrip("#"))[:limit]


def _tags(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    seen: set[str] = set()
    tags: list[str] = []
    for item in value:
        if not isinstance(item, str):
            return value  # let validation report the wrong type
        cleaned = tag(item)
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            tags.append(cleaned)
    return tags[:10]


def _phrases(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    seen: set[str] = set()
    phrases: list[str] = []
    for item in value:
        if not isinstance(item, str):
            return value
        # Spaces stay: a keyword is a phrase ("compost pile"); run together it is no word at
        # all ("compostpile"), which is what the tag rule once made of every keyword.
        cleaned = " ".join(_TAG_JUNK.sub(" ", item.strip().lstrip("#")).split())[:60]
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            phrases.append(cleaned)
    return phrases[:10]


Keywords = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=60)]],
    BeforeValidator(_phrases),
    Field(max_length=10),
]
"""Up to ten search keywords: words or phrases, punctuation dropped, de-duplicated."""

Tags = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=40)]],
    BeforeValidator(_tags),
    Field(max_length=10),
]
"""Up to ten hashtags, stored without ``#``, de-duplicated ignoring case."""

Language = Annotated[
    str, Field(min_length=2, max_length=16, description="BCP 47 language tag, e.g. en, ko")
]


class InputModel(BaseModel):
    """What a graph node hands an agent. Field names are the task kind's ``consumes`` set
    (icop.llm.tasks): the router drops any other field, so a test keeps them aligned."""

    model_config = ConfigDict(extra="forbid")


class OutputModel(BaseModel):
    """What an agent answers. Unknown keys are ignored rather than refused: a model that adds
    a remark should not cost a repair round trip."""

    model_config = ConfigDict(extra="ignore")


class ProseOutput(OutputModel):
    """An answer that is prose, not JSON (drafts, merges, translations): the task kind is not
    structured, so the model writes plain text and the runtime wraps it in this model."""

    text: str = Field(max_length=MAX_ARTICLE_CHARS)

    prose: ClassVar[bool] = True

    @classmethod
    def from_text(cls, text: str) -> ProseOutput:
        cleaned = text.strip()
        # Small models like to wrap their whole answer in a code fence.
        if cleaned.startswith("```") and cleaned.endswith("```"):
            cleaned = cleaned.split("\n", 1)[-1].rsplit("```", 1)[0].strip()
        # The length is already capped by the call's max_tokens; cutting the rare overrun
        # keeps the article instead of failing it.
        return cls(text=cleaned[: _max_length(cls, "text")])


def _max_length(model: type[BaseModel], field: str) -> int:
    for constraint in model.model_fields[field].metadata:
        limit = getattr(constraint, "max_length", None)
        if isinstance(limit, int):
            return limit
    raise TypeError(f"{model.__name__}.{field} has no max_length")


def is_prose(model: type[BaseModel]) -> bool:
    return issubclass(model, ProseOutput)
