"""The server-side renderer of the design subset: a design drawn with Pillow the way Fabric.js 6
draws it in the browser, so the JPEG a post carries is the picture the editor showed.

Fabric's conventions followed here: objects in array order (later on top); ``left``/``top``
are the top-left corner (origin left/top) and rotation turns about it; a rect's or image's
drawn size is ``width * scaleX`` by ``height * scaleY``; a circle's is its ``radius`` scaled;
the stroke is centred on the outline and the bounding box (whose corner ``left``/``top`` is)
holds it; a textbox wraps its words at ``width`` and sets lines ``fontSize * 1.13 *
lineHeight`` apart, baselines where Fabric puts them. Fonts are the brand catalog's families,
by label ("Noto Sans") or id ("noto-sans"); an unknown family falls back to the default font
(Hangul to a CJK font) instead of failing, as the card renderer does.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from icop.brand.fonts import CATALOG, find_font
from icop.designs.document import Circle, Design, DesignObject, Group, Image, Line, Rect, Textbox
from icop.errors import ValidationFailed
from icop.images import text as typeset

# Fabric.js 6 Text: a line's height is fontSize * _fontSizeMult * lineHeight, and the baseline
# sits _fontSizeFraction of the first part above the line's bottom.
FONT_SIZE_MULT = 1.13
FONT_SIZE_FRACTION = 0.222

ImageLoader = Callable[[str], PILImage.Image | None]
"""Loads an image object's ``src`` (an object-storage reference) or returns None."""


class DesignImageMissing(ValidationFailed):
    code = "design_image_missing"
    title = "An image of the design cannot be loaded"


def render(design: Design, load_image: ImageLoader) -> PILImage.Image:
    """The design as an RGB image of its canvas size."""
    canvas = PILImage.new("RGBA", (design.width, design.height), _rgba(design.background))
    for item in design.objects:
        _draw(canvas, item, load_image, 0.0, 0.0)
    return canvas.convert("RGB")


def render_png(design: Design, load_image: ImageLoader) -> bytes:
    buffer = io.BytesIO()
    render(design, load_image).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _draw(
    canvas: PILImage.Image, item: DesignObject, load: ImageLoader, dx: float, dy: float
) -> None:
    if not item.visible or item.opacity == 0:
        return
    if isinstance(item, Group):
        # ICOP places a group's members from the group's corner; Fabric 6 from its centre: the
        # editor's canvas converts on loading (web/src/components/designs/DesignCanvas.tsx).
        for member in item.objects:
            _draw(canvas, member, load, dx + item.left, dy + item.top)
        return
    layer, (offset_x, offset_y) = _layer(item, load)
    if layer is None:
        return
    if item.opacity < 1:
        alpha = layer.getchannel("A").point(lambda a: round(a * item.opacity))
        layer.putalpha(alpha)
    x, y = dx + item.left + offset_x, dy + item.top + offset_y
    if item.angle:
        # Rotate about the object's corner (its origin): pad so the corner is the centre.
        pivot_x, pivot_y = -offset_x, -offset_y
        side = 2 * math.ceil(
            math.hypot(max(pivot_x, layer.width - pivot_x), max(pivot_y, layer.height - pivot_y))
        )
        padded = PILImage.new("RGBA", (side, side), (0, 0, 0, 0))
        padded.paste(layer, (round(side / 2 - pivot_x), round(side / 2 - pivot_y)))
        layer = padded.rotate(-item.angle, resample=PILImage.Resampling.BICUBIC)
        x, y = dx + item.left - side / 2, dy + item.top - side / 2
    _composite(canvas, layer, round(x), round(y))


