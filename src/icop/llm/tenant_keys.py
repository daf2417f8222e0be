"""Tenants' own cloud keys: a tenant that stored an OpenAI, Anthropic or Gemini key in its
credential vault gets providers built with that key (its spend on its account), in place of
the platform's keys from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.credentials import service as credentials
from icop.credentials.schemas import CredentialKind
from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.llm.providers.base import LLMProvider

ProviderFactory = Callable[[str], LLMProvider]
# Vault platforms that hold model keys, and the router's name for each.
MODEL_PLATFORMS = {
    CredentialKind.OPENAI: "openai",
    CredentialKind.ANTHROPIC: "anthropic",
    CredentialKind.GEMINI: "gemini",
}


class VaultProviders:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        factories: dict[str, ProviderFactory],
        ttl_s: float = 60.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.keyring = keyring
        self.factories = factories
        self.ttl_s = ttl_s
        # tenant -> (loaded at, {name: (credential version, provider)})
        self._cache: dict[UUID, tuple[float, dict[str, tuple[str, LLMProvider]]]] = {}

    async def providers_for(self, tenant_id: UUID) -> dict[str, LLMProvider]:
        cached = self._cache.get(tenant_id)
        if cached and time.monotonic() - cached[0] < self.ttl_s:
            return {name: provider for name, (_, provider) in cached[1].items()}
        previous = cached[1] if cached else {}
        current: dict[str, tuple[str, LLMProvider]] = {}
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            for platform, name in MODEL_PLATFORMS.items():
                if name not in self.factories:
                    continue
                stored = await credentials.list_credentials(
                    session, limit=1, offset=0, platform=platform, newest_first=True
                )
                if not stored:
                    continue
                credential = stored[0]
                version = f"{credential.id}:{credential.updated_at.isoformat()}"
                if name in previous and previous[name][0] == version:
                    current[name] = previous[name]
                    continue
                key = credentials.decrypt(self.keyring, credential).access_token
                current[name] = (version, self.factories[name](key))
        for name, (version, provider) in previous.items():
            if current.get(name, (None,))[0] != version:
                await provider.aclose()
        self._cache[tenant_id] = (time.monotonic(), current)
        return {name: provider for name, (_, provider) in current.items()}

    async def aclose(self) -> None:
        for _, providers in self._cache.values():
            for _, provider in providers.values():
                await provider.aclose()
        self._cache.clear()
