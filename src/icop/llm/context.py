"""Context minimisation: keep only the fields a task consumes, then trim to its token budget.

Trimming shortens the longest fields first (long strings are cut at a word boundary with a
marker, long lists lose their tail items), so short, decisive inputs such as the topic and the
language always survive. Sizes before and after are reported for the ledger, layer by layer
(the system prompt, each input field, the instructions): the context debugger
(``icop llm context CALL_ID``) shows which fields were dropped or trimmed, and flags kept fields
that the role's prompt never names (candidates to leave out of the task's ``consumes``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from icop.llm.providers.base import Message
from icop.llm.tasks import TaskSpec

TRIM_MARKER = " […]"
TokenCounter = Callable[[str], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class ContextLayer:
    """One layer of a call's context: its size in characters before and after minimisation."""

    name: str  # "system", "instructions", or the input field's name
    kind: str  # "system", "instructions", "input"
    chars_before: int
    chars_after: int
    state: str  # "kept", "trimmed", "dropped"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "chars_before": self.chars_before,
            "chars_after": self.chars_after,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class PreparedPrompt:
    messages: list[Message]
    tokens_before: int
    tokens_after: int
    dropped_fields: list[str]
    trimmed_fields: list[str]
    layers: list[ContextLayer] = field(default_factory=list)
    unreferenced_fields: list[str] = field(default_factory=list)
    """Kept input fields that neither the system prompt nor the instructions name."""
    budget_tokens: int | None = None

    def report(self) -> dict[str, Any]:
        """What the ledger stores with the call (``llm_calls.context``)."""
        return {
            "tokens_before": self.tokens_before,
            "tokens_after": self.tokens_after,
            "budget_tokens": self.budget_tokens,
            "layers": [layer.as_dict() for layer in self.layers],
            "dropped": list(self.dropped_fields),
            "trimmed": list(self.trimmed_fields),
            "unreferenced": list(self.unreferenced_fields),
        }


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
    return PreparedPrompt(
        messages,
        tokens_before,
        tokens,
        dropped,
        trimmed,
        layers=_layers(system, instructions, inputs, kept, trimmed),
        unreferenced_fields=unreferenced(system, instructions, kept),
        budget_tokens=budget,
    )


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def _layers(
    system: str,
    instructions: str | None,
    inputs: dict[str, Any],
    kept: dict[str, Any],
    trimmed: list[str],
) -> list[ContextLayer]:
    layers = [ContextLayer("system", "system", len(system), len(system), "kept")]
    for name, value in inputs.items():
        before = len(_text(value))
        if name not in kept:
            layers.append(ContextLayer(name, "input", before, 0, "dropped"))
            continue
        state = "trimmed" if name in trimmed else "kept"
        layers.append(ContextLayer(name, "input", before, len(_text(kept[name])), state))
    if instructions:
        size = len(instructions)
        layers.append(ContextLayer("instructions", "instructions", size, size, "kept"))
    return layers


def unreferenced(system: str, instructions: str | None, kept: dict[str, Any]) -> list[str]:
    """Kept fields the prompt never names (``brand_voice`` counts as named by "brand voice",
    ``drafts`` by "draft").
    A field the model gets but is never told about is paid for in tokens and often ignored;
    the lone prose ``brief`` is the message itself and needs no naming."""
    if set(kept) == {BRIEF}:
        return []
    prompt = f"{system}\n{instructions or ''}".lower()
    missing = []
    for name in kept:
        # "drafts" is named by "every draft": the singular counts too.
        base = name.lower().removesuffix("s") if len(name) > 3 else name.lower()
        words = {base, base.replace("_", " "), base.replace("_", "-")}
        if not any(re.search(rf"\b{re.escape(word)}", prompt) for word in words):
            missing.append(name)
    return missing


def _joined(messages: list[Message]) -> str:
    return "\n".join(message.content for message in messages)
