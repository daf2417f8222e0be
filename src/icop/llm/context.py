"""Context minimisation: keep only the fields a task consumes, then trim to its token budget.

Trimming shortens the longest fields first (long strings are cut at a word boundary with a
marker, long lists lose their tail items), so short, decisive inputs such as the topic and the
language always survive. Sizes before and after are reported for the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from icop.llm.providers.base import Message
from icop.llm.tasks import TaskSpec

TRIM_MARKER = " […]"
TokenCounter = Callable[[str], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class PreparedPrompt:
    messages: list[Message]
    tokens_before: int
    tokens_after: int
    dropped_fields: list[str]
    trimmed_fields: list[str]


BRIEF = "brief"
"""An input that is the whole message, written as prose (a writer's brief): rendered as it is,
without a "## brief" heading, which small models copy into their answers."""


def render_inputs(inputs: dict[str, Any]) -> str:
    if set(inputs) == {BRIEF} and isinstance(inputs[BRIEF], str):
        return str(inputs[BRIEF])
    sections = []
    for name, value in inputs.items():
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, indent=1, default=str)
        )
        sections.append(f"## {name}\n{text}")
    return "\n\n".join(sections)


def _messages(system: str, instructions: str | None, inputs: dict[str, Any]) -> list[Message]:
    user = render_inputs(inputs)
    if instructions:
        # Instructions after the material: small local models otherwise continue the last
        # thing they read and echo the inputs back instead of doing the task.
        user = f"{user}\n\n{instructions}" if user else instructions
    return [Message("system", system), Message("user", user)]


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list) else len(json.dumps(value, default=str))


def _shrink(value: Any, ratio: float) -> Any:
    if isinstance(value, str):
        keep = max(1, int(len(value) * ratio))
        cut = value[:keep]
        space = cut.rfind(" ")
        if space > keep * 0.8:
            cut = cut[:space]
        return cut + TRIM_MARKER
    if isinstance(value, list):
        return value[: max(1, int(len(value) * ratio))] if len(value) > 1 else value
    return value


async def prepare(
    spec: TaskSpec,
    *,
    system: str,
    inputs: dict[str, Any],
    instructions: str | None,
    count_tokens: TokenCounter,
    budget_tokens: int | None = None,
) -> PreparedPrompt:
    budget = budget_tokens or spec.context_budget_tokens
    full = _messages(system, instructions, inputs)
    tokens_before = await count_tokens(_joined(full))
    kept = {name: value for name, value in inputs.items() if name in spec.consumes}
    dropped = sorted(set(inputs) - set(kept))
    messages = _messages(system, instructions, kept)
    tokens = tokens_before if not dropped else await count_tokens(_joined(messages))
    trimmed: list[str] = []
    for _ in range(12):
        if tokens <= budget:
            break
        shrinkable = [n for n, v in kept.items() if isinstance(v, str | list) and _size(v) > 40]
        if not shrinkable:
            break
        largest = max(shrinkable, key=lambda name: _size(kept[name]))
        # Shrink the largest field by the overshoot (plus a margin), at least by a tenth.
        ratio = max(0.1, min(0.9, 1 - (tokens - budget) / max(tokens, 1) * 1.15))
        kept[largest] = _shrink(kept[largest], ratio)
        if largest not in trimmed:
            trimmed.append(largest)
        messages = _messages(system, instructions, kept)
        tokens = await count_tokens(_joined(messages))
    return PreparedPrompt(messages, tokens_before, tokens, dropped, trimmed)


def _joined(messages: list[Message]) -> str:
    return "\n".join(message.content for message in messages)
