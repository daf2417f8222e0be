"""Every provider satisfies the protocol (checked by mypy through the annotation below) and
behaves the same way when it has no configuration: skipped, never crashing the router."""

from __future__ import annotations

import pytest

from icop.llm.providers.anthropic import AnthropicProvider
from icop.llm.providers.base import LLMProvider, ProviderUnavailable
from icop.llm.providers.gemini import GeminiProvider
from icop.llm.providers.ollama import OllamaProvider
from icop.llm.providers.openai import OpenAIProvider

from .conftest import chat_request


def unconfigured() -> list[LLMProvider]:
    return [
        OpenAIProvider(api_key=None),
        AnthropicProvider(api_key=None),
        GeminiProvider(api_key=None),
        OllamaProvider(base_url=None),
    ]


async def test_unconfigured_providers_are_skippable_and_count_offline() -> None:
    providers = unconfigured()
    assert [p.name for p in providers] == ["openai", "anthropic", "gemini", "ollama"]
    for provider in providers:
        assert isinstance(provider, LLMProvider)
        assert not provider.configured()
        with pytest.raises(ProviderUnavailable) as raised:
            await provider.complete(chat_request("any-model"))
        assert raised.value.provider == provider.name
        assert raised.value.retryable
        # Budgets are computed before a provider is chosen: counting never needs the network.
        assert await provider.count_tokens("any-model", "녹차 green tea") == 2 + 4
        caps = provider.capabilities("any-model")
        assert caps.max_output_tokens <= caps.max_context_tokens
        await provider.aclose()
        await provider.aclose()  # closing twice is harmless