def _layer(
    item: DesignObject, load: ImageLoader
) -> tuple[PILImage.Image | None, tuple[float, float]]:
    """The object drawn on its own transparent layer, and where the layer's corner sits
    relative to the object's ``left``/``top`` (on it: Fabric's box holds the whole stroke)."""
    # Fabric counts strokeWidth in an object's box even when it has no stroke colour.
    pad = math.ceil(item.stroke_width / 2)
    if isinstance(item, Textbox):
        return _text(item), (0.0, 0.0)
    if isinstance(item, Image):
        return _picture(item, load), (0.0, 0.0)
    width = max(1, round(item.width * item.scale_x))
    height = max(1, round(item.height * item.scale_y))
    if isinstance(item, Circle):
        width = height = max(1, round(2 * item.radius * item.scale_x))
    layer = PILImage.new("RGBA", (width + 2 * pad, height + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    fill = _rgba(item.fill) if item.fill else None
    stroke = _rgba(item.stroke) if item.stroke and item.stroke_width else None
    line_width = max(1, round(item.stroke_width)) if stroke else 0
    # Pillow paints an outline inside its box; Fabric centres the stroke on the path, so the
    # box is the stroke's outer edge: the whole layer.
    box = (0, 0, width + 2 * pad - 1, height + 2 * pad - 1)
    if isinstance(item, Rect):
        # Fabric rounds a corner by rx across and ry down; with either at 0 it stays square.
        radius = round(min(item.rx, item.ry) * item.scale_x + (pad if item.rx and item.ry else 0))
        draw.rounded_rectangle(box, radius=radius, fill=fill, outline=stroke, width=line_width)
    elif isinstance(item, Circle):
        draw.ellipse(box, fill=fill, outline=stroke, width=line_width)
    elif isinstance(item, Line):
        colour = stroke or fill or (0, 0, 0, 255)
        start = (pad + (item.x1 - min(item.x1, item.x2)), pad + (item.y1 - min(item.y1, item.y2)))
        end = (pad + (item.x2 - min(item.x1, item.x2)), pad + (item.y2 - min(item.y1, item.y2)))
        draw.line([start, end], fill=colour, width=max(1, line_width))
    # Fabric's left/top is the corner of the bounding box with the stroke in it.
    return layer, (0.0, 0.0)


def _text(item: Textbox) -> PILImage.Image | None:
    size = max(4, round(item.font_size * item.scale_y))
    path = text_font_path(item)
    try:
        font: typeset.Font = (
            ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)
        )
    except OSError:  # a damaged or vanished file must not block publishing
        font = ImageFont.load_default(size=size)
    box_width = max(1.0, item.width * item.scale_x)
    lines = [
        wrapped
        for paragraph in item.text.split("\n")
        for wrapped in (typeset.wrap(paragraph, font, box_width) or [""])
    ]
    # Fabric's text metrics (Text._fontSizeMult, _fontSizeFraction): a line is
    # fontSize * 1.13 * lineHeight tall, the last one fontSize * 1.13, and each baseline sits
    # fontSize * 1.13 * (1 - 0.222) below its line's top.
    em = size * FONT_SIZE_MULT
    step = em * item.line_height
    baseline = em * (1 - FONT_SIZE_FRACTION)
    height = max(1, math.ceil(step * (len(lines) - 1) + em))
    layer = PILImage.new("RGBA", (math.ceil(box_width), height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colour = _rgba(item.fill or "#000000")
    for index, line in enumerate(lines):
        line_width = typeset.width(line, font)
        x = {"center": (box_width - line_width) / 2, "right": box_width - line_width}.get(
            item.text_align, 0.0
        )
        draw.text((x, index * step + baseline), line, font=font, fill=colour, anchor="ls")
    return layer


def text_font_path(item: Textbox) -> str | None:
    """The font file a textbox is drawn with: its family's (bold or regular) when the catalog
    knows and this machine has it, else the default's, a CJK one when the text needs it; None
    for Pillow's bundled font. The editor's canvas loads the same file so the two agree."""
    bold = item.font_weight in ("bold", 700, 800, 900)
    cjk = typeset.needs_cjk(item.text)
    # No family of the catalog has Hangul or CJK glyphs: such text takes a CJK font rather than
    # drawing boxes in the family's font.
    chosen = None if cjk else _font_file(item.font_family, bold)
    if chosen is not None:
        return chosen
    # The default's lists put bold first (cards set titles in bold); regular text takes the
    # first regular file this machine has, and a CJK text a CJK font whatever its weight.
    lists = (typeset.CJK_FONTS, typeset.LATIN_FONTS) if cjk else (typeset.LATIN_FONTS,)
    for names in lists:
        installed = [found for name in names if (found := find_font(name)) is not None]
        weighted = [found for found in installed if ("bold" in found.lower()) == bold]
        if weighted or installed:
            return (weighted or installed)[0]
    return None


def _picture(item: Image, load: ImageLoader) -> PILImage.Image:
    source = load(item.src)
    if source is None:
        raise DesignImageMissing(f"the image {item.src!r} of {item.id!r} cannot be loaded")
    source = source.convert("RGBA")
    if item.width and item.height:  # Fabric's width/height crop the source at cropX/cropY
        source = source.crop(
            (
                round(item.crop_x),
                round(item.crop_y),
                round(item.crop_x + item.width),
                round(item.crop_y + item.height),
            )
        )
    size = (
        max(1, round(source.width * item.scale_x)),
        max(1, round(source.height * item.scale_y)),
    )
    return source.resize(size, PILImage.Resampling.LANCZOS)


def _font_file(family: str, bold: bool) -> str | None:
    wanted = family.strip().lower()
    for font, spec in CATALOG.items():
        if wanted in (spec.label.lower(), font.value):
            files = sorted(spec.files, key=lambda name: ("bold" in name.lower()) != bold)
            return next((found for name in files if (found := find_font(name))), None)
    return None


def _rgba(value: str | None) -> tuple[int, int, int, int]:
    if value is None:
        return (0, 0, 0, 0)
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return red, green, blue, 255
    parts = [p.strip() for p in value[value.index("(") + 1 : value.index(")")].split(",")]
    alpha = float(parts[3]) if len(parts) == 4 else 1.0
    return int(parts[0]), int(parts[1]), int(parts[2]), round(255 * alpha)


def _composite(canvas: PILImage.Image, layer: PILImage.Image, x: int, y: int) -> None:
    """``alpha_composite`` needs the layer inside the canvas: it is cut to the visible part."""
    left, top = max(0, -x), max(0, -y)
    right = min(layer.width, canvas.width - x)
    bottom = min(layer.height, canvas.height - y)
    if right <= left or bottom <= top:
        return
    canvas.alpha_composite(layer.crop((left, top, right, bottom)), (x + left, y + top))
