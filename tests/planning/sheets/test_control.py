"""Reading a person's decision out of a plan row: English and Korean words, a reason inline or
in the comment column, and values that cannot be acted on."""

from __future__ import annotations

import pytest

from icop.planning.sheets.control import ControlRow, RowDecision, control_rows, parse_decision
from icop.planning.sheets.layout import (
    ColumnMapping,
    RowError,
    RowUpdate,
    mapping_from_header,
    to_cell_writes,
)


def _row(decision: str, comment: str = "") -> ControlRow:
    return ControlRow(7, "홈 가드닝", decision, comment, "", "")


@pytest.mark.parametrize(
    ("value", "comment", "approved", "reason"),
    [
        ("approved", "", True, None),
        ("  Approve ", "", True, None),
        ("승인", "", True, None),
        ("승인 완료", "좋아요", True, "좋아요"),
        ("rejected", "", False, None),
        ("REJECTED: too salesy", "", False, "too salesy"),
        ("rejected - off brand", "ignored", False, "off brand"),
        ("반려", "출처 부족", False, "출처 부족"),
        ("반려\uff1a출처가 약함", "", False, "출처가 약함"),
        ("거절", "", False, None),
    ],
)
def test_decisions_in_english_and_korean(
    value: str, comment: str, approved: bool, reason: str | None
) -> None:
    assert parse_decision(_row(value, comment)) == RowDecision(
        7, "홈 가드닝", approved, reason, value
    )


@pytest.mark.parametrize("value", ["maybe", "보류", "yes please", "=HYPERLINK(1)"])
def test_a_value_that_decides_nothing_is_a_row_error(value: str) -> None:
    outcome = parse_decision(_row(value))
    assert isinstance(outcome, RowError) and outcome.row_number == 7
    assert "승인 / 반려" in outcome.message


def test_an_empty_cell_decides_nothing() -> None:
    assert parse_decision(_row("")) is None


def test_headers_in_either_language_map_the_control_columns() -> None:
    mapping, last = mapping_from_header(
        ["주제", "상태", "세부 주제", "기사", "메모", "승인", "의견", "게시물"]
    )
    assert (mapping.topic, mapping.notes, mapping.decision, mapping.comment, mapping.posts) == (
        "A",
        "E",
        "F",
        "G",
        "H",
    )
    assert last == "H"
    english, _ = mapping_from_header(
        ["Topic", "Status", "Sub-topics", "Articles", "Notes", "Decision", "Comment", "Posts"]
    )
    assert english == mapping


def test_control_rows_skip_the_header_and_empty_rows_and_keep_row_numbers() -> None:
    mapping = ColumnMapping(decision="F", comment="G", posts="H")
    rows = control_rows(
        [
            ["Topic", "Status"],
            ["home composting", "done", "", "", "cost $0.01", "approved"],
            [],
            ["홈 가드닝", "running", "", "", "", "반려", "출처 부족", "1. x: published"],
        ],
        first_row=1,
        mapping=mapping,
    )
    assert [(r.row_number, r.topic, r.decision, r.comment, r.notes, r.posts) for r in rows] == [
        (2, "home composting", "approved", "", "cost $0.01", ""),
        (4, "홈 가드닝", "반려", "출처 부족", "", "1. x: published"),
    ]


def test_posts_lines_go_to_the_posts_column_neutralised() -> None:
    mapping = ColumnMapping(decision="F", posts="H")
    writes = to_cell_writes(
        [RowUpdate(3, posts=["1. x: published https://x.test/1", "-2. odd"])],
        mapping=mapping,
        sheet="ContentPlan",
    )
    assert [(w.range_a1, w.values) for w in writes] == [
        ("ContentPlan!H3", [["1. x: published https://x.test/1\n-2. odd"]])
    ]
