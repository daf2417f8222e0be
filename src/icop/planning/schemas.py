"""The pipelines API's shapes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from icop.models import ArticleStatus, RowStatus, RunStatus
from icop.planning.sheets.layout import ColumnMapping, PlanDefaults
from icop.schemas import RequestModel, ResponseModel

SourceType = Literal["google_sheet", "file", "import"]
DEFAULT_RANGE = "ContentPlan!A2:E"


class PipelineCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    source_type: SourceType
    google_sheet_id: str | None = Field(
        default=None, max_length=200, pattern=r"^[A-Za-z0-9_-]{10,200}$"
    )
    file_path: str | None = Field(default=None, max_length=1000)
    sheet_range: str = Field(default=DEFAULT_RANGE, min_length=2, max_length=200)
    credential_id: UUID | None = None
    column_mapping: ColumnMapping = Field(default_factory=ColumnMapping)
    defaults: PlanDefaults = Field(default_factory=PlanDefaults)
    schedule_cron: str | None = Field(default=None, max_length=120)
    max_concurrent_articles: int = Field(default=2, ge=1, le=20)

    @model_validator(mode="after")
    def _source_matches(self) -> PipelineCreate:
        if (self.source_type == "google_sheet") != (self.google_sheet_id is not None):
            raise ValueError("google_sheet_id is required for, and only for, a google_sheet")
        if (self.source_type == "file") != (self.file_path is not None):
            raise ValueError("file_path is required for, and only for, a file source")
        return self


class PipelineUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    sheet_range: str | None = Field(default=None, min_length=2, max_length=200)
    credential_id: UUID | None = None
    column_mapping: ColumnMapping | None = None
    defaults: PlanDefaults | None = None
    # An empty string removes the schedule.
    schedule_cron: str | None = Field(default=None, max_length=120)
    schedule_paused: bool | None = None
    max_concurrent_articles: int | None = Field(default=None, ge=1, le=20)


class PipelineOut(ResponseModel):
    id: UUID
    name: str
    source_type: SourceType
    google_sheet_id: str | None
    file_path: str | None
    sheet_range: str
    credential_id: UUID | None
    column_mapping: dict[str, Any]
    defaults: dict[str, Any]
    schedule_cron: str | None
    schedule_paused: bool
    max_concurrent_articles: int
    created_at: datetime
    updated_at: datetime


class RunArticleOut(ResponseModel):
    sub_topic: str
    article_id: UUID | None
    status: ArticleStatus | None
    current_step: str | None
    markdown_url: str | None


class SubtopicRelevanceOut(ResponseModel):
    """What the relevance checks of the row's sub-topic generation dropped."""

    candidates: int = Field(description="Distinct candidate angles the model proposed.")
    candidates_off_topic: int = Field(description="Angles dropped as off the row's topic.")
    labels_off_topic: int = Field(description="Model labels replaced as off topic.")


class RunRowOut(ResponseModel):
    row_number: int
    topic: str | None
    status: RowStatus
    step: str | None
    articles_total: int
    articles_done: int
    cost_usd: Decimal
    error: str | None
    updated_at: datetime
    subtopic_relevance: SubtopicRelevanceOut | None = Field(
        default=None, description="Absent where sub-topics were reused or not checked."
    )
    articles: list[RunArticleOut] = Field(default_factory=list)


class RunOut(ResponseModel):
    id: UUID
    pipeline_id: UUID
    trigger: str
    status: RunStatus
    workflow_id: str
    rows_total: int
    rows_done: int
    rows_failed: int
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    rows: list[RunRowOut] = Field(default_factory=list)


class PlanImportRow(RequestModel):
    topic: str = Field(max_length=2000)
    status: str | None = Field(default=None, max_length=40)
    mode: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=40)
    audience: str | None = Field(default=None, max_length=300)
    sub_topic_count: int | None = None


class PlanImport(RequestModel):
    rows: list[PlanImportRow] = Field(min_length=1, max_length=1000)
    replace: bool = Field(default=True, description="Replace the existing plan (else append).")


class PlanImported(ResponseModel):
    rows: int
    errors: list[dict[str, Any]]


PreviewState = Literal["ready", "error", "skipped"]


class PreviewRowOut(ResponseModel):
    row_number: int = Field(description="The row's number in the file (the header is row 1).")
    cells: list[str] = Field(description="The row's cells as text, from column A.")
    state: PreviewState = Field(
        description="ready: it will run; error: it cannot run (see error); skipped: empty, "
        "or its status leaves it alone."
    )
    topic: str | None = None
    language: str | None = None
    mode: str | None = None
    sub_topic_count: int | None = None
    error: str | None = None


class PlanPreview(ResponseModel):
    """An uploaded plan as the import would read it; nothing is saved."""

    file_name: str
    header: list[str]
    column_mapping: ColumnMapping = Field(
        description="The columns the header names; create the pipeline with it."
    )
    sheet_range: str = Field(description="The plan's range, up to the last mapped column.")
    rows: list[PreviewRowOut]
    ready: int
    errors: int
