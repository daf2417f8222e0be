"""Structured output: schemas from Pydantic models, validation, and the one repair attempt.

Small local models loop on open-ended JSON (PRODUCT.md §8), so every schema we ship must be
bounded: arrays carry ``maxItems`` and strings ``maxLength``. ``unbounded_paths`` finds the
places that are not, and a test runs it over every output model.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import BaseModel, ValidationError

from icop.llm.providers.base import JsonSchema, Message

CHARS_PER_TOKEN_WORST = 2.5
"""Characters per token in a long, odd answer (repetition, punctuation, non-English words):
English prose averages about four, so answers this dense are rare."""


@functools.lru_cache(maxsize=256)
def schema_for(model: type[BaseModel]) -> JsonSchema:
    # Cached: model_json_schema() is the costliest step of a routed call with a fast model.
    return JsonSchema(
        name=model.__name__[:64],
        schema=model.model_json_schema(),
        description=(model.__doc__ or "").strip()[:300] or None,
    )


def unbounded_paths(schema: dict[str, Any]) -> list[str]:
    definitions = schema.get("$defs", {})
    found: list[str] = []

    def walk(node: dict[str, Any], path: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(definitions[name], path, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for index, option in enumerate(node.get(key, [])):
                walk(option, f"{path}[{key}{index}]", seen)
        kind = node.get("type")
        if (
            kind == "string"
            and "maxLength" not in node
            and "enum" not in node
            and "const" not in node
            and "format" not in node
        ):
            found.append(path or "$")
        if kind == "array":
            if "maxItems" not in node:
                found.append(path or "$")
            if isinstance(node.get("items"), dict):
                walk(node["items"], f"{path}[]", seen)
        for name, child in node.get("properties", {}).items():
            walk(child, f"{path}.{name}", seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.*", seen)

    walk(schema, "", frozenset())
    return found


def parse(model: type[BaseModel], text: str, parsed: Any | None) -> BaseModel:
    """Validate a provider's answer; raises ``ValidationError`` or ``ValueError``."""
    if parsed is not None:
        return model.model_validate(parsed)
    return model.model_validate_json(_strip_fences(text))


def _strip_fences(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[-1]
        stripped = stripped.rsplit("```", 1)[0]
    return stripped.strip()


def describe_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or '$'}: {item['msg']}"
            for item in error.errors()[:12]
        )
    return str(error)[:500]


def repair_messages(
    messages: list[Message], bad_answer: str, error: Exception, schema: JsonSchema
) -> list[Message]:
    return [
        *messages,
        Message("assistant", bad_answer[:4000]),
        Message(
            "user",
            "Your answer does not match the required JSON schema: "
            f"{describe_error(error)}.\nReply again with only a JSON document that "
            f"matches this schema:\n{json.dumps(schema.schema, ensure_ascii=False)}",
        ),
    ]


def answer_token_bound(schema: dict[str, Any]) -> int | None:
    """Roughly the most tokens a valid answer can take: the longest document the schema
    allows (every string at its ``maxLength``, every array at ``maxItems``), in tokens; None
    when something is unbounded. A constrained decoder cannot go past it, so ``max_tokens``
    this high never cuts a well-formed answer short."""
    longest = _longest_chars(schema, schema.get("$defs", {}), frozenset())
    return None if longest is None else int(longest / CHARS_PER_TOKEN_WORST) + 16


def _longest_chars(
    node: dict[str, Any], definitions: dict[str, Any], seen: frozenset[str]
) -> int | None:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return (
            None if name in seen else _longest_chars(definitions[name], definitions, seen | {name})
        )
    options = [node[key] for key in ("anyOf", "oneOf") if key in node]
    if options:
        sizes = [_longest_chars(option, definitions, seen) for option in options[0]]
        return None if None in sizes else max(size for size in sizes if size is not None)
    if "enum" in node or "const" in node:
        values = node.get("enum", [node.get("const")])
        return max(len(json.dumps(value)) for value in values)
    kind = node.get("type")
    if kind == "string":
        # Escapes (\n, \") make a string's JSON longer than its characters.
        return None if "maxLength" not in node else int(int(node["maxLength"]) * 1.1) + 2
    if kind in ("integer", "number"):
        return 24
    if kind in ("boolean", "null"):
        return 5
    if kind == "array":
        item = node.get("items")
        each = _longest_chars(item, definitions, seen) if isinstance(item, dict) else None
        if each is None or "maxItems" not in node:
            return None
        return 2 + int(node["maxItems"]) * (each + 2)
    if kind == "object" or "properties" in node:
        total = 2
        for name, child in node.get("properties", {}).items():
            size = _longest_chars(child, definitions, seen)
            if size is None:
                return None
            total += len(name) + 4 + size
        return total
    return None
