"""The editor's actions: a closed union, each a small typed change to a design that names its
targets by object id (target selection turns "the title" into ids before an action exists).
A command, typed or parsed from a sentence, is a list of these applied as one new version.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from icop.designs.document import AnyObject, Coordinate, Length

Ids = Annotated[list[str], Field(min_length=1, max_length=200)]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddObject(_Action):
    kind: Literal["add"] = "add"
    object: AnyObject


class DeleteObjects(_Action):
    kind: Literal["delete"] = "delete"
    targets: Ids


class DuplicateObjects(_Action):
    kind: Literal["duplicate"] = "duplicate"
    targets: Ids
    offset: Coordinate = 20.0
    """The copies move right and down by this much, so they do not hide the originals."""


class SetText(_Action):
    kind: Literal["set_text"] = "set_text"
    targets: Ids
    text: str = Field(max_length=2000)


class Style(BaseModel):
    """Style properties to set; the ones left out stay as they are."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fill: str | None = None
    stroke: str | None = None
    stroke_width: Length | None = Field(default=None, alias="strokeWidth")
    opacity: float | None = Field(default=None, ge=0, le=1)
    font_family: str | None = Field(default=None, alias="fontFamily", max_length=80)
    font_size: float | None = Field(default=None, alias="fontSize", ge=4, le=800)
    font_weight: Literal["normal", "bold"] | None = Field(default=None, alias="fontWeight")
    text_align: Literal["left", "center", "right", "justify"] | None = Field(
        default=None, alias="textAlign"
    )


class SetStyle(_Action):
    kind: Literal["set_style"] = "set_style"
    targets: Ids
    style: Style


class Move(_Action):
    """To a position (``relative`` false) or by an offset (true)."""

    kind: Literal["move"] = "move"
    targets: Ids
    x: Coordinate = 0.0
    y: Coordinate = 0.0
    relative: bool = True


class Resize(_Action):
    """By a factor (``scale``) or to a size in pixels; the top-left corner stays put."""

    kind: Literal["resize"] = "resize"
    targets: Ids
    scale: float | None = Field(default=None, gt=0, le=20)
    width: Length | None = None
    height: Length | None = None


class Rotate(_Action):
    kind: Literal["rotate"] = "rotate"
    targets: Ids
    angle: float = Field(ge=-360, le=360)
    relative: bool = True


class ZOrder(_Action):
    kind: Literal["z_order"] = "z_order"
    targets: Ids
    to: Literal["front", "back", "forward", "backward"]


class SetBackground(_Action):
    kind: Literal["set_background"] = "set_background"
    colour: str


class Align(_Action):
    """Line the targets' edges or centres up with the canvas or with their own bounding box
    (the selection): "centre the title", "align the texts to the left"."""

    kind: Literal["align"] = "align"
    targets: Ids
    to: Literal["left", "center", "right", "top", "middle", "bottom"]
    relative_to: Literal["canvas", "selection"] = "canvas"


class Distribute(_Action):
    """Equal gaps between three or more targets, the outermost two staying where they are."""

    kind: Literal["distribute"] = "distribute"
    targets: Annotated[list[str], Field(min_length=3, max_length=200)]
    direction: Literal["horizontal", "vertical"]


class GroupObjects(_Action):
    """Top-level targets become members of a new group ``id`` (placed where they were)."""

    kind: Literal["group"] = "group"
    targets: Annotated[list[str], Field(min_length=2, max_length=200)]
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class Ungroup(_Action):
    kind: Literal["ungroup"] = "ungroup"
    targets: Ids


class ReplaceImage(_Action):
    """A new picture in the targets' frames: the frame (its drawn box) stays, the new picture
    covers it (scaled to fill, the overflow cropped evenly)."""

    kind: Literal["replace_image"] = "replace_image"
    targets: Ids
    src: str = Field(min_length=1, max_length=2000)
    natural_width: int = Field(gt=0, le=20_000)
    natural_height: int = Field(gt=0, le=20_000)


class Crop(_Action):
    """The part of an image's source that shows, in the source's pixels: it must lie within
    the picture's natural size. The drawn scale stays, so the frame shrinks with the crop."""

    kind: Literal["crop"] = "crop"
    targets: Ids
    crop_x: Length = 0.0
    crop_y: Length = 0.0
    width: Annotated[float, Field(gt=0, le=20_000)]
    height: Annotated[float, Field(gt=0, le=20_000)]


class BrandColours(BaseModel):
    """A brand kit's colours (``#rrggbb``) and font family, carried by the action itself so
    that applying it stays a pure function of the document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    background: str = Field(max_length=7)
    accent: str = Field(max_length=7)
    text: str = Field(max_length=7)
    font_family: str | None = Field(default=None, max_length=80)


class ApplyBrandKit(_Action):
    """The kit's background on the canvas and background shapes, its accent on decoration
    and buttons, its text colour and font on the texts. A text whose backdrop the kit's text
    colour does not contrast with gets the kit colour (or black/white) that contrasts most."""

    kind: Literal["apply_brand"] = "apply_brand"
    brand: BrandColours


PRESET_SIZES: dict[str, tuple[int, int]] = {
    "portrait": (1080, 1350),
    "square": (1080, 1080),
    "landscape": (1200, 630),
}
"""The card presets' sizes (``icop.images.render.CardPreset``), by the names the API uses."""


class SwitchPreset(_Action):
    """Re-layout to another platform preset: positions move proportionally, objects keep
    their proportions (scaled by the smaller ratio), full-canvas layers cover the new canvas,
    and everything is kept on it."""

    kind: Literal["switch_preset"] = "switch_preset"
    preset: Literal["portrait", "square", "landscape"]


Action = Annotated[
    AddObject
    | DeleteObjects
    | DuplicateObjects
    | SetText
    | SetStyle
    | Move
    | Resize
    | Rotate
    | ZOrder
    | SetBackground
    | Align
    | Distribute
    | GroupObjects
    | Ungroup
    | ReplaceImage
    | Crop
    | ApplyBrandKit
    | SwitchPreset,
    Field(discriminator="kind"),
]
