"""A design: the Fabric.js 6 canvas JSON of one image, restricted to the subset ICOP renders on
the server and lets commands change (issue #14). Pydantic at the edge: a document from the
browser or a model is validated here, field by field, before anything applies or renders it.

The subset: textbox, rect, circle, line, image and group objects with position, size, angle,
fill, stroke, opacity, font family/size/weight and text alignment, in z-order (first drawn
first). Every object carries an ``id`` (stable across versions, so an action names its target)
and optional ``name``/``role`` metadata ("title", "logo", "background") that target selection
reads. Fabric serialises these custom properties when asked (``toObject(['id', 'name',
'role'])``) and reads them back untouched.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_OBJECTS = 200
MAX_SIDE = 4096
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_RGB = re.compile(r"^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*[01](?:\.\d+)?\s*)?\)$")

Coordinate = Annotated[float, Field(ge=-MAX_SIDE, le=2 * MAX_SIDE, allow_inf_nan=False)]
Length = Annotated[float, Field(ge=0, le=2 * MAX_SIDE, allow_inf_nan=False)]
Role = Literal["title", "subtitle", "body", "logo", "background", "image", "decoration", "cta"]


def colour(value: str | None) -> str | None:
    """A colour as Fabric writes it: ``#rgb``, ``#rrggbb``, ``rgb()``/``rgba()``, or none."""
    if value is None or value == "":
        return None
    if _HEX.match(value) or _RGB.match(value):
        return value.lower()
    raise ValueError(f"{value!r} is not a colour (#rrggbb or rgb(r, g, b))")


class DesignObject(BaseModel):
    """What every object of the subset has."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name: str | None = Field(default=None, max_length=80)
    role: Role | None = None
    left: Coordinate = 0.0
    top: Coordinate = 0.0
    width: Length = 0.0
    height: Length = 0.0
    scale_x: float = Field(default=1.0, alias="scaleX", gt=0, le=100, allow_inf_nan=False)
    scale_y: float = Field(default=1.0, alias="scaleY", gt=0, le=100, allow_inf_nan=False)
    angle: float = Field(default=0.0, ge=-360, le=360, allow_inf_nan=False)
    fill: str | None = None
    stroke: str | None = None
    stroke_width: Length = Field(default=0.0, alias="strokeWidth")
    opacity: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    visible: bool = True

    @field_validator("fill", "stroke")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        return colour(value)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom on the canvas (scale applied; rotation ignored)."""
        right = self.left + self.width * self.scale_x
        return self.left, self.top, right, self.top + self.height * self.scale_y


class Textbox(DesignObject):
    type: Literal["Textbox"] = "Textbox"
    text: str = Field(max_length=2000)
    font_family: str = Field(default="Inter", alias="fontFamily", max_length=80)
    font_size: float = Field(default=40, alias="fontSize", ge=4, le=800, allow_inf_nan=False)
    font_weight: Literal["normal", "bold", 400, 500, 600, 700, 800, 900] = Field(
        default="normal", alias="fontWeight"
    )
    text_align: Literal["left", "center", "right", "justify"] = Field(
        default="left", alias="textAlign"
    )
    line_height: float = Field(default=1.16, alias="lineHeight", gt=0, le=5)


class Rect(DesignObject):
    type: Literal["Rect"] = "Rect"
    rx: Length = 0.0
    ry: Length = 0.0


class Circle(DesignObject):
    type: Literal["Circle"] = "Circle"
    radius: Length = 0.0


class Line(DesignObject):
    type: Literal["Line"] = "Line"
    x1: Coordinate = 0.0
    y1: Coordinate = 0.0
    x2: Coordinate = 0.0
    y2: Coordinate = 0.0


class Image(DesignObject):
    type: Literal["Image"] = "Image"
    src: str = Field(min_length=1, max_length=2000)
    """An object-storage reference or an https/data URL the server resolves itself."""
    crop_x: Length = Field(default=0.0, alias="cropX")
    crop_y: Length = Field(default=0.0, alias="cropY")
    natural_width: int | None = Field(default=None, alias="naturalWidth", gt=0, le=20_000)
    natural_height: int | None = Field(default=None, alias="naturalHeight", gt=0, le=20_000)
    """The source picture's own size, when known: what a crop must stay within and what a
    re-layout covers the canvas from. Fabric keeps it as a custom property."""


class Group(DesignObject):
    type: Literal["Group"] = "Group"
    objects: list[Leaf] = Field(default_factory=list, max_length=MAX_OBJECTS)


Leaf = Annotated[Textbox | Rect | Circle | Line | Image, Field(discriminator="type")]
AnyObject = Annotated[Textbox | Rect | Circle | Line | Image | Group, Field(discriminator="type")]
Group.model_rebuild()


class Design(BaseModel):
    """A whole canvas: its size (the platform preset's), background and objects in z-order."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    version: str = Field(default="6.0.0", pattern=r"^6\.\d+\.\d+$")
    width: int = Field(ge=16, le=MAX_SIDE)
    height: int = Field(ge=16, le=MAX_SIDE)
    background: str | None = "#ffffff"
    objects: list[AnyObject] = Field(default_factory=list, max_length=MAX_OBJECTS)

    @field_validator("background")
    @classmethod
    def _background(cls, value: str | None) -> str | None:
        return colour(value)

    @model_validator(mode="after")
    def _unique_ids(self) -> Design:
        seen: set[str] = set()
        for item in self.walk():
            if item.id in seen:
                raise ValueError(f"two objects share the id {item.id!r}")
            seen.add(item.id)
        if sum(1 for _ in self.walk()) > MAX_OBJECTS:
            raise ValueError(f"a design holds at most {MAX_OBJECTS} objects")
        return self

    def walk(self) -> list[DesignObject]:
        """Every object, groups' members after their group, in z-order."""
        found: list[DesignObject] = []
        for item in self.objects:
            found.append(item)
            if isinstance(item, Group):
                found.extend(item.objects)
        return found

    def find(self, object_id: str) -> DesignObject | None:
        return next((item for item in self.walk() if item.id == object_id), None)

    def fabric_json(self) -> dict[str, Any]:
        """The document as Fabric.js 6 loads it (``canvas.loadFromJSON``).

        An object without a fill says ``"fill": null`` outright: Fabric fills an object that
        names none black (its default is ``rgb(0,0,0)``), where ICOP draws nothing, so a card's
        ring would show as a black disc in the editor."""
        document = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for item in document["objects"]:
            item.setdefault("fill", None)
            for member in item.get("objects", ()):
                member.setdefault("fill", None)
        return document
