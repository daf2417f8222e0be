"""Column types that hand typed values to the code instead of bare strings and dicts.

``EnumText``: a status (or any closed set of words) stored as text, read back as its
``StrEnum``; the CHECK constraint that guards the column is written from the same enum
(``one_of``), so the enum and the database cannot drift apart.

``PydanticJSON``: a JSONB document (a ``StoredModel``, or a list or dict of them) validated
when it is written and when it is read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationInfo, model_validator
from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)
# Validation context of documents read from the database (only those are upgraded).
_STORED = "icop.stored"


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


class StoredModel(BaseModel):
    """A document kept in a JSONB column (``PydanticJSON``).

    Rows outlive the code that wrote them, so a stored shape only ever grows compatibly:

    - A field added later gets a default: documents written before it still load.
    - A change old documents cannot satisfy (a rename, a new required field, a new meaning)
      adds ``version: Literal[2] = 2`` to the model and teaches ``upgrade`` to turn a stored
      document without ``version`` (shape 1, every document stored so far) into shape 2.
      ``upgrade`` runs on documents read from the database only (values built in code are in
      the current shape already); they are stored in the new shape the next time they are
      written, and no migration rewrites them.
    - Unknown keys are refused, so a typo is an error rather than a silently stored field,
      and every key an earlier shape wrote stays declared until ``upgrade`` drops it.

    Frozen: a changed document is a new value assigned to the column (JSONB columns do not
    track changes made inside the value).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _upgraded(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and info.context and info.context.get(_STORED):
            return cls.upgrade(data)
        return data

    @classmethod
    def upgrade(cls, data: dict[str, Any]) -> dict[str, Any]:
        """A stored document, in whatever shape it was written, turned into this one."""
        return data


class PydanticJSON(TypeDecorator[Any]):
    """A JSONB column whose value is ``shape``: a ``StoredModel``, ``list[Model]`` or
    ``dict[str, Model]``. Writes accept the models or plain dicts, validate them (a wrong
    shape raises before anything is stored) and store their JSON; reads validate the stored
    JSON into the models (``StoredModel.upgrade`` first), so the code never sees a dict."""

    impl = JSONB
    cache_ok = True

    def __init__(self, shape: Any) -> None:
        super().__init__()
        self.shape = shape
        self._adapter: TypeAdapter[Any] = TypeAdapter(shape)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self._adapter.dump_python(self._adapter.validate_python(value), mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self._adapter.validate_python(value, context={_STORED: True})
