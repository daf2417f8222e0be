"""Applying actions: a pure function (design, actions) -> design. Nothing is changed in place;
an action that cannot apply (an unknown target, text on a rectangle, an object pushed off the
canvas) raises ``InvalidAction`` and the design stays as it was — a command applies whole or
not at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from icop.designs.actions import (
    Action,
    AddObject,
    DeleteObjects,
    DuplicateObjects,
    Move,
    Resize,
    Rotate,
    SetBackground,
    SetStyle,
    SetText,
    ZOrder,
)
from icop.designs.contrast import placed
from icop.designs.document import Design, colour
from icop.designs.errors import InvalidAction as InvalidAction
from icop.designs.layout import LAYOUT_ACTIONS
from icop.designs.tree import (
    Document,
    copy_document,
    extent,
    fresh_id,
    objects_of,
    targets_of,
)


def apply(design: Design, actions: Sequence[Action]) -> Design:
    """``design`` with ``actions`` applied in order, validated again as a whole."""
    document = design.fabric_json()
    for action in actions:
        document = _APPLY[type(action)](document, action)
    try:
        result = Design.model_validate(document)
    except ValueError as error:
        raise InvalidAction(f"the result is not a valid design: {error}") from error
    _on_canvas(result)
    return result


# --- the actions, on the Fabric JSON (dicts: copies, never the caller's) ---------------------


def _add(document: Document, action: AddObject) -> Document:
    document = copy_document(document)
    document["objects"] = [
        *objects_of(document),
        action.object.model_dump(mode="json", by_alias=True, exclude_none=True),
    ]
    return document


def _delete(document: Document, action: DeleteObjects) -> Document:
    document = copy_document(document)
    targets_of(document, action.targets)
    gone = set(action.targets)
    kept = []
    for item in objects_of(document):
        if item["id"] in gone:
            continue
        if item.get("type") == "Group":
            item["objects"] = [m for m in item.get("objects", []) if m["id"] not in gone]
        kept.append(item)
    document["objects"] = kept
    return document


def _duplicate(document: Document, action: DuplicateObjects) -> Document:
    document = copy_document(document)
    taken = {item.id for item in Design.model_validate(document).walk()}
    copies = []
    for item in targets_of(document, action.targets):
        copy = {**item, "id": fresh_id(item["id"], taken)}
        copy["left"] = item.get("left", 0) + action.offset
        copy["top"] = item.get("top", 0) + action.offset
        if copy.get("type") == "Group":
            copy["objects"] = [
                {**member, "id": fresh_id(member["id"], taken)} for member in item["objects"]
            ]
        copies.append(copy)
    document["objects"] = [*objects_of(document), *copies]
    return document


def _set_text(document: Document, action: SetText) -> Document:
    document = copy_document(document)
    for item in targets_of(document, action.targets):
        if item.get("type") != "Textbox":
            raise InvalidAction(f"{item['id']!r} is a {item.get('type')}, not text")
        item["text"] = action.text
    return document


def _set_style(document: Document, action: SetStyle) -> Document:
    document = copy_document(document)
    style = action.style.model_dump(by_alias=True, exclude_none=True)
    for key in ("fill", "stroke"):
        if key in style:
            try:
                style[key] = colour(style[key])
            except ValueError as error:
                raise InvalidAction(str(error)) from error
    text_only = {"fontFamily", "fontSize", "fontWeight", "textAlign"} & set(style)
    for item in targets_of(document, action.targets):
        if text_only and item.get("type") != "Textbox":
            raise InvalidAction(f"{item['id']!r} has no text to set {sorted(text_only)} on")
        item.update(style)
    return document


def _move(document: Document, action: Move) -> Document:
    document = copy_document(document)
    for item in targets_of(document, action.targets):
        item["left"] = item.get("left", 0) + action.x if action.relative else action.x
        item["top"] = item.get("top", 0) + action.y if action.relative else action.y
    return document


def _resize(document: Document, action: Resize) -> Document:
    if action.scale is None and action.width is None and action.height is None:
        raise InvalidAction("a resize needs a scale, a width or a height")
    document = copy_document(document)
    for item in targets_of(document, action.targets):
        if action.scale is not None and item.get("type") == "Textbox":
            # Text grows by its font, not by stretching its letters.
            item["fontSize"] = item.get("fontSize", 40) * action.scale
            item["width"] = item.get("width", 0) * action.scale
        elif action.scale is not None:
            item["scaleX"] = item.get("scaleX", 1.0) * action.scale
            item["scaleY"] = item.get("scaleY", 1.0) * action.scale
        if action.width is not None:
            item["width"], item["scaleX"] = action.width, 1.0
        if action.height is not None:
            item["height"], item["scaleY"] = action.height, 1.0
    return document


def _rotate(document: Document, action: Rotate) -> Document:
    document = copy_document(document)
    for item in targets_of(document, action.targets):
        angle = item.get("angle", 0) + action.angle if action.relative else action.angle
        item["angle"] = ((angle + 180) % 360) - 180  # one turn either way
    return document


def _z_order(document: Document, action: ZOrder) -> Document:
    document = copy_document(document)
    objects = objects_of(document)
    chosen = {item["id"] for item in targets_of(document, action.targets)}
    if not chosen <= {item["id"] for item in objects}:
        raise InvalidAction("only top-level objects change order (ungroup first)")
    if action.to in ("front", "back"):
        moved = [item for item in objects if item["id"] in chosen]
        rest = [item for item in objects if item["id"] not in chosen]
        objects = rest + moved if action.to == "front" else moved + rest
    else:
        step = 1 if action.to == "forward" else -1
        order = range(len(objects) - 2, -1, -1) if step == 1 else range(1, len(objects))
        for index in order:
            other = index + step
            if objects[index]["id"] in chosen and objects[other]["id"] not in chosen:
                objects[index], objects[other] = objects[other], objects[index]
    document["objects"] = objects
    return document


def _set_background(document: Document, action: SetBackground) -> Document:
    document = copy_document(document)
    try:
        document["background"] = colour(action.colour)
    except ValueError as error:
        raise InvalidAction(str(error)) from error
    return document


_APPLY: dict[type[Any], Callable[[Document, Any], Document]] = {
    AddObject: _add,
    DeleteObjects: _delete,
    DuplicateObjects: _duplicate,
    SetText: _set_text,
    SetStyle: _set_style,
    Move: _move,
    Resize: _resize,
    Rotate: _rotate,
    ZOrder: _z_order,
    SetBackground: _set_background,
    **LAYOUT_ACTIONS,
}


def _on_canvas(design: Design) -> None:
    """Every visible object keeps part of itself on the canvas: one moved entirely off it is
    lost to the reader and to the next command. A group's members are placed relative to its
    corner."""
    for item, dx, dy in placed(design):
        if not item.visible:
            continue
        left, top, right, bottom = extent(item)
        left, right, top, bottom = left + dx, right + dx, top + dy, bottom + dy
        if right <= 0 or bottom <= 0 or left >= design.width or top >= design.height:
            raise InvalidAction(f"{item.id!r} would be entirely off the canvas")
