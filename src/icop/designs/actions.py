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
    | SetBackground,
    Field(discriminator="kind"),
]
