"""The Fabric JSON of a design as plain dicts, and the helpers the actions share: each action
works on a copy (never the caller's document) and finds its targets by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from icop.designs.document import Design, DesignObject, Textbox
from icop.designs.errors import InvalidAction

Document = dict[str, Any]


def objects_of(document: Document) -> list[dict[str, Any]]:
    return list(document.get("objects", []))


def targets_of(document: Document, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The objects named by ``ids`` (top-level or inside a group), each once."""
    by_id: dict[str, dict[str, Any]] = {}
    for item in document.get("objects", []):
        by_id[item["id"]] = item
        for member in item.get("objects", []) if item.get("type") == "Group" else []:
            by_id[member["id"]] = member
    missing = [object_id for object_id in ids if object_id not in by_id]
    if missing:
        raise InvalidAction(f"no object with the id {', '.join(map(repr, missing))}")
    return [by_id[object_id] for object_id in dict.fromkeys(ids)]


def copy_document(document: Document) -> Document:
    return Design.model_validate(document).fabric_json()


def fresh_id(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    taken.add(f"{base}-{number}")
    return f"{base}-{number}"


def extent(item: DesignObject) -> tuple[float, float, float, float]:
    if isinstance(item, Textbox) and item.height == 0:  # Fabric measures text height itself
        left, top, right, _ = item.box
        return left, top, right, top + item.font_size * item.line_height
    return item.box


def new_group_id(design: Design) -> str:
    """An id for a new group: "group", or "group-2", "group-3"… when taken."""
    taken = {item.id for item in design.walk()}
    return "group" if "group" not in taken else fresh_id("group", taken)
