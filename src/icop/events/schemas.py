from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.schemas import Money, ResponseModel


class RunEventOut(ResponseModel):
    """One change of a run, a plan row, an article or an article's graph step."""

    id: int = Field(description="Also the SSE event id: resume with ``Last-Event-ID``.")
    kind: str = Field(description="run | row | article | step")
    run_id: UUID | None
    row_number: int | None
    article_id: UUID | None
    step: str | None = Field(description="The graph node (step events) or the row's step.")
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    cost_usd: Money | None
    detail: str | None
    created_at: datetime
