"""The plan as a control panel: the cells a person types a decision into, read back.

A row's decision cell approves or rejects the row's articles: ``approved`` / ``rejected`` in
English or ``승인`` / ``반려`` in Korean (a few synonyms of each), optionally followed by a reason
(``rejected: too salesy``, ``반려: 출처 부족``). A comment column, where the plan has one, gives
the reason when the cell itself does not. An empty cell decides nothing; anything else is a
row error that is written back to the row, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from icop.planning.sheets.layout import ColumnMapping, RowError, starts_like_formula

APPROVE_WORDS = frozenset(
    {"approved", "approve", "ok", "승인", "승인함", "승인됨", "승인완료", "승인 완료"}
)
REJECT_WORDS = frozenset(
    {"rejected", "reject", "declined", "반려", "반려함", "반려됨", "거절", "거부"}
)
MAX_REASON_CHARS = 2000
# "rejected: reason", "반려 - 사유", "rejected — reason" (a full-width colon as well).
_REASON_SPLIT = re.compile(r"\s*(?:[:\uff1a]|\s[-\u2013\u2014]\s)\s*")


@dataclass(frozen=True, slots=True)
class ControlRow:
    """What a row says to the control panel: its topic, the decision (if any) and what our
    own output cells hold now (so that a write-back happens only when something changed)."""

    row_number: int
    topic: str
    decision: str
    comment: str
    notes: str
    posts: str


@dataclass(frozen=True, slots=True)
class RowDecision:
    row_number: int
    topic: str
    approved: bool
    reason: str | None
    # The cell as typed, for notes that echo it (a Korean row reads its own word back).
    value: str


def control_rows(
    values: Sequence[Sequence[str]],
    *,
    first_row: int,
    mapping: ColumnMapping,
    first_col: int = 1,
) -> list[ControlRow]:
    """Every row of the read range that names a topic (header row and empty rows left out)."""
    names = ("topic", "status", "decision", "comment", "notes", "posts")
    positions = {
        name: index - first_col
        for name in names
        if (index := mapping.index(name)) is not None and index >= first_col
    }
    rows: list[ControlRow] = []
    for offset, raw in enumerate(values):
        cells = {
            name: str(raw[position]) if position < len(raw) and raw[position] is not None else ""
            for name, position in positions.items()
        }
        topic = " ".join(cells.get("topic", "").split())
        if not topic or (offset == 0 and topic.lower() in ("topic", "주제")):
            continue
        rows.append(
            ControlRow(
                row_number=first_row + offset,
                topic=topic,
                decision=cells.get("decision", "").strip(),
                comment=" ".join(cells.get("comment", "").split()),
                notes=cells.get("notes", ""),
                posts=cells.get("posts", ""),
            )
        )
    return rows


def parse_decision(row: ControlRow) -> RowDecision | RowError | None:
    """The row's decision; None for an empty cell; a RowError for a value we cannot act on."""
    raw = row.decision
    if not raw:
        return None
    if starts_like_formula(raw):
        return RowError(
            row.row_number,
            f"decision {raw[:40]!r} starts like a formula; write approved or rejected "
            "(승인 / 반려)",
        )
    head, inline = _split(raw)
    word = " ".join(head.casefold().split())
    if word in APPROVE_WORDS:
        approved = True
    elif word in REJECT_WORDS:
        approved = False
    else:
        return RowError(
            row.row_number,
            f"decision {raw[:40]!r} is neither approved nor rejected (승인 / 반려); "
            "nothing was decided",
        )
    reason = (inline or row.comment)[:MAX_REASON_CHARS] or None
    return RowDecision(row.row_number, row.topic, approved, reason, raw)


def _split(raw: str) -> tuple[str, str]:
    parts = _REASON_SPLIT.split(raw, maxsplit=1)
    if len(parts) == 2:
        return parts[0], " ".join(parts[1].split())
    return raw, ""
