"""Record real model responses once, replay them in every run after.

A ``CassetteProvider`` stands where a model provider stands, under the real ``SmartRouter``
(routing, structured output, repair, usage and the runtime all run as in production). Each
request is keyed by the agent's role and a hash of what the provider would be sent (messages,
schema, sampling); its answer is one JSON file:

    tests/agents/cassettes/<role>/<hash>.json

- **replay** (the default): the answer is read from its file; a request with no file fails the
  test with the path and the command that records it (``CassetteMissing``): a prompt change
  shows up as a missing cassette, never as a silently different answer;
- **record** (``ICOP_CASSETTES=record``): the request goes to the real providers
  (``icop.llm.registry.default_providers``: the bundled local model unless cloud keys are set)
  and the answer is written, with the provider and model that gave it and its latency.

Cassettes are reviewed like code: they are the real answers the assertions were written for.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from icop.config import Settings
from icop.llm.policy import default_policy
from icop.llm.providers.base import (
    Capabilities,
    CompletionRequest,
    CompletionResult,
    LLMProvider,
)
from icop.llm.providers.fake import FakeProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle
from tests.agents.fakes import role_of

ROOT = Path(__file__).resolve().parents[3]
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
MODE_VARIABLE = "ICOP_CASSETTES"
RECORD_HINT = (
    "record it with the real model: ICOP_CASSETTES=record PYTHONPATH=src "
    ".venv/bin/python -m pytest {test} (holding the heavy-work lock), then review and commit "
    "the new file"
)


class CassetteMissing(AssertionError):
    """A request no cassette answers (replay mode): new agent, or its prompt changed."""


def request_key(request: CompletionRequest) -> str:
    """What decides the answer, hashed: the model, messages, schema and sampling."""
    canonical = json.dumps(
        {
            "messages": [[m.role, m.content] for m in request.messages],
            "json_schema": request.json_schema.schema if request.json_schema else None,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "seed": request.seed,
            "stop": request.stop,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def mode() -> str:
    value = os.environ.get(MODE_VARIABLE, "replay").strip().lower() or "replay"
    if value not in ("replay", "record"):
        raise ValueError(f"{MODE_VARIABLE} must be replay or record, not {value!r}")
    return value


class CassetteProvider:
    """A provider named like the real one it records (``local`` by default)."""

    def __init__(
        self,
        name: str = "local",
        *,
        real: LLMProvider | None = None,
        folder: Path = CASSETTES,
        test: str = "the test",
    ) -> None:
        self.name = name
        self.real = real
        self.folder = folder
        self.test = test
        self.replayed: list[Path] = []
        self.recorded: list[Path] = []

    def path(self, request: CompletionRequest) -> Path:
        return self.folder / role_of(request) / f"{request_key(request)}.json"

    def capabilities(self, model: str) -> Capabilities:
        if self.real is not None:
            return self.real.capabilities(model)
        return Capabilities(json_schema=True, max_context_tokens=8192, max_output_tokens=4096)

    def configured(self) -> bool:
        return True

    async def count_tokens(self, model: str, text: str) -> int:
        if self.real is not None:
            return await self.real.count_tokens(model, text)
        return len(text) // 4 + 1

    async def aclose(self) -> None:
        if self.real is not None:
            await self.real.aclose()

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        path = self.path(request)
        if self.real is not None:
            return await self._record(request, path)
        if not path.is_file():
            raise CassetteMissing(
                f"no cassette for this {role_of(request)} request: {path} — "
                + RECORD_HINT.format(test=self.test)
            )
        self.replayed.append(path)
        return CompletionResult(**_read(path)["result"])

    async def _record(self, request: CompletionRequest, path: Path) -> CompletionResult:
        assert self.real is not None
        started = time.perf_counter()
        result = await self.real.complete(request)
        document: dict[str, Any] = {
            "role": role_of(request),
            "provider": self.name,
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "wall_s": round(time.perf_counter() - started, 3),
            "request": {
                "model": request.model,
                "schema": request.json_schema.name if request.json_schema else None,
                "max_tokens": request.max_tokens,
                "temperature": request.temperature,
                "last_message_chars": len(request.messages[-1].content),
            },
            "result": asdict(result),
        }
        _write(path, document)
        self.recorded.append(path)
        return result


# Small files read and written between awaits: blocking for microseconds (and tests only).
def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def cassette_router(
    *, test: str, settings: Settings | None = None, folder: Path = CASSETTES
) -> tuple[SmartRouter, CassetteProvider]:
    """The real router over one cassette provider named ``local`` (the default route of every
    role), recording from the real local provider in record mode."""
    real: LLMProvider | None = None
    if mode() == "record":
        from icop.llm.registry import default_providers

        real = default_providers(settings or Settings())["local"]
    where = Path(test).resolve()
    shown = str(where.relative_to(ROOT)) if where.is_relative_to(ROOT) else test
    cassette = CassetteProvider("local", real=real, folder=folder, test=shown)
    # The other providers of the policy's candidate lists, unconfigured: skipped, as a
    # machine without cloud keys skips them.
    others = {
        name: FakeProvider(name, is_configured=False)
        for name in ("openai", "anthropic", "gemini", "ollama")
    }
    router = SmartRouter(
        {"local": cassette, **others},
        default_policy(),
        Throttle(global_rate_per_minute=600_000, provider_concurrency={}),
        backoff_initial_s=0.001,
        backoff_max_s=0.01,
    )
    return router, cassette
