"""The actions that arrange a design as a whole: align, distribute, group/ungroup, replace
and crop a picture, apply the brand kit, switch the platform preset. Like every action, each
works on a copy of the Fabric JSON and leaves the caller's document alone.

Boxes are read through the validated document (``Design``) so that a textbox without a height
(Fabric measures it) still has one: a line of its font.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icop.brand.palette import RGB, contrast_ratio, hex_to_rgb, rgb_to_hex
from icop.designs.actions import (
    PRESET_SIZES,
    Align,
    ApplyBrandKit,
    Crop,
    Distribute,
    GroupObjects,
    ReplaceImage,
    SwitchPreset,
    Ungroup,
)
from icop.designs.contrast import backdrop, parse_rgba
from icop.designs.document import Design, Group
from icop.designs.errors import InvalidAction
from icop.designs.tree import Document, copy_document, extent, objects_of, targets_of

Box = tuple[float, float, float, float]

BRAND_TEXT_CONTRAST = 4.5
"""WCAG AA for normal text: the brand kit's text colour must reach it on its backdrop, or a
text gets the kit colour (or black/white) that contrasts most instead."""
LEGIBLE_FONT_SHARE = 0.022
"""A switch of preset never sets text smaller than this share of the new short side (about
24 px on a 1080 px card): a title shrunk for a wide banner stays readable in a feed."""


def _boxes(document: Document) -> dict[str, Box]:
    """Every object's box on the canvas (group members offset by their group's corner)."""
    design = Design.model_validate(document)
    found: dict[str, Box] = {}
    for item in design.objects:
        found[item.id] = extent(item)
        if isinstance(item, Group):
            for member in item.objects:
                left, top, right, bottom = extent(member)
                found[member.id] = (
                    left + item.left,
                    top + item.top,
                    right + item.left,
                    bottom + item.top,
                )
    return found


def _union(boxes: list[Box]) -> Box:
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _align(document: Document, action: Align) -> Document:
    document = copy_document(document)
    items = targets_of(document, action.targets)
    boxes = _boxes(document)
    frame: Box = (
        (0.0, 0.0, float(document["width"]), float(document["height"]))
        if action.relative_to == "canvas"
        else _union([boxes[item["id"]] for item in items])
    )
    for item in items:
        left, top, right, bottom = boxes[item["id"]]
        dx = {
            "left": frame[0] - left,
            "center": (frame[0] + frame[2]) / 2 - (left + right) / 2,
            "right": frame[2] - right,
        }.get(action.to, 0.0)
        dy = {
            "top": frame[1] - top,
            "middle": (frame[1] + frame[3]) / 2 - (top + bottom) / 2,
            "bottom": frame[3] - bottom,
        }.get(action.to, 0.0)
        item["left"] = item.get("left", 0.0) + dx
        item["top"] = item.get("top", 0.0) + dy
    return document


def _distribute(document: Document, action: Distribute) -> Document:
    document = copy_document(document)
    items = targets_of(document, action.targets)
    if len(items) < 3:
        raise InvalidAction("distributing needs three or more different objects")
    boxes = _boxes(document)
    start, end = (0, 2) if action.direction == "horizontal" else (1, 3)
    items.sort(key=lambda item: (boxes[item["id"]][start] + boxes[item["id"]][end]) / 2)
    first, last = boxes[items[0]["id"]], boxes[items[-1]["id"]]
    span = last[end] - first[start]
    sizes = [boxes[item["id"]][end] - boxes[item["id"]][start] for item in items]
    gap = (span - sum(sizes)) / (len(items) - 1)
    position = first[start]
    key = "left" if action.direction == "horizontal" else "top"
    for item, size in zip(items, sizes, strict=True):
        item[key] = item.get(key, 0.0) + position - boxes[item["id"]][start]
        position += size + gap
    return document


def _group(document: Document, action: GroupObjects) -> Document:
    document = copy_document(document)
    objects = objects_of(document)
    chosen = set(action.targets)
    top_level = {item["id"]: item for item in objects}
    for object_id in action.targets:
        if object_id not in top_level:
            targets_of(document, [object_id])  # an unknown id says so
            raise InvalidAction(f"{object_id!r} is already in a group: ungroup it first")
        if top_level[object_id].get("type") == "Group":
            raise InvalidAction(f"{object_id!r} is a group: groups do not nest")
    if action.id in {item.id for item in Design.model_validate(document).walk()}:
        raise InvalidAction(f"the id {action.id!r} is taken")
    members = [item for item in objects if item["id"] in chosen]
    left, top, right, bottom = _union([_boxes(document)[item["id"]] for item in members])
    group = {
        "type": "Group",
        "id": action.id,
        "left": left,
        "top": top,
        "width": right - left,
        "height": bottom - top,
        "objects": [
            {**item, "left": item.get("left", 0.0) - left, "top": item.get("top", 0.0) - top}
            for item in members
        ],
    }
    # The group takes the place of its topmost member, so nothing else changes order.
    place = max(index for index, item in enumerate(objects) if item["id"] in chosen)
    rest = [
        group if index == place else item
        for index, item in enumerate(objects)
        if item["id"] not in chosen or index == place
    ]
    document["objects"] = rest
    return document


def _ungroup(document: Document, action: Ungroup) -> Document:
    document = copy_document(document)
    groups = {item["id"]: item for item in objects_of(document) if item.get("type") == "Group"}
    for object_id in action.targets:
        if object_id not in groups:
            targets_of(document, [object_id])
            raise InvalidAction(f"{object_id!r} is not a group")
    flat: list[dict[str, Any]] = []
    for item in objects_of(document):
        if item["id"] not in action.targets:
            flat.append(item)
            continue
        for member in item.get("objects", []):
            flat.append(
                {
                    **member,
                    "left": item.get("left", 0.0) + member.get("left", 0.0),
                    "top": item.get("top", 0.0) + member.get("top", 0.0),
                }
            )
    document["objects"] = flat
    return document


def _images(document: Document, ids: list[str]) -> list[dict[str, Any]]:
    items = targets_of(document, ids)
    for item in items:
        if item.get("type") != "Image":
            raise InvalidAction(f"{item['id']!r} is a {item.get('type')}, not an image")
    return items


def _cover(item: dict[str, Any], frame_w: float, frame_h: float, natural: tuple[int, int]) -> None:
    """Fill a ``frame_w`` x ``frame_h`` frame with the picture: scaled to cover it, the overflow
    cropped evenly on both sides."""
    natural_w, natural_h = natural
    scale = max(frame_w / natural_w, frame_h / natural_h)
    crop_w, crop_h = min(natural_w, frame_w / scale), min(natural_h, frame_h / scale)
    item.update(
        width=crop_w,
        height=crop_h,
        cropX=(natural_w - crop_w) / 2,
        cropY=(natural_h - crop_h) / 2,
        scaleX=scale,
        scaleY=scale,
        naturalWidth=natural_w,
        naturalHeight=natural_h,
    )


def _replace_image(document: Document, action: ReplaceImage) -> Document:
    document = copy_document(document)
    for item in _images(document, action.targets):
        frame_w = item.get("width", 0.0) * item.get("scaleX", 1.0)
        frame_h = item.get("height", 0.0) * item.get("scaleY", 1.0)
        item["src"] = action.src
        if frame_w <= 0 or frame_h <= 0:  # no frame yet: the picture at its own size
            frame_w, frame_h = float(action.natural_width), float(action.natural_height)
        _cover(item, frame_w, frame_h, (action.natural_width, action.natural_height))
    return document


def _crop(document: Document, action: Crop) -> Document:
    document = copy_document(document)
    for item in _images(document, action.targets):
        natural_w, natural_h = item.get("naturalWidth"), item.get("naturalHeight")
        if natural_w is not None and action.crop_x + action.width > natural_w + 0.5:
            raise InvalidAction(
                f"the crop of {item['id']!r} reaches x={action.crop_x + action.width:g}, "
                f"beyond the picture's width {natural_w}"
            )
        if natural_h is not None and action.crop_y + action.height > natural_h + 0.5:
            raise InvalidAction(
                f"the crop of {item['id']!r} reaches y={action.crop_y + action.height:g}, "
                f"beyond the picture's height {natural_h}"
            )
        item.update(
            cropX=action.crop_x, cropY=action.crop_y, width=action.width, height=action.height
        )
    return document


def _with_alpha(colour: str, current: str | None) -> str:
    """``colour`` with the alpha of ``current`` (a translucent accent motif stays
    translucent)."""
    parsed = parse_rgba(current)
    if parsed is None or parsed[1] >= 1:
        return colour
    red, green, blue = hex_to_rgb(colour)
    return f"rgba({red}, {green}, {blue}, {parsed[1]:g})"


def _apply_brand(document: Document, action: ApplyBrandKit) -> Document:
    document = copy_document(document)
    kit = action.brand
    try:
        background, accent, text = (hex_to_rgb(c) for c in (kit.background, kit.accent, kit.text))
    except ValueError as error:
        raise InvalidAction(f"the brand kit has a colour that is not #rrggbb: {error}") from error
    document["background"] = rgb_to_hex(background)
    canvas = (0.0, 0.0, float(document["width"]), float(document["height"]))
    boxes = _boxes(document)
    every = [
        member
        for item in document["objects"]
        for member in (item, *(item.get("objects", []) if item.get("type") == "Group" else ()))
    ]
    texts: list[dict[str, Any]] = []
    for item in every:
        kind, role = item.get("type"), item.get("role")
        covers = _covers(boxes[item["id"]], canvas)
        if kind == "Textbox":
            texts.append(item)
            if kit.font_family is not None:
                item["fontFamily"] = kit.font_family
        elif kind in ("Rect", "Circle") and (role == "background" or (covers and not role)):
            item["fill"] = _with_alpha(rgb_to_hex(background), item.get("fill"))
        elif kind in ("Rect", "Circle", "Line") and role in ("decoration", "cta", None):
            if item.get("fill"):
                item["fill"] = _with_alpha(rgb_to_hex(accent), item.get("fill"))
            if item.get("stroke"):
                item["stroke"] = _with_alpha(rgb_to_hex(accent), item.get("stroke"))
    # Texts last: their backdrops have their new colours now.
    design = Design.model_validate(document)
    for item in texts:
        item["fill"] = rgb_to_hex(
            _legible((text, accent, background), backdrop(design, item["id"]))
        )
    return document


def _legible(kit: tuple[RGB, RGB, RGB], behind: RGB | None) -> RGB:
    """The first kit colour (text, accent, background) that reaches the contrast on
    ``behind``, else black or white, whichever contrasts more (a picture behind: the text
    colour)."""
    if behind is None:
        return kit[0]
    for colour in kit:
        if contrast_ratio(colour, behind) >= BRAND_TEXT_CONTRAST:
            return colour
    return max(((17, 17, 17), (255, 255, 255)), key=lambda c: contrast_ratio(c, behind))


def _covers(box: Box, canvas: Box) -> bool:
    return (
        box[0] <= canvas[0] and box[1] <= canvas[1] and box[2] >= canvas[2] and box[3] >= canvas[3]
    )


def _switch_preset(document: Document, action: SwitchPreset) -> Document:
    document = copy_document(document)
    old_w, old_h = float(document["width"]), float(document["height"])
    new_w, new_h = PRESET_SIZES[action.preset]
    sx, sy = new_w / old_w, new_h / old_h
    uniform = min(sx, sy)
    boxes = _boxes(document)
    canvas = (0.0, 0.0, old_w, old_h)
    least_font = LEGIBLE_FONT_SHARE * min(new_w, new_h)
    for item in document["objects"]:
        box = boxes[item["id"]]
        if _covers(box, canvas):
            _fill_canvas(item, new_w, new_h)
            continue
        if item.get("type") == "Group":
            for member in item.get("objects", []):
                member["left"] = member.get("left", 0.0) * uniform
                member["top"] = member.get("top", 0.0) * uniform
                _shrink(member, uniform, uniform, least_font)
            width, height = item.get("width", 0.0) * uniform, item.get("height", 0.0) * uniform
            item["width"], item["height"] = width, height
        else:
            width, height = _shrink(item, sx, uniform, least_font)
        # The centre moves proportionally; the object is then kept whole on the new canvas.
        centre_x, centre_y = (box[0] + box[2]) / 2 * sx, (box[1] + box[3]) / 2 * sy
        left = centre_x - width / 2
        top = centre_y - height / 2
        item["left"] = max(0.0, min(left, new_w - width))
        item["top"] = max(0.0, min(top, new_h - height))
    document["width"], document["height"] = new_w, new_h
    return document


def _shrink(
    item: dict[str, Any], sx: float, uniform: float, least_font: float
) -> tuple[float, float]:
    """Scale one object for the new canvas; its new drawn width and height. A text keeps its
    share of the canvas's width (it wraps again) and its font scales with the canvas, never
    below a legible size; other objects keep their proportions."""
    kind = item.get("type")
    if kind == "Textbox":
        font = item.get("fontSize", 40.0)
        lines_high = max(1.0, item.get("height", 0.0) / (font * item.get("lineHeight", 1.16)))
        item["fontSize"] = max(font * uniform, min(font, least_font))
        item["width"] = item.get("width", 0.0) * sx
        height = item["fontSize"] * item.get("lineHeight", 1.16) * lines_high
        if item.get("height"):
            item["height"] = height
        return item["width"] * item.get("scaleX", 1.0), height * item.get("scaleY", 1.0)
    if kind == "Line":
        for key in ("x1", "y1", "x2", "y2", "width", "height"):
            item[key] = item.get(key, 0.0) * uniform
    else:
        item["scaleX"] = item.get("scaleX", 1.0) * uniform
        item["scaleY"] = item.get("scaleY", 1.0) * uniform
    if kind == "Circle":
        side = 2 * item.get("radius", 0.0) * item["scaleX"]
        return side, side
    return item.get("width", 0.0) * item.get("scaleX", 1.0), item.get("height", 0.0) * item.get(
        "scaleY", 1.0
    )


def _fill_canvas(item: dict[str, Any], new_w: int, new_h: int) -> None:
    """A layer that covered the old canvas covers the new one: a shape stretches, a picture
    is cropped to the new aspect (never stretched)."""
    item["left"], item["top"] = 0.0, 0.0
    if item.get("type") == "Image":
        natural = (
            item.get("naturalWidth") or round(item.get("cropX", 0.0) + item.get("width", 1.0)),
            item.get("naturalHeight") or round(item.get("cropY", 0.0) + item.get("height", 1.0)),
        )
        _cover(item, float(new_w), float(new_h), natural)
    elif item.get("type") == "Circle":
        item["scaleX"] = item["scaleY"] = max(new_w, new_h) / max(1.0, 2 * item.get("radius", 1.0))
    else:
        item["width"], item["height"] = (
            new_w / item.get("scaleX", 1.0),
            new_h / item.get("scaleY", 1.0),
        )


LAYOUT_ACTIONS: dict[type[Any], Callable[[Document, Any], Document]] = {
    Align: _align,
    Distribute: _distribute,
    GroupObjects: _group,
    Ungroup: _ungroup,
    ReplaceImage: _replace_image,
    Crop: _crop,
    ApplyBrandKit: _apply_brand,
    SwitchPreset: _switch_preset,
}
