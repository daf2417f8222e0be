"""The design editor's model call (``editor.command``, issue #14): what the model is given for a
sentence the editor's fast path did not understand, and the steps it answers with. The editor
(``icop.designs.model``) turns each step into one of its typed actions, checked against the
document; a step it cannot map is reported, never guessed.

Small and bounded on purpose: a flat step (kind, targets, value, amount) is what a small local
model fills in reliably, where a union of eighteen action shapes is not.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from icop.agents.schemas.common import InputModel, OutputModel

MAX_EDIT_STEPS = 4

EditStepKind = Literal[
    "resize",
    "colour",
    "background",
    "text",
    "move",
    "rotate",
    "delete",
    "duplicate",
    "bold",
    "text_align",
    "font",
    "opacity",
    "z_order",
    "align",
    "distribute",
    "group",
    "ungroup",
    "brand_kit",
    "preset",
]


class EditorBrand(InputModel):
    """The tenant's brand kit as the editor applies it."""

    background: str = Field(max_length=7)
    accent: str = Field(max_length=7)
    text: str = Field(max_length=7)
    font_family: str | None = Field(default=None, max_length=80)


class EditorCommandInput(InputModel):
    """A command about one design, with the design described one object a line."""

    command: str = Field(max_length=500, description="the user's sentence, English or Korean")
    document: str = Field(
        max_length=8000,
        description="one line per object: id | type | role | name | text | colour | position",
    )
    brand: EditorBrand | None = None


class EditorStep(OutputModel):
    """One change: its kind, the objects it changes, and its value/amount where it has one."""

    kind: EditStepKind
    targets: Annotated[
        list[Annotated[str, Field(max_length=60)]], Field(default_factory=list, max_length=8)
    ]
    value: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "colour (#rrggbb or a colour name), new text, font family, direction "
            "(left/right/up/down), alignment (left/center/right/top/middle/bottom), z-order "
            "(front/back/forward/backward), preset (portrait/square/landscape)"
        ),
    )
    amount: float | None = Field(
        default=None,
        ge=-2000,
        le=2000,
        description="scale factor for resize (1.25 = 25% bigger), degrees, pixels, opacity 0-1",
    )


class EditorAnswer(OutputModel):
    """The edit a command asks for, as steps on the design's objects."""

    understood: bool = Field(description="false when the command is not an edit of this design")
    steps: Annotated[list[EditorStep], Field(default_factory=list, max_length=MAX_EDIT_STEPS)]
