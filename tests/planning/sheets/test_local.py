"""The embedded default: a CSV or XLSX plan read and written back in place."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from icop.config import Settings
from icop.planning.sheets import (
    ColumnMapping,
    RowUpdate,
    SheetLocator,
    SheetNotFound,
    SheetRangeInvalid,
    detect_layout,
    open_sheet,
    read_plan,
)
from icop.planning.sheets.local import LocalSheet

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["Topic", "Status", "Sub-topics", "Articles", "Notes"]


@pytest.fixture
def plan_csv(tmp_path: Path) -> Path:
    path = tmp_path / "plan.csv"
    shutil.copy(ROOT / "examples" / "plan.csv", path)
    return path


async def test_csv_read_through_open_sheet(plan_csv: Path) -> None:
    source = open_sheet(SheetLocator.file(plan_csv), settings=Settings())
    rows, errors = await read_plan(source, "ContentPlan!A2:E")
    assert [row.row_number for row in rows] == [2, 3, 4] and errors == []
    assert await source.read("A1:B1") == [["Topic", "Status"]]
    assert await source.read("Sheet1!H2") == [["1"]]  # a CSV has one sheet: the name is ignored


async def test_detect_layout_from_the_header(plan_csv: Path) -> None:
    source = open_sheet(SheetLocator.file(plan_csv), settings=Settings())
    mapping, range_a1 = await detect_layout(source)
    assert range_a1 == "ContentPlan!A2:H"
    rows, _ = await read_plan(source, range_a1, mapping=mapping)
    assert [row.mode for row in rows] == ["compare", "merge", "compare"]
    assert [row.sub_topic_count for row in rows] == [1, 1, 1]


async def test_csv_write_back_in_place(plan_csv: Path) -> None:
    before = (await asyncio.to_thread(plan_csv.read_text)).splitlines()
    inode = (await asyncio.to_thread(plan_csv.stat)).st_ino
    sheet = LocalSheet(plan_csv)
    await sheet.write(
        [
            RowUpdate(
                2,
                status="done",
                sub_topics=["Bins", "Greens and browns"],
                article_urls=["http://127.0.0.1:8000/a/1"],
            ),
            RowUpdate(3, notes='=HYPERLINK("http://evil")'),
        ]
    )
    values = await sheet.read("A1:H4")
    assert values[0] == before[0].split(",")
    assert values[1] == [
        "Home composting for beginners",
        "done",
        "Bins\nGreens and browns",
        "http://127.0.0.1:8000/a/1",
        "",
        "compare",
        "en",
        "1",
    ]
    assert values[2][4] == '\'=HYPERLINK("http://evil")'
    assert values[2][5:] == ["merge", "en", "1"]  # cells we did not write are untouched
    assert values[3] == [before[3].split(",")[0], "", "", "", "", "", "en", "1"]
    # Replaced atomically, not rewritten in place.
    assert (await asyncio.to_thread(plan_csv.stat)).st_ino != inode
    assert not list(plan_csv.parent.glob(".plan.csv.*"))  # no temp file left behind


async def test_csv_grows_rows_and_columns_and_keeps_dialect(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes("\ufeffTopic;Status\r\nCompost;ready\r\n".encode())
    sheet = LocalSheet(path, mapping=ColumnMapping(notes="G"))
    await sheet.write([RowUpdate(5, status="error", notes="the topic is empty")])
    raw = path.read_bytes().decode("utf-8")
    assert raw.startswith("\ufeff") and "\r\n" in raw and ";" in raw
    assert await sheet.read("A1:G5") == [
        ["Topic", "Status"],
        ["Compost", "ready"],
        [],
        [],
        ["", "error", "", "", "", "", "the topic is empty"],
    ]


async def test_concurrent_writers_never_lose_an_update(plan_csv: Path) -> None:
    # Two LocalSheet objects (as two worker processes would have) writing at once.
    first, second = LocalSheet(plan_csv), LocalSheet(plan_csv)
    await asyncio.gather(
        *(
            (first if n % 2 else second).write([RowUpdate(2 + n, notes=f"note {n}")])
            for n in range(12)
        )
    )
    notes = [row[4] if len(row) > 4 else "" for row in await first.read("A2:E13")]
    assert notes == [f"note {n}" for n in range(12)]


def test_threads_take_the_file_lock(plan_csv: Path) -> None:
    sheet = LocalSheet(plan_csv)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            sheet.write_cells_sync({(20 + n, 1): f"topic {n}"}, None)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [row[0] for row in sheet.read_sync("A20:A27")] == [f"topic {n}" for n in range(8)]


def _workbook(path: Path) -> None:
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "Read me"
    readme["A1"] = "Keep me"
    plan = workbook.create_sheet("ContentPlan")
    plan.append([*HEADER, "Budget"])
    plan.append(["Home composting", "ready", None, None, None, 120])
    plan.append(["Balcony gardening", None, None, None, None, "=F2*2"])
    plan.append(['=WEBSERVICE("http://evil")', "ready"])
    plan.append(["Rainwater", 3.0])
    workbook.create_sheet("Archive")["B2"] = "old"
    workbook.save(path)


async def test_xlsx_read_picks_the_worksheet_and_catches_formulas(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _workbook(path)
    sheet = LocalSheet(path)
    rows, errors = await read_plan(sheet, "ContentPlan!A2:E")
    assert [row.topic for row in rows] == ["Home composting", "Balcony gardening"]
    assert [error.row_number for error in errors] == [4, 5]
    assert "formula" in errors[0].message and "A4" in errors[0].message
    assert "unknown status '3'" in errors[1].message  # numbers read as text, 3.0 as "3"
    assert await sheet.read("ContentPlan!F2:F3") == [["120"], ["=F2*2"]]
    assert await sheet.read("A1") == [["Keep me"]]  # no sheet name: the first worksheet
    assert await sheet.read("'Archive'!A1:C3") == [[], ["", "old"]]
    with pytest.raises(SheetRangeInvalid, match="no worksheet 'Nope'"):
        await sheet.read("Nope!A1")


async def test_xlsx_write_back_keeps_everything_else(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _workbook(path)
    sheet = LocalSheet(path, sheet="ContentPlan")
    await sheet.write(
        [
            RowUpdate(2, status="done", sub_topics=["Bins", "Browns"], article_urls=["http://a/1"]),
            RowUpdate(3, notes="=1+1"),
            RowUpdate(9, status="error", notes="@SUM(A1)"),  # grows the sheet
        ]
    )
    workbook = load_workbook(path)
    plan = workbook["ContentPlan"]
    assert [c.value for c in plan[2]] == [
        "Home composting",
        "done",
        "Bins\nBrowns",
        "http://a/1",
        None,
        120,
    ]
    assert plan["E3"].value == "'=1+1" and plan["E3"].data_type == "s"
    assert plan["F3"].value == "=F2*2"  # a formula we did not touch survives
    assert (plan["B9"].value, plan["E9"].value) == ("error", "'@SUM(A1)")
    assert workbook["Read me"]["A1"].value == "Keep me"
    assert workbook["Archive"]["B2"].value == "old"
    assert workbook.sheetnames == ["Read me", "ContentPlan", "Archive"]


async def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(SheetNotFound):
        await LocalSheet(tmp_path / "nope.csv").read("A1:E")
    with pytest.raises(SheetRangeInvalid, match=r"\.csv or \.xlsx"):
        LocalSheet(tmp_path / "plan.ods")


async def test_file_mode_is_kept(plan_csv: Path) -> None:
    os.chmod(plan_csv, 0o640)
    await LocalSheet(plan_csv).write([RowUpdate(2, status="running")])
    assert (await asyncio.to_thread(plan_csv.stat)).st_mode & 0o777 == 0o640
