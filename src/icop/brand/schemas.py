from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.knowledge.schemas import Text
from icop.schemas import RequestModel, ResponseModel


class VoiceSampleCreate(RequestModel):
    title: Text | None = Field(default=None, min_length=1, max_length=300)
    text: Text = Field(
        min_length=1,
        max_length=20_000,
        description="A passage written in the brand's voice (a post, an article excerpt).",
    )


class VoiceSampleOut(ResponseModel):
    id: UUID
    title: str | None
    text: str
    created_by: UUID | None
    created_at: datetime


class VoiceSimilarityRequest(RequestModel):
    text: Text = Field(min_length=1, max_length=200_000)


class VoiceSimilarityOut(ResponseModel):
    similarity: float | None = Field(
        description="Cosine similarity of the text to the centroid of the brand's samples "
        "(-1 … 1); null when the brand has no samples."
    )
    samples: int
