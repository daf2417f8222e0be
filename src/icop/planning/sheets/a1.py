"""A1 notation as Google Sheets reads it: ``Sheet1!A2:E``, ``'My plan'!B3``, ``A:C``, ``2:5``.

One parser serves the local sheet file, the write-back ranges and the API emulator, so the three
agree on what a range means. Rows and columns are 1-based here, as in the notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from icop.planning.sheets.exceptions import SheetRangeInvalid

# Google Sheets' grid limits: 18,278 columns (ZZZ) and 10 million cells per spreadsheet.
MAX_COLUMN = 18_278
MAX_ROW = 10_000_000

_CELL = re.compile(r"^(?P<col>[A-Za-z]{0,3})(?P<row>[0-9]{0,8})$")
# Quoting a sheet name is needed unless it is a plain identifier (Google quotes everything
# else, doubling embedded apostrophes).
_PLAIN_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def column_index(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z":
            raise SheetRangeInvalid(f"{letters!r} is not a column letter")
        number = number * 26 + (ord(char) - ord("A") + 1)
    if not 1 <= number <= MAX_COLUMN:
        raise SheetRangeInvalid(f"column {letters!r} is outside the sheet")
    return number


def column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    if not 1 <= index <= MAX_COLUMN:
        raise SheetRangeInvalid(f"column {index} is outside the sheet")
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def quote_sheet(name: str) -> str:
    if _PLAIN_SHEET.match(name) and not _CELL.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class A1Range:
    """A rectangle; ``None`` bounds are open (``A2:E`` has no end row, ``2:5`` no columns)."""

    sheet: str | None
    start_row: int | None
    start_col: int | None
    end_row: int | None
    end_col: int | None

    @property
    def first_row(self) -> int:
        return self.start_row or 1

    @property
    def first_col(self) -> int:
        return self.start_col or 1

    def bounded(self, rows: int, cols: int) -> A1Range:
        """This range with open ends closed at a grid of ``rows`` by ``cols``."""
        return A1Range(
            self.sheet,
            self.first_row,
            self.first_col,
            self.end_row if self.end_row is not None else rows,
            self.end_col if self.end_col is not None else cols,
        )

    def cells(self) -> str:
        start = _cell_text(self.start_col, self.start_row)
        if (
            self.end_row == self.start_row
            and self.end_col == self.start_col
            and self.start_row is not None
            and self.start_col is not None
        ):
            return start
        return f"{start}:{_cell_text(self.end_col, self.end_row)}"

    def __str__(self) -> str:
        prefix = f"{quote_sheet(self.sheet)}!" if self.sheet is not None else ""
        return prefix + self.cells()


def _cell_text(col: int | None, row: int | None) -> str:
    return (column_letter(col) if col is not None else "") + (str(row) if row is not None else "")


def split_sheet(text: str) -> tuple[str | None, str]:
    """``'It''s'!A1`` → (``It's``, ``A1``); a range without ``!`` names no sheet."""
    text = text.strip()
    if text.startswith("'"):
        index = 1
        name = []
        while index < len(text):
            char = text[index]
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    name.append("'")
                    index += 2
                    continue
                break
            name.append(char)
            index += 1
        else:
            raise SheetRangeInvalid(f"Unable to parse range: {text} (unclosed quote)")
        rest = text[index + 1 :]
        if rest and not rest.startswith("!"):
            raise SheetRangeInvalid(f"Unable to parse range: {text}")
        return "".join(name), rest[1:]
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        if not sheet:
            raise SheetRangeInvalid(f"Unable to parse range: {text}")
        return sheet, cells
    return None, text


def _parse_cell(text: str, whole: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text.strip())
    if not match or not (match["col"] or match["row"]):
        raise SheetRangeInvalid(f"Unable to parse range: {whole}")
    col = column_index(match["col"]) if match["col"] else None
    row = int(match["row"]) if match["row"] else None
    if row is not None and not 1 <= row <= MAX_ROW:
        raise SheetRangeInvalid(f"Unable to parse range: {whole} (row {row})")
    return col, row


def parse_a1(text: str) -> A1Range:
    """Parse a range. A range that is only a sheet name (``ContentPlan``) means the whole sheet."""
    sheet, cells = split_sheet(text)
    if text.rstrip().endswith("!"):
        raise SheetRangeInvalid(f"Unable to parse range: {text}")
    if not cells:
        if sheet is None:
            raise SheetRangeInvalid("Unable to parse range: (empty)")
        return A1Range(sheet, None, None, None, None)
    if sheet is None and ":" not in cells and not _CELL.match(cells.strip()):
        # A bare word that is not a cell is a sheet name, as Google reads it.
        return A1Range(cells.strip(), None, None, None, None)
    start_text, colon, end_text = cells.partition(":")
    start_col, start_row = _parse_cell(start_text, text)
    if not colon:
        if start_col is None or start_row is None:
            raise SheetRangeInvalid(f"Unable to parse range: {text}")
        return A1Range(sheet, start_row, start_col, start_row, start_col)
    end_col, end_row = _parse_cell(end_text, text)
    # ``A:E`` (whole columns), ``2:5`` (whole rows) and ``A2:E`` (open end row) are all valid.
    if start_col is not None and end_col is not None and end_col < start_col:
        start_col, end_col = end_col, start_col
    if start_row is not None and end_row is not None and end_row < start_row:
        start_row, end_row = end_row, start_row
    return A1Range(sheet, start_row, start_col, end_row, end_col)


def trim(values: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty cells of each row and trailing empty rows, as Google does."""
    rows: list[list[str]] = []
    for row in values:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        rows.append(row[:end])
    while rows and not rows[-1]:
        rows.pop()
    return rows
