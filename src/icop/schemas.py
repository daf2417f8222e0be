"""Pydantic bases for the API edge."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PlainSerializer,
    field_validator,
)


class RequestModel(BaseModel):
    """Unknown fields are an error, not silently dropped: a typo must not go unnoticed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold U+0000; reject it here as bad input, not as a 500 later.
        if _contains_nul(value):
            raise ValueError("text must not contain NUL (U+0000) characters")
        return value


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    return False


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[EmailStr, Field(max_length=320), AfterValidator(_lower)]


def _fixed_point(value: Decimal) -> str:
    # str(Decimal) switches to scientific notation for tiny amounts ("4E-7"), which clients
    # parsing money as plain decimals reject.
    return format(value, "f")


Money = Annotated[Decimal, PlainSerializer(_fixed_point, return_type=str, when_used="json")]
