"""Building the SmartRouter for a process: providers from settings, the routing policy, the
database-backed ledger, budget guard and tenant overrides."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.errors import ConfigurationError
from icop.llm.contests.sinks import DatabaseStandings
from icop.llm.ledger.sinks import DatabaseBudget, DatabaseLedger, DatabaseOverrides
from icop.llm.local.server import local_llm_server as local_llm_server
from icop.llm.policy import RoutingPolicy, default_policy, parse_policy
from icop.llm.providers.base import LLMProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.tenant_keys import ProviderFactory, VaultProviders
from icop.llm.throttle import Throttle


def load_policy(path: Path | None) -> RoutingPolicy:
    if path is None:
        return default_policy()
    try:
        return parse_policy(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise ConfigurationError(f"routing policy {path}: {error}") from error


def load_prices(raw: str | None) -> dict[str, tuple[Decimal, Decimal]] | None:
    if not raw:
        return None
    try:
        document = json.loads(raw)
        return {
            key: (Decimal(str(value[0])), Decimal(str(value[1]))) for key, value in document.items()
        }
    except (ValueError, TypeError, IndexError, KeyError) as error:
        raise ConfigurationError(
            'ICOP_LLM_PRICES must be JSON like {"openai:gpt-4.1": [2.0, 8.0]}'
        ) from error


def default_providers(settings: Settings) -> dict[str, LLMProvider]:
    """Every provider ICOP knows; those without keys or hosts report ``configured() == False``
    and the router skips them."""
    # Imported here: the SDKs are heavy and most processes build the providers once.
    from icop.llm.providers.anthropic import AnthropicProvider
    from icop.llm.providers.gemini import GeminiProvider
    from icop.llm.providers.local import LocalProvider
    from icop.llm.providers.ollama import OllamaProvider
    from icop.llm.providers.openai import OpenAIProvider

    server = local_llm_server(settings)

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value else None

    host = settings.ollama_host
    if host and "://" not in host:
        host = f"http://{host}"
    return {
        "local": LocalProvider(server, dry_multiplier=settings.llm_local_dry_multiplier),
        "openai": OpenAIProvider(
            api_key=secret(settings.openai_api_key), base_url=settings.openai_base_url
        ),
        "anthropic": AnthropicProvider(api_key=secret(settings.anthropic_api_key)),
        "gemini": GeminiProvider(api_key=secret(settings.gemini_api_key)),
        "ollama": OllamaProvider(base_url=host),
    }


def tenant_key_factories(settings: Settings) -> dict[str, ProviderFactory]:
    """How to build a cloud provider from a tenant's own key (stored in its vault)."""
    from icop.llm.providers.anthropic import AnthropicProvider
    from icop.llm.providers.gemini import GeminiProvider
    from icop.llm.providers.openai import OpenAIProvider

    return {
        "openai": lambda key: OpenAIProvider(api_key=key, base_url=settings.openai_base_url),
        "anthropic": lambda key: AnthropicProvider(api_key=key),
        "gemini": lambda key: GeminiProvider(api_key=key),
    }


def build_router(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    providers: dict[str, LLMProvider] | None = None,
    keyring: Keyring | None = None,
    key_factories: dict[str, ProviderFactory] | None = None,
) -> SmartRouter:
    """``keyring`` enables tenants' own cloud keys from the vault; ``key_factories`` builds
    their providers (default: the real SDK providers; tests pass fakes)."""
    if providers is None:
        providers = default_providers(settings)
        key_factories = key_factories or tenant_key_factories(settings)
    tenant_providers = (
        VaultProviders(sessionmaker, keyring, key_factories)
        if keyring is not None and key_factories
        else None
    )
    return SmartRouter(
        providers,
        load_policy(settings.llm_policy_file),
        Throttle(
            global_rate_per_minute=settings.llm_global_rate_per_minute,
            provider_concurrency=settings.llm_provider_concurrency,
        ),
        ledger=DatabaseLedger(sessionmaker),
        budget=DatabaseBudget(sessionmaker),
        overrides=DatabaseOverrides(sessionmaker),
        tenant_providers=tenant_providers,
        prices=load_prices(settings.llm_prices),
        standings=DatabaseStandings(sessionmaker),
    )
