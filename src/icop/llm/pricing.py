"""Model prices in USD per million tokens (input, output), for the ledger and the estimator.

Prices change; operators override them with ``ICOP_LLM_PRICES`` (JSON: {"provider:model":
[input, output]}). Local models cost nothing in money (their cost is time, in the ledger too).
Unknown cloud models are priced at the most expensive known rate so that budgets err on the
safe side.
"""

from __future__ import annotations

from decimal import Decimal

PER_MILLION = Decimal(1_000_000)
MICRO_DOLLAR = Decimal("0.000001")

PRICES: dict[str, tuple[Decimal, Decimal]] = {
    "openai:gpt-4.1": (Decimal("2.00"), Decimal("8.00")),
    "openai:gpt-4.1-mini": (Decimal("0.40"), Decimal("1.60")),
    "openai:gpt-4.1-nano": (Decimal("0.10"), Decimal("0.40")),
    "openai:gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "openai:gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "anthropic:claude-sonnet-4-5": (Decimal("3.00"), Decimal("15.00")),
    "anthropic:claude-3-5-haiku-latest": (Decimal("0.80"), Decimal("4.00")),
    "anthropic:claude-haiku-4-5": (Decimal("1.00"), Decimal("5.00")),
    "gemini:gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "gemini:gemini-2.5-pro": (Decimal("1.25"), Decimal("10.00")),
}
FREE_PROVIDERS = {"local", "ollama", "fake"}
_FALLBACK = max(PRICES.values(), key=lambda price: price[1])


def price_of(
    provider: str, model: str, overrides: dict[str, tuple[Decimal, Decimal]] | None = None
) -> tuple[Decimal, Decimal]:
    if provider in FREE_PROVIDERS:
        return Decimal(0), Decimal(0)
    key = f"{provider}:{model}"
    if overrides and key in overrides:
        return overrides[key]
    return PRICES.get(key, _FALLBACK)


def cost_usd(
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    overrides: dict[str, tuple[Decimal, Decimal]] | None = None,
) -> Decimal:
    input_price, output_price = price_of(provider, model, overrides)
    # Micro-dollars, the ledger's precision.
    return (
        (input_price * prompt_tokens + output_price * completion_tokens) / PER_MILLION
    ).quantize(MICRO_DOLLAR)
