"""Column types that hand typed values to the code instead of bare strings and dicts.

``EnumText``: a status (or any closed set of words) stored as text, read back as its
``StrEnum``; the CHECK constraint that guards the column is written from the same enum
(``one_of``), so the enum and the database cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A ``StrEnum`` in a VARCHAR column: any member or its value is written (anything else
    is refused before the database sees it); reads give the member. The column stays plain
    text, so the stored values, the CHECK constraint and the migrations are unchanged."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(self.enum(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)

    @property
    def python_type(self) -> type[E]:
        return self.enum


def one_of(column: str, enum: type[StrEnum], *, nullable: bool = False) -> str:
    """The CHECK clause ``column IN ('a', 'b', …)`` for an enum's values, in its order."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    clause = f"{column} IN ({values})"
    return f"{column} IS NULL OR {clause}" if nullable else clause
