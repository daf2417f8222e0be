"""Which model an evaluation uses: ``--provider`` and ``--model`` as settings, providers and a
routing policy, so the run goes through the same router as the product.

- ``local`` (default): the bundled llama.cpp server; ``--model`` is a catalog name or a .gguf.
- ``fake``: the deterministic fake provider (tests; the harness's own overhead).
- a cloud or Ollama provider (``openai``, ``anthropic``, ``gemini``, ``ollama``): every task is
  routed to it first, with ``--model`` (or the policy's own model for that provider), and the
  bundled model as the fallback the product has anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from icop.config import Settings
from icop.errors import ConfigurationError
from icop.evaluation.extractive import extractive
from icop.llm.local.catalog import get_model, looks_like_path
from icop.llm.policy import Candidate, RoutingPolicy
from icop.llm.providers.base import LLMProvider
from icop.llm.providers.fake import FakeProvider
from icop.llm.registry import load_policy

PROVIDERS = ("local", "fake", "openai", "anthropic", "gemini", "ollama")


@dataclass(frozen=True)
class ModelChoice:
    settings: Settings
    providers: dict[str, LLMProvider] | None
    """None: the product's own providers (``registry.default_providers``)."""
    provider: str
    model: str
    """What reports call it: the catalog name, a .gguf's stem, or the provider's model id."""


def fake_providers() -> dict[str, LLMProvider]:
    """Deterministic fakes under the policy's provider names (``local`` answers as
    ``extractive`` does); only ``local`` is configured, as on a machine without cloud keys."""
    return {
        "local": FakeProvider("local", script=extractive),
        **{
            name: FakeProvider(name, is_configured=False)
            for name in ("openai", "anthropic", "gemini", "ollama")
        },
    }


def choose(settings: Settings, provider: str, model: str | None, workdir: Path) -> ModelChoice:
    if provider not in PROVIDERS:
        raise ConfigurationError(f"unknown provider {provider!r}; choose one of {PROVIDERS}")
    if provider == "fake":
        return ModelChoice(settings, fake_providers(), "fake", model or "fake")
    if provider == "local":
        reference = model or settings.llm_local_model
        name = Path(reference).stem if looks_like_path(reference) else get_model(reference).name
        return ModelChoice(
            settings.model_copy(update={"llm_local_model": reference}), None, "local", name
        )
    policy = first_choice(load_policy(settings.llm_policy_file), provider, model)
    path = workdir / f"routing-{provider}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(policy.model_dump(mode="json", exclude_none=True)))
    chosen = model or next(
        c.model
        for candidates in policy.tasks.values()
        for c in candidates
        if c.provider == provider
    )
    return ModelChoice(
        settings.model_copy(update={"llm_policy_file": path}), None, provider, chosen
    )


def first_choice(policy: RoutingPolicy, provider: str, model: str | None) -> RoutingPolicy:
    """``policy`` with ``provider`` (its ``model``, or the model the policy names for it in
    that task or any task) first for every task."""
    known = [
        c.model
        for candidates in policy.tasks.values()
        for c in candidates
        if c.provider == provider
    ]
    if model is None and not known:
        raise ConfigurationError(f"the routing policy names no model for {provider}: pass --model")
    tasks = {}
    for task, candidates in policy.tasks.items():
        own = next((c for c in candidates if c.provider == provider), None)
        chosen = Candidate(
            provider=provider,
            model=model or (own.model if own else known[0]),
            temperature=own.temperature if own else candidates[0].temperature,
        )
        tasks[task] = [chosen, *(c for c in candidates if c.provider != provider)]
    return policy.model_copy(update={"tasks": tasks})
