"""A deterministic fake provider for tests and benchmarks.

Without a script it answers every request deterministically from the request itself: plain
text for free-form calls, and for structured calls a JSON document generated from the schema
(respecting types, enums, bounds and required fields), varied by a hash of the prompt so that
different inputs get different answers. A script (a list of replies, or a function of the
request) drives failures, latency and invalid answers. Every request is kept in ``calls``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from icop.llm.providers.base import (
    Capabilities,
    CompletionRequest,
    CompletionResult,
    ProviderError,
)

_WORDS = (
    "compost",
    "garden",
    "soil",
    "harvest",
    "season",
    "water",
    "worm",
    "leaf",
    "carbon",
    "nitrogen",
    "balance",
    "kitchen",
    "scrap",
    "layer",
    "heat",
    "turn",
    "moist",
    "rich",
)


@dataclass(frozen=True, slots=True)
class FakeReply:
    text: str | None = None
    data: Any = None
    error: ProviderError | None = None
    delay_s: float = 0.0


Script = list[FakeReply] | Callable[[CompletionRequest], FakeReply]


class FakeProvider:
    def __init__(
        self,
        name: str = "fake",
        *,
        script: Script | None = None,
        latency_s: float = 0.0,
        json_schema: bool = True,
        max_context_tokens: int = 32_768,
        is_configured: bool = True,
    ) -> None:
        self.name = name
        self.script = script
        self.latency_s = latency_s
        self._json_schema = json_schema
        self._max_context = max_context_tokens
        self._configured = is_configured
        self.calls: list[CompletionRequest] = []

    def capabilities(self, model: str) -> Capabilities:
        return Capabilities(
            json_schema=self._json_schema,
            max_context_tokens=self._max_context,
            max_output_tokens=8192,
        )

    def configured(self) -> bool:
        return self._configured

    async def count_tokens(self, model: str, text: str) -> int:
        return len(text) // 4 + 1

    async def aclose(self) -> None:
        return None

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        self.calls.append(request)
        reply = self._next(request)
        started = time.perf_counter()
        delay = reply.delay_s or self.latency_s
        if delay:
            await asyncio.sleep(delay)
        if reply.error is not None:
            raise reply.error
        if reply.text is not None:
            text, parsed = reply.text, None
        elif request.json_schema is not None:
            parsed = (
                reply.data
                if reply.data is not None
                else example(request.json_schema.schema, _seed(request))
            )
            text = json.dumps(parsed, ensure_ascii=False)
        else:
            text, parsed = _prose(request), None
        prompt_tokens = sum(len(m.content) for m in request.messages) // 4 + 1
        return CompletionResult(
            text=text,
            parsed=parsed,
            model=request.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(text) // 4 + 1,
            finish_reason="stop",
            latency_s=time.perf_counter() - started,
        )

    def _next(self, request: CompletionRequest) -> FakeReply:
        if self.script is None:
            return FakeReply()
        if callable(self.script):
            return self.script(request)
        return self.script.pop(0) if self.script else FakeReply()


def _seed(request: CompletionRequest) -> int:
    digest = hashlib.sha256("\n".join(m.content for m in request.messages).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _prose(request: CompletionRequest) -> str:
    seed = _seed(request)
    words = [_WORDS[((seed >> (i % 60)) + i) % len(_WORDS)] for i in range(60)]
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, 60, 12)]
    return "\n\n".join(sentences)


def example(schema: dict[str, Any], seed: int, definitions: dict[str, Any] | None = None) -> Any:
    """A deterministic instance of a JSON schema (the subset Pydantic generates)."""
    definitions = definitions if definitions is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return example(definitions[schema["$ref"].rsplit("/", 1)[-1]], seed, definitions)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][seed % len(schema["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return example(options[0], seed, definitions)
    if "allOf" in schema:
        return example(schema["allOf"][0], seed, definitions)
    kind = schema.get("type")
    if kind == "object":
        return {
            name: example(sub, seed + index * 7919, definitions)
            for index, (name, sub) in enumerate(schema.get("properties", {}).items())
        }
    if kind == "array":
        low = schema.get("minItems", 1)
        high = schema.get("maxItems", low + 2)
        count = min(high, max(low, 2 + seed % 2))
        return [
            example(schema.get("items", {"type": "string"}), seed + i * 104729, definitions)
            for i in range(count)
        ]
    if kind == "string":
        return _string(schema, seed)
    if kind == "integer":
        low = int(schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1))
        high = int(schema.get("maximum", low + 9))
        return low + seed % (high - low + 1)
    if kind == "number":
        low = float(schema.get("minimum", 0.0))
        high = float(schema.get("maximum", low + 1.0))
        return round(low + (seed % 1000) / 1000 * (high - low), 3)
    if kind == "boolean":
        return bool(seed % 2)
    return None


def _string(schema: dict[str, Any], seed: int) -> str:
    fmt = schema.get("format")
    if fmt == "uri":
        return f"https://example.com/{_WORDS[seed % len(_WORDS)]}"
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt == "email":
        return f"{_WORDS[seed % len(_WORDS)]}@example.com"
    low = schema.get("minLength", 1)
    high = schema.get("maxLength", max(low, 60))
    words = [_WORDS[(seed // (i + 1)) % len(_WORDS)] for i in range(12)]
    text = " ".join(words)
    while len(text) < low:
        text += " " + text
    text = text[:high].strip()
    return text if len(text) >= low else text.ljust(low, "x")
