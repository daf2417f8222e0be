"""The embedded default plan: a CSV or XLSX file on disk with the same layout as the Google
sheet, read and written back in place.

Writers never interleave: every read-modify-write holds an exclusive ``flock`` on a sidecar
``<file>.lock`` (a lock on the data file itself would be lost when ``os.replace`` swaps it).
A write replaces the file atomically (temp file in the same directory + ``os.replace``), so a
crash leaves either the old or the new plan, never half of one. XLSX files are edited with
openpyxl, which keeps the other sheets and every cell we do not touch (formulas included);
features openpyxl cannot read (charts, images, pivot tables) do not survive a write.
"""

from __future__ import annotations

import asyncio
import csv
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from icop.planning.sheets.a1 import A1Range, parse_a1, trim
from icop.planning.sheets.exceptions import SheetError, SheetNotFound, SheetRangeInvalid
from icop.planning.sheets.layout import CellWrite, ColumnMapping, RowUpdate, collect_cells

SUFFIXES = (".csv", ".xlsx")
_BOM = "\ufeff"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _cell_text(value: Any) -> str:
    """A cell as Sheets' FORMATTED_VALUE would show it, near enough for a plan."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _slice(grid: Sequence[Sequence[str]], rng: A1Range) -> list[list[str]]:
    rows = len(grid)
    cols = max((len(row) for row in grid), default=0)
    box = rng.bounded(rows, cols)
    assert box.start_row and box.end_row and box.start_col and box.end_col
    out: list[list[str]] = []
    for row in grid[box.start_row - 1 : box.end_row]:
        out.append(list(row[box.start_col - 1 : box.end_col]))
    return trim(out)


class LocalSheet:
    """A plan file. ``range_a1``'s sheet name picks the XLSX worksheet (the first one when it
    names none); CSV files have one sheet, so the name is ignored there."""

    def __init__(
        self, path: Path, *, mapping: ColumnMapping | None = None, sheet: str | None = None
    ) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise SheetRangeInvalid(f"{self.path.name}: a local plan must be a .csv or .xlsx file")
        self._xlsx = suffix == ".xlsx"
        self.mapping = mapping or ColumnMapping()
        self.sheet = sheet

    def __repr__(self) -> str:
        return f"LocalSheet({str(self.path)!r})"

    # --- SheetSource ------------------------------------------------------------------------

    async def read(self, range_a1: str) -> list[list[str]]:
        return await asyncio.to_thread(self.read_sync, range_a1)

    async def write(self, updates: Sequence[RowUpdate]) -> None:
        cells = collect_cells(updates, self.mapping)
        if cells:
            await asyncio.to_thread(self.write_cells_sync, cells, self.sheet)

    async def flush(self) -> None:
        """Writes go to disk at once; nothing is ever pending."""

    def pending(self) -> list[CellWrite]:
        return []

    # --- blocking work (run in a thread) --------------------------------------------------

    def read_sync(self, range_a1: str) -> list[list[str]]:
        rng = parse_a1(range_a1)
        with _locked(self._existing()):
            grid = self._read_xlsx(rng.sheet) if self._xlsx else self._read_csv()[0]
        return _slice(grid, rng)

    def grid_sync(self) -> list[list[str]]:
        """The whole sheet (the first worksheet of an XLSX, or the one ``sheet`` names), every
        cell as text, header row included: what a preview of an uploaded plan shows."""
        with _locked(self._existing()):
            grid = self._read_xlsx(self.sheet) if self._xlsx else self._read_csv()[0]
        return trim([list(row) for row in grid])

    def write_cells_sync(self, cells: Mapping[tuple[int, int], str], sheet: str | None) -> None:
        """Set (row, column) → value, growing the grid as needed; other cells stay as they are."""
        with _locked(self._existing()):
            if self._xlsx:
                self._write_xlsx(cells, sheet)
            else:
                self._write_csv(cells)

    def _existing(self) -> Path:
        if not self.path.is_file():
            raise SheetNotFound(f"the plan file {self.path} does not exist")
        return self.path

    # --- CSV --------------------------------------------------------------------------------

    def _read_csv(self) -> tuple[list[list[str]], bool, str, str]:
        try:
            raw = self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise SheetError(f"{self.path.name} is not UTF-8 text") from error
        bom = raw.startswith(_BOM)
        text = raw.removeprefix(_BOM)
        newline = "\r\n" if "\r\n" in text else "\n"
        # Spreadsheet programs in many locales save ";"-separated files; keep what we found.
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], ",;\t").delimiter
        except csv.Error:
            delimiter = ","
        rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
        return rows, bom, newline, delimiter

    def _write_csv(self, cells: Mapping[tuple[int, int], str]) -> None:
        grid, bom, newline, delimiter = self._read_csv()
        for (row, col), value in cells.items():
            while len(grid) < row:
                grid.append([])
            line = grid[row - 1]
            while len(line) < col:
                line.append("")
            line[col - 1] = value
        # Keep the file rectangular: spreadsheet programs and csv readers expect it.
        width = max((len(line) for line in grid), default=0)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
        for line in grid:
            writer.writerow(line + [""] * (width - len(line)))
        data = (_BOM if bom else "") + buffer.getvalue()
        self._replace(data.encode("utf-8"))

    # --- XLSX -------------------------------------------------------------------------------

    def _load(self) -> Any:
        from openpyxl import load_workbook

        try:
            # Not data_only: formulas must read as "=…" (so they are caught) and must survive
            # our own writes.
            return load_workbook(self.path)
        except Exception as error:  # openpyxl raises a zoo of types for a broken file
            raise SheetError(f"{self.path.name} is not a readable XLSX file: {error}") from error

    @staticmethod
    def _worksheet(workbook: Any, sheet: str | None, path: Path) -> Any:
        if sheet is None:
            return workbook.worksheets[0]
        if sheet not in workbook.sheetnames:
            raise SheetRangeInvalid(
                f"{path.name} has no worksheet {sheet!r} (it has {', '.join(workbook.sheetnames)})"
            )
        return workbook[sheet]

    def _read_xlsx(self, sheet: str | None) -> list[list[str]]:
        workbook = self._load()
        try:
            worksheet = self._worksheet(workbook, sheet, self.path)
            return [
                [_cell_text(value) for value in row]
                for row in worksheet.iter_rows(values_only=True)
            ]
        finally:
            workbook.close()

    def _write_xlsx(self, cells: Mapping[tuple[int, int], str], sheet: str | None) -> None:
        workbook = self._load()
        worksheet = self._worksheet(workbook, sheet, self.path)
        for (row, col), value in cells.items():
            cell = worksheet.cell(row=row, column=col)
            cell.value = value
            # openpyxl turns any string starting with "=" into a formula; we only ever write text.
            cell.data_type = "s"
        buffer = io.BytesIO()
        workbook.save(buffer)
        self._replace(buffer.getvalue())

    # --- atomic replace ---------------------------------------------------------------------

    def _replace(self, data: bytes) -> None:
        mode = self.path.stat().st_mode & 0o777
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
