"""The content plan's layout: which column holds what, which rows run, and what we write back.

A plan is a header row and one row per main topic (``ContentPlan!A2:E``: Topic | Status |
Sub-topics | Articles | Notes). Optional columns override the pipeline's defaults per row.

Both directions defend against spreadsheet formula injection (OWASP "CSV injection"): a cell we
read that starts with ``= + - @``, a tab or a carriage return is a bad row (it is rejected and
reported, never stripped: the person who typed it should see why the row did not run), and every
value we write is prefixed with ``'`` when it starts with one of them, so that neither Sheets nor
a spreadsheet program that opens an export ever evaluates text that came from a model or a web
page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from icop.planning.sheets.a1 import A1Range, column_index, column_letter
from icop.planning.sheets.exceptions import SheetRangeInvalid
from icop.platforms import Platform

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Google Sheets refuses cells over 50,000 characters.
CELL_LIMIT = 50_000
MAX_TOPIC_CHARS = 300
MAX_AUDIENCE_CHARS = 500
SUB_TOPIC_RANGE = (1, 10)
# Several values in one cell (sub-topics, article links) go one per line.
LIST_SEPARATOR = "\n"

STATUS_READY = "ready"
STATUS_RUNNING = "running"
STATUS_DONE = "done"
STATUS_ERROR = "error"
STATUS_SKIP = "skip"
# Some of the row's articles were written, some failed: left alone until the user says "ready".
STATUS_PARTIAL = "partial"

Mode = Literal["compare", "merge"]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-(?:[A-Za-z]{4}|[A-Za-z]{2}|[0-9]{3}))?$")
_TRUE = {"yes", "y", "true", "1", "x", "✓"}
_FALSE = {"no", "n", "false", "0", ""}
_PLATFORM_ALIASES = {"twitter": Platform.X, "ig": Platform.INSTAGRAM, "fb": Platform.FACEBOOK}

INPUT_FIELDS = (
    "topic",
    "status",
    "mode",
    "language",
    "audience",
    "sub_topic_count",
    "approval",
    "platforms",
)
OUTPUT_FIELDS = ("status", "sub_topics", "article_urls", "notes", "posts")
# The control-panel columns: a person's decision on the row's articles (approved / rejected,
# 승인 / 반려) and an optional comment, read back while the row's articles await approval.
# They never stop a row from running, so they are not among the INPUT_FIELDS.
CONTROL_FIELDS = ("decision", "comment")


class ColumnMapping(BaseModel):
    """The column letter of each field. Optional fields left ``None`` take the pipeline default;
    the output columns (sub-topics, articles, notes) are where the write-back goes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str = "A"
    status: str = "B"
    sub_topics: str = "C"
    article_urls: str = "D"
    notes: str = "E"
    language: str | None = None
    mode: str | None = None
    audience: str | None = None
    sub_topic_count: str | None = None
    approval: str | None = None
    platforms: str | None = None
    decision: str | None = None
    comment: str | None = None
    posts: str | None = None
    ready_statuses: list[str] = Field(
        default_factory=lambda: [STATUS_READY, ""],
        description="Status values (case-insensitive) that make a row run; '' is an empty cell.",
    )
    skip_statuses: list[str] = Field(
        default_factory=lambda: [
            STATUS_DONE,
            STATUS_PARTIAL,
            STATUS_RUNNING,
            STATUS_SKIP,
            STATUS_ERROR,
        ],
        description="Status values of rows that are left alone.",
    )

    @field_validator(
        "topic",
        "status",
        "sub_topics",
        "article_urls",
        "notes",
        "language",
        "mode",
        "audience",
        "sub_topic_count",
        "approval",
        "platforms",
        "decision",
        "comment",
        "posts",
    )
    @classmethod
    def _letters(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        try:
            column_index(value)
        except SheetRangeInvalid as error:
            raise ValueError(error.detail) from error
        return value

    @field_validator("ready_statuses", "skip_statuses")
    @classmethod
    def _statuses(cls, value: list[str]) -> list[str]:
        return [status.strip().lower() for status in value]

    @model_validator(mode="after")
    def _distinct(self) -> ColumnMapping:
        used = [(name, letter) for name, letter in self.columns().items()]
        letters = [letter for _, letter in used]
        duplicates = sorted({letter for letter in letters if letters.count(letter) > 1})
        if duplicates:
            raise ValueError(f"columns used twice: {', '.join(duplicates)}")
        if set(self.ready_statuses) & set(self.skip_statuses):
            raise ValueError("a status cannot both run and skip a row")
        return self

    def columns(self) -> dict[str, str]:
        """Every mapped field and its letter."""
        names = (*INPUT_FIELDS, *CONTROL_FIELDS, "sub_topics", "article_urls", "notes", "posts")
        return {name: letter for name in names if (letter := getattr(self, name)) is not None}

    def index(self, name: str) -> int | None:
        letter = getattr(self, name)
        return column_index(letter) if letter is not None else None


# Header words (lower case, spaces and punctuation squeezed out) → field, for reading a plan's
# own header row into a mapping.
_HEADER_NAMES = {
    "topic": "topic",
    "maintopic": "topic",
    "status": "status",
    "subtopics": "sub_topics",
    "articles": "article_urls",
    "articleurls": "article_urls",
    "articlelinks": "article_urls",
    "links": "article_urls",
    "notes": "notes",
    "language": "language",
    "lang": "language",
    "mode": "mode",
    "audience": "audience",
    "subtopiccount": "sub_topic_count",
    "numberofsubtopics": "sub_topic_count",
    "approval": "approval",
    "approvalrequired": "approval",
    "platforms": "platforms",
    "publishto": "platforms",
    "decision": "decision",
    "approve": "decision",
    "approved": "decision",
    "review": "decision",
    "comment": "comment",
    "reviewcomment": "comment",
    "posts": "posts",
    "poststatus": "posts",
    "postlinks": "posts",
}
# Korean headers (compared as typed, spaces squeezed out).
_HEADER_NAMES_KO = {
    "주제": "topic",
    "상태": "status",
    "세부주제": "sub_topics",
    "하위주제": "sub_topics",
    "기사": "article_urls",
    "아티클": "article_urls",
    "메모": "notes",
    "비고": "notes",
    "언어": "language",
    "승인": "decision",
    "승인여부": "decision",
    "결정": "decision",
    "의견": "comment",
    "코멘트": "comment",
    "게시": "posts",
    "게시물": "posts",
    "게시상태": "posts",
}


def mapping_from_header(header: Sequence[str]) -> tuple[ColumnMapping, str]:
    """A mapping read from a plan's header row (``Topic | Status | … | Mode``) and the letter of
    its last mapped column, so that a pipeline over a plan with extra columns can be set up
    from the file itself (range ``<sheet>!A2:<last>``). Unknown headers are ignored; fields
    the header lacks keep their default columns only when those are free."""
    found: dict[str, str] = {}
    for position, title in enumerate(header, start=1):
        key = re.sub(r"[^a-z]", "", title.lower())
        name = _HEADER_NAMES.get(key) or _HEADER_NAMES_KO.get(re.sub(r"[\s_\-/()]", "", title))
        if name is not None and name not in found:
            found[name] = column_letter(position)
    defaults = ColumnMapping()
    taken = set(found.values())
    for name in ("topic", "status", "sub_topics", "article_urls", "notes"):
        if name not in found:
            letter = getattr(defaults, name)
            if letter in taken:
                raise ValueError(f"the header has no {name.replace('_', ' ')} column")
            found[name] = letter
            taken.add(letter)
    mapping = ColumnMapping(**found)
    last = max(column_index(letter) for letter in mapping.columns().values())
    return mapping, column_letter(last)


class PlanDefaults(BaseModel):
    """What a row gets for each optional column it does not set (the pipeline's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = "compare"
    language: str = "en"
    audience: str | None = None
    sub_topic_count: int = Field(default=5, ge=SUB_TOPIC_RANGE[0], le=SUB_TOPIC_RANGE[1])
    approval_required: bool = False
    platforms: list[Platform] = Field(default_factory=list)
    length_words: int = Field(default=800, ge=150, le=4000, description="Article length.")

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        code = normalise_language(value)
        if code is None:
            raise ValueError(f"{value!r} is not a language code such as en or pt-BR")
        return code


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A row to run, with every default applied. ``row_number`` is the sheet's own 1-based
    row number (what a person sees), which is also how write-back finds the row again."""

    row_number: int
    topic: str
    status: str
    mode: Mode
    language: str
    audience: str | None
    sub_topic_count: int
    approval_required: bool
    platforms: list[Platform] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RowError:
    row_number: int
    message: str


@dataclass(frozen=True, slots=True)
class RowUpdate:
    """What to write back to one row; ``None`` leaves a cell as it is, an empty list clears it."""

    row_number: int
    status: str | None = None
    sub_topics: list[str] | None = None
    article_urls: list[str] | None = None
    notes: str | None = None
    # The row's posts, one line per post (platform, status, live link).
    posts: list[str] | None = None

    @classmethod
    def failed(cls, error: RowError) -> RowUpdate:
        return cls(error.row_number, status=STATUS_ERROR, notes=error.message)


@dataclass(frozen=True, slots=True)
class CellWrite:
    """One rectangle of values for ``values.batchUpdate`` (or the local file)."""

    range_a1: str
    values: list[list[str]]


# --- reading --------------------------------------------------------------------------------


_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def language_of_script(text: str) -> str | None:
    """``ko``, ``ja`` or ``zh`` when most of ``text``'s letters are Hangul, kana (with Han) or
    Han alone: scripts that name their language; None for anything else (Latin script is
    shared by too many languages to guess from)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return None
    share = {
        name: sum(1 for char in letters if pattern.match(char)) / len(letters)
        for name, pattern in (("ko", _HANGUL), ("kana", _KANA), ("han", _HAN))
    }
    if share["ko"] >= 0.5:
        return "ko"
    if share["kana"] > 0 and share["kana"] + share["han"] >= 0.5:
        return "ja"
    if share["han"] >= 0.5:
        return "zh"
    return None


def normalise_language(value: str) -> str | None:
    """``EN-gb`` → ``en-GB``; ``None`` when it is not a (short) BCP 47 code."""
    value = value.strip().replace("_", "-")
    if not _LANGUAGE.match(value):
        return None
    primary, _, rest = value.partition("-")
    if not rest:
        return primary.lower()
    if len(rest) == 4:
        return f"{primary.lower()}-{rest.title()}"
    return f"{primary.lower()}-{rest.upper()}"


def starts_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def _is_header(cells: Mapping[str, str]) -> bool:
    return cells.get("topic", "").strip().lower() == "topic" and cells.get(
        "status", ""
    ).strip().lower() in ("status", "")


def parse_plan(
    values: Sequence[Sequence[str]],
    *,
    first_row: int,
    mapping: ColumnMapping | None = None,
    defaults: PlanDefaults | None = None,
    first_col: int = 1,
) -> tuple[list[PlanRow], list[RowError]]:
    """Rows to run and rows that cannot run. ``values`` is what a read of the plan range
    returned (trailing empty cells may be missing); ``first_row``/``first_col`` are where that
    range starts, so column letters and row numbers stay absolute. Empty rows, a header row and
    rows whose status says so are skipped without a word."""
    mapping = mapping or ColumnMapping()
    defaults = defaults or PlanDefaults()
    positions = {
        name: index - first_col
        for name in (*INPUT_FIELDS, "sub_topics", "article_urls", "notes")
        if (index := mapping.index(name)) is not None and index >= first_col
    }
    rows: list[PlanRow] = []
    errors: list[RowError] = []
    for offset, raw in enumerate(values):
        cells = {
            name: str(raw[position]) if position < len(raw) and raw[position] is not None else ""
            for name, position in positions.items()
        }
        if not any(value.strip() for value in cells.values()):
            continue
        if offset == 0 and _is_header(cells):
            continue
        row_number = first_row + offset
        status = cells.get("status", "").strip().lower()
        if status in mapping.skip_statuses:
            continue
        outcome = _parse_row(row_number, cells, status, mapping, defaults)
        if isinstance(outcome, PlanRow):
            rows.append(outcome)
        else:
            errors.append(outcome)
    return rows, errors


def _parse_row(
    row_number: int,
    cells: Mapping[str, str],
    status: str,
    mapping: ColumnMapping,
    defaults: PlanDefaults,
) -> PlanRow | RowError:
    problems: list[str] = []
    injected = [
        f"{name.replace('_', ' ')} ({getattr(mapping, name)}{row_number})"
        for name in INPUT_FIELDS
        if starts_like_formula(cells.get(name, ""))
    ]
    if injected:
        # Nothing else in the row is trusted once a cell looks like a formula.
        return RowError(
            row_number,
            "rejected: a cell starts with =, +, -, @, a tab or a line break, which a "
            f"spreadsheet may run as a formula: {', '.join(injected)}. Remove that first "
            "character and set the status to ready.",
        )
    if status not in mapping.ready_statuses:
        known = ", ".join(repr(s) for s in (*mapping.ready_statuses, *mapping.skip_statuses))
        problems.append(f"unknown status {status!r} (use one of {known})")
    topic = " ".join(cells.get("topic", "").split())
    if not topic:
        problems.append("the topic is empty")
    elif len(topic) > MAX_TOPIC_CHARS:
        problems.append(f"the topic is {len(topic)} characters long (at most {MAX_TOPIC_CHARS})")

    mode: Mode = defaults.mode
    if raw_mode := cells.get("mode", "").strip().lower():
        if raw_mode in ("compare", "merge"):
            mode = raw_mode  # type: ignore[assignment]
        else:
            problems.append(f"unknown mode {raw_mode!r} (use compare or merge)")

    language = defaults.language
    if raw_language := cells.get("language", "").strip():
        code = normalise_language(raw_language)
        if code is None:
            problems.append(f"language {raw_language!r} is not a code such as en, ko or pt-BR")
        else:
            language = code
    elif (written := language_of_script(topic)) and written != language.split("-")[0]:
        # A topic in Hangul on a row that names no language is a Korean article: written in
        # the pipeline's English, the model's angles drifted off the topic and the row failed.
        language = written

    audience = defaults.audience
    if raw_audience := " ".join(cells.get("audience", "").split()):
        if len(raw_audience) > MAX_AUDIENCE_CHARS:
            problems.append(f"the audience is longer than {MAX_AUDIENCE_CHARS} characters")
        else:
            audience = raw_audience

    count = defaults.sub_topic_count
    if raw_count := cells.get("sub_topic_count", "").strip():
        low, high = SUB_TOPIC_RANGE
        try:
            count = int(float(raw_count)) if float(raw_count).is_integer() else -1
        except ValueError:
            count = -1
        if not low <= count <= high:
            problems.append(f"sub-topic count {raw_count!r} is not a whole number {low}-{high}")

    approval = defaults.approval_required
    if raw_approval := cells.get("approval", "").strip().lower():
        if raw_approval in _TRUE:
            approval = True
        elif raw_approval in _FALSE:
            approval = False
        else:
            problems.append(f"approval {raw_approval!r} is not yes or no")

    platforms = list(defaults.platforms)
    if raw_platforms := cells.get("platforms", "").strip():
        platforms, unknown = _platforms(re.split(r"[,;/\n]", raw_platforms))
        if unknown:
            problems.append(
                f"unknown platform(s) {', '.join(unknown)} (use facebook, instagram, threads, x)"
            )

    if problems:
        return RowError(row_number, "; ".join(problems))
    return PlanRow(
        row_number=row_number,
        topic=topic,
        status=status,
        mode=mode,
        language=language,
        audience=audience,
        sub_topic_count=count,
        approval_required=approval,
        platforms=platforms,
    )


def _platforms(names: Iterable[str]) -> tuple[list[Platform], list[str]]:
    chosen: list[Platform] = []
    unknown: list[str] = []
    for name in (n.strip().lower() for n in names):
        if not name:
            continue
        platform = _PLATFORM_ALIASES.get(name)
        if platform is None:
            try:
                platform = Platform(name)
            except ValueError:
                unknown.append(name)
                continue
        if platform not in chosen:
            chosen.append(platform)
    return chosen, unknown


# --- writing --------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """A value that is safe to put in a cell: never read as a formula, within the cell limit."""
    if starts_like_formula(value):
        return "'" + value[: CELL_LIMIT - 1]
    return value[:CELL_LIMIT]


def update_cells(update: RowUpdate, mapping: ColumnMapping) -> dict[int, str]:
    """Column index → neutralised value for the cells this update sets."""
    given: dict[str, str | None] = {
        "status": update.status,
        "sub_topics": None if update.sub_topics is None else LIST_SEPARATOR.join(update.sub_topics),
        "article_urls": (
            None if update.article_urls is None else LIST_SEPARATOR.join(update.article_urls)
        ),
        "notes": update.notes,
        "posts": None if update.posts is None else LIST_SEPARATOR.join(update.posts),
    }
    cells: dict[int, str] = {}
    for name, value in given.items():
        index = mapping.index(name)
        if value is not None and index is not None:
            cells[index] = neutralise(value)
    return cells


def collect_cells(
    updates: Iterable[RowUpdate], mapping: ColumnMapping
) -> dict[tuple[int, int], str]:
    """(row, column) → value; a later update of the same cell wins."""
    cells: dict[tuple[int, int], str] = {}
    for update in updates:
        if update.row_number < 1:
            raise ValueError(f"row numbers start at 1, not {update.row_number}")
        for column, value in update_cells(update, mapping).items():
            cells[(update.row_number, column)] = value
    return cells


def cell_writes(cells: Mapping[tuple[int, int], str], *, sheet: str | None) -> list[CellWrite]:
    """One range per run of adjacent cells in a row, in row order (fewest, smallest ranges:
    never a rectangle that would overwrite a cell nobody asked to change)."""
    writes: list[CellWrite] = []
    run: list[str] = []
    run_start: tuple[int, int] | None = None
    previous: tuple[int, int] | None = None

    def close() -> None:
        if run_start is not None and previous is not None:
            rng = A1Range(sheet, run_start[0], run_start[1], previous[0], previous[1])
            writes.append(CellWrite(str(rng), [list(run)]))

    for key in sorted(cells):
        if previous is None or key[0] != previous[0] or key[1] != previous[1] + 1:
            close()
            run = []
            run_start = key
        run.append(cells[key])
        previous = key
    close()
    return writes


def to_cell_writes(
    updates: Iterable[RowUpdate], *, mapping: ColumnMapping, sheet: str | None
) -> list[CellWrite]:
    return cell_writes(collect_cells(updates, mapping), sheet=sheet)
