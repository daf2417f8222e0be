"""Keyset (cursor) pagination: a page ends with an opaque cursor naming its last row's sort key
(a timestamp and the row id, which breaks ties); the next page starts strictly after it. Unlike
``OFFSET`` the cost of a page does not grow with how deep it is, and a row inserted while a
reader pages is neither skipped nor repeated."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from icop.errors import BadRequest

NEXT_CURSOR_HEADER = "X-Next-Cursor"


@dataclass(frozen=True, slots=True)
class Cursor:
    at: datetime
    id: UUID

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            at, _, row_id = raw.partition("|")
            parsed = datetime.fromisoformat(at)
            if parsed.tzinfo is None:
                raise ValueError("naive timestamp")
            return cls(parsed, UUID(row_id))
        except (ValueError, binascii.Error, UnicodeDecodeError) as error:
            raise BadRequest("the cursor is not one this API returned") from error
