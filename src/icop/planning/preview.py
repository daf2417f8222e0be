"""A dry run of a plan import: an uploaded CSV or XLSX file read and parsed exactly as a file
plan is (``LocalSheet`` for the cells, the header for the columns, ``parse_plan`` for the
rows), answered row by row with each bad row's reason. Nothing is stored, so a person sees
what would run before saving anything."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path, PurePosixPath

from icop.errors import PayloadTooLarge, ValidationFailed
from icop.planning.schemas import PlanPreview, PreviewRowOut
from icop.planning.sheets.exceptions import SheetError
from icop.planning.sheets.layout import mapping_from_header, parse_plan
from icop.planning.sheets.local import SUFFIXES, LocalSheet

MAX_PREVIEW_BYTES = 2_000_000
# Where an uploaded plan's data starts: the header is row 1, as in a sheet (ContentPlan!A2:…).
FIRST_DATA_ROW = 2
SHEET_NAME = "ContentPlan"


class PlanFileUnreadable(ValidationFailed):
    code = "plan_file_unreadable"
    title = "The plan file cannot be read"


def _grid(name: str, data: bytes) -> list[list[str]]:
    # LocalSheet reads files: the upload goes to a private temporary directory for the read,
    # under its own (base) name so that LocalSheet's messages name the file the person chose.
    with tempfile.TemporaryDirectory(prefix="icop-plan-preview-") as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        return LocalSheet(path).grid_sync()


async def preview(file_name: str | None, data: bytes) -> PlanPreview:
    name = PurePosixPath(file_name or "").name or "plan"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise PlanFileUnreadable(f"{name}: a plan must be a .csv or .xlsx file")
    if len(data) > MAX_PREVIEW_BYTES:
        raise PayloadTooLarge(f"a plan file is at most {MAX_PREVIEW_BYTES:,} bytes")
    if not data:
        raise PlanFileUnreadable(f"{name} is empty")
    try:
        grid = await asyncio.to_thread(_grid, name, data)
    except SheetError as error:
        raise PlanFileUnreadable(error.detail or f"{name} cannot be read") from error
    if not grid:
        raise PlanFileUnreadable(f"{name} has no rows")
    header = grid[0]
    try:
        mapping, last = mapping_from_header(header)
    except ValueError as error:
        raise PlanFileUnreadable(
            f"{name}: {error}; the first row must name the columns (Topic, Status, …)"
        ) from error
    values = grid[1:]
    runnable, failed = parse_plan(values, first_row=FIRST_DATA_ROW, mapping=mapping)
    ready = {row.row_number: row for row in runnable}
    errors = {error.row_number: error.message for error in failed}
    rows = []
    for offset, cells in enumerate(values):
        number = FIRST_DATA_ROW + offset
        if (plan_row := ready.get(number)) is not None:
            rows.append(
                PreviewRowOut(
                    row_number=number,
                    cells=cells,
                    state="ready",
                    topic=plan_row.topic,
                    language=plan_row.language,
                    mode=plan_row.mode,
                    sub_topic_count=plan_row.sub_topic_count,
                )
            )
        elif number in errors:
            rows.append(
                PreviewRowOut(row_number=number, cells=cells, state="error", error=errors[number])
            )
        else:
            rows.append(PreviewRowOut(row_number=number, cells=cells, state="skipped"))
    return PlanPreview(
        file_name=name,
        header=header,
        column_mapping=mapping,
        sheet_range=f"{SHEET_NAME}!A{FIRST_DATA_ROW}:{last}",
        rows=rows,
        ready=len(ready),
        errors=len(errors),
    )
