"""The designs API's request and response bodies (``/api/v1/designs``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from icop.designs.actions import Action
from icop.images.presets import Preset
from icop.schemas import RequestModel, ResponseModel

MAX_ACTIONS = 50
MAX_COMMAND_CHARS = 500


class DesignCreate(RequestModel):
    """An image of the tenant as a design (``image_id``), or a blank canvas (``preset``)."""

    image_id: UUID | None = Field(
        default=None, description="The image to edit; its design is returned if it has one."
    )
    preset: Preset | None = Field(default=None, description="A blank design of this size.")

    @model_validator(mode="after")
    def _one_of(self) -> DesignCreate:
        if (self.image_id is None) == (self.preset is None):
            raise ValueError("send either image_id or preset")
        return self


class ExpectedHead(RequestModel):
    expected_head: int = Field(
        ge=1, description="The version the caller saw; another one is a conflict (409)."
    )


class CommandIn(ExpectedHead):
    text: str = Field(min_length=1, max_length=MAX_COMMAND_CHARS, description="One sentence.")
    targets: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The objects the person picked among an ambiguous reference's candidates "
        "(the editor's retry after a 422 ambiguous_reference).",
    )


class ActionsIn(ExpectedHead):
    # At least one, checked once the design is found (the design's 404 comes first).
    actions: list[Action] = Field(max_length=MAX_ACTIONS)


class DesignOut(ResponseModel):
    id: UUID
    article_id: UUID | None
    image_id: UUID | None
    preset: Preset
    width: int
    height: int
    head: int = Field(description="The version shown (and edited next).")
    versions: int = Field(description="How many versions the history holds.")
    can_undo: bool
    can_redo: bool
    document: dict[str, Any] = Field(
        description="The head as Fabric.js 6 JSON (canvas.loadFromJSON); images as signed URLs."
    )
    preview_url: str = Field(description="The head's PNG (same API, authenticated).")
    published_version: int | None
    published_url: str | None = Field(description="The published JPEG (a signed link).")
    created_at: datetime
    updated_at: datetime


class CandidateOut(ResponseModel):
    id: str
    type: str
    name: str | None
    role: str | None
    text: str | None


class CommandOut(ResponseModel):
    design: DesignOut
    description: str = Field(description="What changed, in the command's language.")
    actions: list[Action]
    source: Literal["fast_path", "model"]


class VersionOut(ResponseModel):
    number: int
    parent: int | None
    note: str
    actions_count: int
    created_at: datetime
    preview_url: str
    is_head: bool
