"""Shared request builders and wire helpers for the provider tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from icop.llm.providers.base import CompletionRequest, JsonSchema, Message

ARTICLE_SCHEMA: dict[str, Any] = {
    "title": "Headline",
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 80},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
    },
    "required": ["title", "tags"],
    "additionalProperties": False,
}


def chat_request(
    model: str,
    *,
    schema: dict[str, Any] | None = None,
    stop: list[str] | None = None,
    seed: int | None = 7,
    system: str | None = "You write headlines.",
) -> CompletionRequest:
    messages = [Message("system", system)] if system else []
    messages += [
        Message("user", "Write a headline about tea."),
        Message("assistant", "Tea, again?"),
        Message("user", "Yes, about green tea."),
    ]
    return CompletionRequest(
        model=model,
        messages=messages,
        max_tokens=64,
        temperature=0.3,
        seed=seed,
        stop=stop or [],
        json_schema=JsonSchema("headline", schema) if schema is not None else None,
        timeout_s=5.0,
    )


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One client for the whole session: building an SSL context per provider costs ~0.1 s.
    respx intercepts it like any other httpx client."""
    async with httpx.AsyncClient() as client:
        yield client
