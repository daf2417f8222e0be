"""Rewrite a JSON schema into the subset OpenAI's strict Structured Outputs accept.

Strict mode compiles the schema into a decoding grammar, so the API refuses schemas outside its
subset instead of treating them as hints: every object must say ``additionalProperties: false``
and list all of its properties in ``required``; the root must be an object; ``allOf`` (beyond
one element), ``not``, ``if/then/else``, ``dependent*`` and pattern-keyed objects are refused;
a ``$ref`` may not have sibling keywords. Since May 2025 string, number and array bounds
(``maxLength``, ``maximum``, ``maxItems`` …) are supported and are kept: our schemas rely on
them to stop small models from looping.

The rewrite only ever narrows what the model may produce, so every answer valid for the
rewritten schema is valid for the original one:
- making an optional property required means the model always fills it in (Pydantic fields
  that default to ``None`` are already ``anyOf [T, null]``, so the model can still say null);
- closing an object that had declared properties means it cannot add undeclared keys.
What cannot be expressed without changing meaning (a free-form map such as ``dict[str, int]``)
is refused with the path, so the router falls back to a provider that can take it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

_UNSUPPORTED = (
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "contains",
)


class StrictSchemaError(ValueError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def to_strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A strict-mode copy of ``schema`` (the caller's dict is left untouched)."""
    root = copy.deepcopy(dict(schema))
    if not _is_object(root):
        raise StrictSchemaError("$", "the root must be an object schema")
    return _strict(root, root, "$")


def _strict(node: object, root: dict[str, Any], path: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise StrictSchemaError(path, "expected a schema object")
    for keyword in _UNSUPPORTED:
        if keyword in node:
            raise StrictSchemaError(path, f"'{keyword}' is not supported in strict mode")

    for defs_key in ("$defs", "definitions"):
        defs = node.get(defs_key)
        if isinstance(defs, dict):
            for name, sub in defs.items():
                defs[name] = _strict(sub, root, f"{path}.{defs_key}.{name}")

    # Pydantic writes discriminated unions as oneOf + an OpenAPI ``discriminator``; strict
    # mode has anyOf only. The branches' ``const`` tags keep them exclusive, so anyOf accepts
    # exactly the same documents.
    if "oneOf" in node:
        if "anyOf" in node:
            raise StrictSchemaError(path, "both oneOf and anyOf")
        node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)

    all_of = node.get("allOf")
    if all_of is not None:
        if not isinstance(all_of, list) or len(all_of) != 1:
            raise StrictSchemaError(path, "'allOf' with more than one schema is not supported")
        # Older Pydantic wraps a referenced model with a default as allOf[{$ref}].
        del node["allOf"]
        node = {**_as_dict(all_of[0], path), **node}

    # A None default adds nothing (the type is already nullable) and strict mode rejects it.
    if "default" in node and node["default"] is None:
        del node["default"]

    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        # "$ref" with siblings (typically a description) is refused: inline the target, the
        # node's own keywords winning, and check the result again.
        resolved = _resolve(root, ref, path)
        merged = {**resolved, **node}
        del merged["$ref"]
        return _strict(merged, root, path)

    if _is_object(node) or "properties" in node:
        properties = node.get("properties")
        extra = node.get("additionalProperties")
        if properties is None:
            if extra is not False:
                raise StrictSchemaError(
                    path,
                    "an object without declared properties (a free-form map) cannot be "
                    "expressed in strict mode",
                )
            properties = {}
        if not isinstance(properties, dict):
            raise StrictSchemaError(path, "'properties' must be an object")
        node["properties"] = {
            key: _strict(sub, root, f"{path}.{key}") for key, sub in properties.items()
        }
        node["required"] = list(properties)
        node["additionalProperties"] = False

    items = node.get("items")
    if items is not None:
        if not isinstance(items, dict):
            raise StrictSchemaError(path, "tuple-style 'items' is not supported")
        node["items"] = _strict(items, root, f"{path}[]")

    any_of = node.get("anyOf")
    if any_of is not None:
        if not isinstance(any_of, list):
            raise StrictSchemaError(path, "'anyOf' must be a list")
        node["anyOf"] = [_strict(sub, root, f"{path}|{i}") for i, sub in enumerate(any_of)]

    return node


def _is_object(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _as_dict(node: object, path: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise StrictSchemaError(path, "expected a schema object")
    return node


def _resolve(root: dict[str, Any], ref: str, path: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise StrictSchemaError(path, f"only local $refs can be inlined, not {ref!r}")
    target: object = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            raise StrictSchemaError(path, f"unresolvable $ref {ref!r}")
        target = target[part]
    return copy.deepcopy(_as_dict(target, path))
