"""The helpers all providers share: rate-limit headers, the status table, the offline token
estimate and the strict-schema rewrite for OpenAI."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from icop.llm.providers._common import (
    ProviderQuotaExhausted,
    error_for_status,
    estimate_tokens,
    parse_duration,
    retry_after_seconds,
)
from icop.llm.providers._strict_schema import StrictSchemaError, to_strict_schema
from icop.llm.providers.base import (
    ProviderAuthError,
    ProviderBadRequest,
    ProviderRateLimited,
    ProviderServerError,
    ProviderTimeout,
)

NOW = 1_900_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"Retry-After": "9"}, 9.0),
        ({"retry-after": formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({"x-ratelimit-reset-requests": "6m0s"}, 360.0),
        ({"x-ratelimit-reset-tokens": "20ms"}, 0.02),
        ({"x-ratelimit-reset-tokens": "1h2m3.5s"}, 3723.5),
        (
            {
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "2s",
                "x-ratelimit-remaining-tokens": "100",
                "x-ratelimit-reset-tokens": "50s",
            },
            2.0,
        ),
        ({"retry-after": "soon"}, None),
        ({"x-ratelimit-reset-tokens": "tomorrow"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == pytest.approx(expected)


def test_anthropic_reset_is_relative_to_now() -> None:
    headers = {
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": "2030-03-17T07:33:40Z",
    }
    reset = datetime(2030, 3, 17, 7, 33, 40, tzinfo=UTC).timestamp()
    assert retry_after_seconds(headers, now=reset - 12.5) == pytest.approx(12.5)


def test_parse_duration() -> None:
    assert parse_duration("37s") == 37.0
    assert parse_duration("0.5s") == 0.5
    assert parse_duration("0s") == 0.0
    assert parse_duration("37") is None
    assert parse_duration(37) is None


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, ProviderAuthError),
        (403, ProviderAuthError),
        (402, ProviderQuotaExhausted),
        (429, ProviderRateLimited),
        (408, ProviderTimeout),
        (409, ProviderServerError),
        (500, ProviderServerError),
        (502, ProviderServerError),
        (503, ProviderServerError),
        (529, ProviderServerError),
        (400, ProviderBadRequest),
        (404, ProviderBadRequest),
        (413, ProviderBadRequest),
        (422, ProviderBadRequest),
    ],
)
def test_status_table(status: int, error: type[Exception]) -> None:
    raised = error_for_status("p", status, "why")
    assert type(raised) is error
    assert str(raised) == f"p: HTTP {status}: why"


def test_estimate_is_conservative_for_english_and_korean() -> None:
    assert estimate_tokens("") == 0
    english = "The quick brown fox jumps over the lazy dog. " * 20
    # GPT-4o/Claude/Gemini tokenizers need about len/4.5 for this text.
    assert estimate_tokens(english) >= len(english) / 4
    korean = "녹차는 천천히 우려야 맛있습니다. " * 10
    # Hangul runs about one token per syllable or less; the estimate counts every one.
    assert estimate_tokens(korean) >= sum(1 for ch in korean if not ch.isascii())
    assert estimate_tokens(english + korean) <= estimate_tokens(english) + estimate_tokens(korean)


# -- strict schema ----------------------------------------------------------------------------
class Source(BaseModel):
    url: str = Field(max_length=200)
    quote: str | None = None


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool = True


class Draft(BaseModel):
    title: str = Field(max_length=80)
    tone: Literal["formal", "casual"] = "casual"
    sources: list[Source] = Field(default_factory=list, max_length=5)
    main_source: Source = Field(description="the strongest source")
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found += _objects(value)
    elif isinstance(node, list):
        for value in node:
            found += _objects(value)
    return found


def test_pydantic_model_becomes_strict_and_keeps_its_meaning() -> None:
    original = Draft.model_json_schema()
    before = copy.deepcopy(original)
    strict = to_strict_schema(original)
    assert original == before  # not mutated

    objects = _objects(strict)
    assert len(objects) >= 4
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    # bounds survive: the local models need them and strict mode now supports them
    assert strict["properties"]["title"]["maxLength"] == 80
    assert strict["properties"]["sources"]["maxItems"] == 5
    # a $ref with a description is inlined; the discriminated union became anyOf
    assert "$ref" not in strict["properties"]["main_source"]
    assert strict["properties"]["main_source"]["description"] == "the strongest source"
    assert "anyOf" in strict["properties"]["pet"] and "oneOf" not in strict["properties"]["pet"]
    assert "default" not in strict["$defs"]["Source"]["properties"]["quote"]

    # What strict mode makes the model produce (every key present) is valid for the model.
    answer = {
        "title": "Tea",
        "tone": "formal",
        "sources": [{"url": "https://a.example", "quote": None}],
        "main_source": {"url": "https://b.example", "quote": "q"},
        "pet": {"kind": "dog", "good": False},
    }
    assert Draft.model_validate(answer).pet == Dog(kind="dog", good=False)


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ({"type": "array", "items": {"type": "string"}}, "root must be an object"),
        (
            {"type": "object", "properties": {"m": {"type": "object"}}},
            "free-form map",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "m": {"additionalProperties": {"type": "integer"}, "type": "object"}
                },
            },
            "free-form map",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"allOf": [{"type": "string"}, {"minLength": 1}]}},
            },
            "allOf",
        ),
        ({"type": "object", "properties": {"a": {"not": {"type": "null"}}}}, "'not'"),
        (
            {"type": "object", "properties": {"a": {"$ref": "https://x.example/s", "title": "A"}}},
            "local",
        ),
        ({"type": "object", "patternProperties": {"^x": {"type": "string"}}}, "patternProperties"),
    ],
)
def test_unexpressible_schemas_are_refused(schema: dict[str, Any], reason: str) -> None:
    with pytest.raises(StrictSchemaError, match=reason):
        to_strict_schema(schema)


def test_single_allof_is_merged_and_empty_object_allowed() -> None:
    schema = {
        "type": "object",
        "$defs": {"Empty": {"type": "object", "properties": {}}},
        "properties": {"e": {"allOf": [{"$ref": "#/$defs/Empty"}], "description": "nothing"}},
    }
    strict = to_strict_schema(schema)
    assert strict["properties"]["e"] == {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
        "description": "nothing",
    }
