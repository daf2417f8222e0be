"""The bundled model as a router provider, at the wire level (respx on llama.cpp's documented
``/v1/chat/completions``): prose answers carry the anti-loop sampler, structured ones do not."""

from __future__ import annotations

import json
from pathlib import Path

import respx

from icop.config import Settings
from icop.llm.local import LocalLLMClient, LocalServer, ServerConfig, StaticEndpoint
from icop.llm.local.sampling import anti_loop
from icop.llm.providers.base import CompletionRequest, JsonSchema, Message
from icop.llm.providers.local import LocalProvider
from icop.llm.registry import default_providers

BASE = "http://127.0.0.1:9998"


def completion(content: str) -> dict[str, object]:
    return {
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"content": content}}],
        "model": "qwen2.5-coder-0.5b-instruct",
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
    }


def provider(tmp_path: Path, dry_multiplier: float) -> LocalProvider:
    local = LocalProvider(
        LocalServer(ServerConfig(home=tmp_path, allow_fetch=False)), dry_multiplier=dry_multiplier
    )
    local.client = LocalLLMClient(StaticEndpoint(BASE))
    return local


@respx.mock
async def test_prose_answers_carry_the_dry_sampler_and_structured_ones_do_not(
    tmp_path: Path,
) -> None:
    route = respx.post(f"{BASE}/v1/chat/completions")
    route.side_effect = [
        respx.MockResponse(json=completion("A compost pile needs air.")),
        respx.MockResponse(json=completion('{"a": 1}')),
    ]
    local = provider(tmp_path, 0.8)
    messages = [Message(role="user", content="Write about compost.")]
    await local.complete(CompletionRequest(model="default", messages=messages))
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    await local.complete(
        CompletionRequest(
            model="default", messages=messages, json_schema=JsonSchema("thing", schema)
        )
    )
    prose, structured = (json.loads(call.request.content) for call in route.calls)
    assert prose["dry_multiplier"] == 0.8 and "[" in prose["dry_sequence_breakers"]
    assert prose["messages"][0]["content"] == "Write about compost."
    assert not any(key.startswith("dry_") for key in structured)


@respx.mock
async def test_a_korean_answer_is_sampled_without_dry(tmp_path: Path) -> None:
    """Under DRY the 0.5B mangled Korean words ("양봉" → "양coln") in the evaluation."""
    route = respx.post(f"{BASE}/v1/chat/completions").respond(json=completion("퇴비"))
    brief = "Write an article in Korean on: 도시 옥상에서 꿀벌 키우기. 벌통은 햇볕 드는 곳에."
    await provider(tmp_path, 0.8).complete(
        CompletionRequest(model="default", messages=[Message(role="user", content=brief)])
    )
    assert not any(key.startswith("dry_") for key in json.loads(route.calls.last.request.content))


@respx.mock
async def test_the_setting_reaches_the_provider_and_zero_switches_it_off(tmp_path: Path) -> None:
    route = respx.post(f"{BASE}/v1/chat/completions").respond(json=completion("Hi."))
    local = provider(tmp_path, 0.0)
    await local.complete(
        CompletionRequest(model="default", messages=[Message(role="user", content="Hi")])
    )
    assert not any(key.startswith("dry_") for key in json.loads(route.calls.last.request.content))
    assert anti_loop(0) == {}
    built = default_providers(Settings(llm_local_dry_multiplier=1.2, home=tmp_path))["local"]
    assert isinstance(built, LocalProvider) and built.prose_sampling["dry_multiplier"] == 1.2
