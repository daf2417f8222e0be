"""The plan layout: A1 ranges, which rows run, every bad-row rule, and what we write back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pydantic import ValidationError

from icop.planning.sheets import (
    ColumnMapping,
    PlanDefaults,
    PlanRow,
    RowError,
    RowUpdate,
    SheetRangeInvalid,
    mapping_from_header,
    neutralise,
    parse_plan,
    to_cell_writes,
)
from icop.planning.sheets.a1 import A1Range, column_index, column_letter, parse_a1, trim
from icop.planning.sheets.layout import CELL_LIMIT
from icop.platforms import Platform

ROOT = Path(__file__).resolve().parents[3]
FULL = ColumnMapping(
    language="F", mode="G", audience="H", sub_topic_count="I", approval="J", platforms="K"
)


# --- A1 notation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ContentPlan!A2:E", A1Range("ContentPlan", 2, 1, None, 5)),
        ("'My plan 2026'!B3:C", A1Range("My plan 2026", 3, 2, None, 3)),
        ("'It''s'!A1", A1Range("It's", 1, 1, 1, 1)),
        ("A1:B2", A1Range(None, 1, 1, 2, 2)),
        ("Sheet1!A:C", A1Range("Sheet1", None, 1, None, 3)),
        ("Sheet1!2:5", A1Range("Sheet1", 2, None, 5, None)),
        ("ContentPlan", A1Range("ContentPlan", None, None, None, None)),
        ("Plan!E5:A2", A1Range("Plan", 2, 1, 5, 5)),
        ("Plan!aa10", A1Range("Plan", 10, 27, 10, 27)),
    ],
)
def test_parse_a1(text: str, expected: A1Range) -> None:
    assert parse_a1(text) == expected


@pytest.mark.parametrize("text", ["", "Plan!", "Plan!A1:", "'unclosed!A1", "Plan!1A", "Plan!AAAA1"])
def test_parse_a1_rejects(text: str) -> None:
    with pytest.raises(SheetRangeInvalid):
        parse_a1(text)


def test_a1_round_trip_and_columns() -> None:
    assert str(parse_a1("'My plan'!A2:E")) == "'My plan'!A2:E"
    assert str(parse_a1("ContentPlan!B3")) == "ContentPlan!B3"
    assert str(A1Range("A1", 1, 1, 1, 1)) == "'A1'!A1"  # a sheet named like a cell is quoted
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    assert all(column_index(column_letter(i)) == i for i in range(1, 2000))
    assert trim([["a", "", ""], ["", ""], []]) == [["a"]]


# --- reading: which rows run --------------------------------------------------------------


def test_example_plan_is_accepted() -> None:
    with open(ROOT / "examples" / "plan.csv", newline="") as handle:
        values = list(csv.reader(handle))
    mapping, last = mapping_from_header(values[0])
    assert (mapping.mode, mapping.language, mapping.sub_topic_count, last) == ("F", "G", "H", "H")
    rows, errors = parse_plan(values[1:], first_row=2, mapping=mapping)
    assert errors == []
    assert [row.row_number for row in rows] == [2, 3, 4]
    assert [row.mode for row in rows] == ["compare", "merge", "compare"]
    # The default A:E layout reads the same file too (the extra columns are just not used).
    rows, errors = parse_plan(values, first_row=1)
    assert len(rows) == 3 and errors == []


def test_statuses_decide_which_rows_run() -> None:
    values = [
        ["Topic", "Status", "Sub-topics", "Articles", "Notes"],  # header (range from row 1)
        ["Home composting", "Ready"],
        ["Balcony gardening"],  # empty status with a topic = ready
        ["Rainwater harvesting", "done", "a\nb", "https://x/1"],
        ["Worm bins", "running"],
        ["Seed saving", "skip"],
        ["Mulching", "error", "", "", "unknown mode"],
        [],
        ["", "", "", "", ""],
        ["Leaf mould", "maybe"],
    ]
    rows, errors = parse_plan(values, first_row=1)
    assert [(row.row_number, row.topic, row.status) for row in rows] == [
        (2, "Home composting", "ready"),
        (3, "Balcony gardening", ""),
    ]
    assert errors == [RowError(10, errors[0].message)]
    assert "unknown status 'maybe'" in errors[0].message


def test_a_row_that_names_no_language_takes_its_topics_script() -> None:
    """The reported row: 집에서 하는 퇴비 만들기 in an English pipeline, language left empty."""
    rows, errors = parse_plan(
        [
            ["집에서 하는 퇴비 만들기", "ready"],
            ["집에서 하는 퇴비 만들기", "ready", "", "", "", "en"],
            ["Home composting", "ready"],
            ["家庭での堆肥づくり", "ready"],
        ],
        first_row=2,
        mapping=ColumnMapping(language="F"),
    )
    assert errors == []
    assert [row.language for row in rows] == ["ko", "en", "en", "ja"]
    korean_pipeline, _ = parse_plan(
        [["Home composting", "ready"]], first_row=2, defaults=PlanDefaults(language="ko")
    )
    assert korean_pipeline[0].language == "ko"  # Latin script names no language


def test_configurable_statuses() -> None:
    mapping = ColumnMapping(ready_statuses=["go"], skip_statuses=["", "done"])
    rows, errors = parse_plan(
        [["A", "go"], ["B", ""], ["C", "ready"]], first_row=2, mapping=mapping
    )
    assert [row.topic for row in rows] == ["A"]
    assert [error.row_number for error in errors] == [4]
    with pytest.raises(ValidationError):
        ColumnMapping(ready_statuses=["x"], skip_statuses=["X"])


def test_defaults_and_per_row_overrides() -> None:
    defaults = PlanDefaults(
        mode="merge",
        language="ko",
        sub_topic_count=3,
        approval_required=True,
        platforms=[Platform.X],
    )
    values = [
        ["  Home   composting ", "ready"],
        [
            "Balcony",
            "",
            "",
            "",
            "",
            "EN_gb",
            "Compare",
            "renters",
            "7",
            "no",
            "Twitter, ig; threads",
        ],
    ]
    rows, errors = parse_plan(values, first_row=2, mapping=FULL, defaults=defaults)
    assert errors == []
    assert rows[0] == PlanRow(
        2, "Home composting", "ready", "merge", "ko", None, 3, True, [Platform.X]
    )
    assert rows[1] == PlanRow(
        3,
        "Balcony",
        "",
        "compare",
        "en-GB",
        "renters",
        7,
        False,
        [Platform.X, Platform.INSTAGRAM, Platform.THREADS],
    )


def test_range_not_starting_at_column_a() -> None:
    mapping = ColumnMapping(topic="C", status="D", sub_topics="E", article_urls="F", notes="G")
    rows, errors = parse_plan([["Compost", "ready"]], first_row=5, first_col=3, mapping=mapping)
    assert rows[0].row_number == 5 and rows[0].topic == "Compost" and errors == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "ready", "some sub-topics"], "the topic is empty"),
        (["", "", "", "", "a note"], "the topic is empty"),
        (["x" * 301], "301 characters long (at most 300)"),
        (["Compost", "", "", "", "", "", "remix"], "unknown mode 'remix'"),
        (["Compost", "", "", "", "", "English"], "language 'English' is not a code"),
        (["Compost", "", "", "", "", "e"], "language 'e' is not a code"),
        (["Compost", "", "", "", "", "", "", "", "0"], "sub-topic count '0'"),
        (["Compost", "", "", "", "", "", "", "", "11"], "sub-topic count '11'"),
        (["Compost", "", "", "", "", "", "", "", "2.5"], "sub-topic count '2.5'"),
        (["Compost", "", "", "", "", "", "", "", "many"], "sub-topic count 'many'"),
        (["Compost", "", "", "", "", "", "", "", "", "perhaps"], "approval 'perhaps'"),
        (
            ["Compost", "", "", "", "", "", "", "", "", "", "x, myspace"],
            "unknown platform(s) myspace",
        ),
        (["Compost", "", "", "", "", "", "", "y" * 501], "audience is longer than 500"),
    ],
)
def test_bad_rows(row: list[str], message: str) -> None:
    rows, errors = parse_plan([["Fine topic"], row], first_row=2, mapping=FULL)
    assert [r.topic for r in rows] == ["Fine topic"]  # the run goes on
    assert len(errors) == 1 and errors[0].row_number == 3
    assert message in errors[0].message


def test_several_problems_in_one_row_are_reported_together() -> None:
    _, errors = parse_plan([["", "", "", "", "", "xx-yyyy-zz", "fast"]], first_row=2, mapping=FULL)
    assert errors[0].message.count(";") == 2


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("field", ["topic", "mode", "language", "audience", "sub_topic_count"])
def test_formula_injection_is_rejected_not_stripped(prefix: str, field: str) -> None:
    cells = {
        "topic": "Compost",
        "mode": "merge",
        "language": "en",
        "audience": "gardeners",
        "sub_topic_count": "3",
    }
    cells[field] = prefix + 'HYPERLINK("https://evil.example","click")'
    letters = FULL.columns()
    width = max(column_index(letter) for letter in letters.values())
    row = [""] * width
    for name, value in cells.items():
        row[column_index(letters[name]) - 1] = value
    rows, errors = parse_plan([row], first_row=7, mapping=FULL)
    assert rows == []
    assert errors[0].row_number == 7
    assert "formula" in errors[0].message
    assert f"{letters[field]}7" in errors[0].message


def test_formula_in_an_output_column_or_skipped_row_is_left_alone() -> None:
    rows, errors = parse_plan(
        [["Compost", "ready", "", "", "=SUM(1,2)"], ["=evil()", "done"]], first_row=2
    )
    assert len(rows) == 1 and errors == []


def test_mapping_validation() -> None:
    assert ColumnMapping(mode="f").mode == "F"
    with pytest.raises(ValidationError, match="columns used twice"):
        ColumnMapping(mode="A")
    with pytest.raises(ValidationError):
        ColumnMapping(topic="A1")
    with pytest.raises(ValidationError):
        PlanDefaults(sub_topic_count=11)
    with pytest.raises(ValidationError):
        PlanDefaults(language="English")
    assert PlanDefaults(language="PT_br").language == "pt-BR"


def test_mapping_from_header_without_output_columns() -> None:
    mapping, last = mapping_from_header(
        ["Main topic", "Status", "Sub-topics", "Articles", "Notes", "Language", "Comments"]
    )
    assert (mapping.topic, mapping.language, last) == ("A", "F", "F")
    mapping, last = mapping_from_header(["Topic", "Status", "", "", "", "", "Approval"])
    assert (mapping.notes, mapping.approval, last) == ("E", "G", "G")
    # Sub-topics, articles and notes must go somewhere: here Language holds the default column
    # of sub-topics, so the header cannot be mapped without saying where they go.
    with pytest.raises(ValueError, match="sub topics"):
        mapping_from_header(["Topic", "Status", "Language"])


# --- writing ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_an_apostrophe(prefix: str) -> None:
    assert neutralise(prefix + "cmd|' /C calc'!A0") == "'" + prefix + "cmd|' /C calc'!A0"
    assert neutralise("Compost 101") == "Compost 101"


def test_neutralise_truncates_to_the_cell_limit() -> None:
    assert len(neutralise("a" * (CELL_LIMIT + 10))) == CELL_LIMIT
    long_formula = neutralise("=" * (CELL_LIMIT + 10))
    assert len(long_formula) == CELL_LIMIT and long_formula.startswith("'=")


def test_updates_become_minimal_ranges() -> None:
    writes = to_cell_writes(
        [
            RowUpdate(3, status="done", sub_topics=["Bins", "=Worms", "Browns"]),
            RowUpdate(5, notes="-- failed: timeout"),
            RowUpdate(3, article_urls=["https://a/1", "https://a/2"]),
            RowUpdate(3, status="running"),  # a later update of the same cell wins
            RowUpdate(6, sub_topics=[]),  # an empty list clears the cell
        ],
        mapping=ColumnMapping(),
        sheet="My plan",
    )
    assert [(w.range_a1, w.values) for w in writes] == [
        ("'My plan'!B3:D3", [["running", "Bins\n=Worms\nBrowns", "https://a/1\nhttps://a/2"]]),
        ("'My plan'!E5", [["'-- failed: timeout"]]),
        ("'My plan'!C6", [[""]]),
    ]


def test_failed_row_update() -> None:
    update = RowUpdate.failed(RowError(4, "=bad"))
    assert update.status == "error"
    writes = to_cell_writes([update], mapping=ColumnMapping(), sheet=None)
    assert [(w.range_a1, w.values) for w in writes] == [("B4", [["error"]]), ("E4", [["'=bad"]])]
