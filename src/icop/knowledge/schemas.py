from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field

from icop.schemas import RequestModel, ResponseModel

MAX_TITLE = 300
MAX_QUERY = 1_000
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError("must be a language tag such as 'en' or 'pt-BR'")
    return value


def _encodable(value: str) -> str:
    # JSON can carry lone surrogates ("\ud800"); PostgreSQL cannot store them.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text must be valid Unicode") from error
    return value


HttpUrl = Annotated[str, Field(max_length=2_000), AfterValidator(_http_url)]
Language = Annotated[str, Field(max_length=16), AfterValidator(_language)]
Text = Annotated[str, AfterValidator(_encodable)]


class DocumentCreate(RequestModel):
    title: Text = Field(min_length=1, max_length=MAX_TITLE)
    # The configured limit (knowledge_max_document_chars) is checked in the service; this bound
    # only stops absurd bodies before any work.
    text: Text = Field(min_length=1, max_length=5_000_000)
    source_url: HttpUrl | None = None
    language: Language | None = None


class DocumentOut(ResponseModel):
    id: UUID
    title: str
    source_url: str | None
    source_kind: str
    language: str | None
    chunk_count: int
    characters: int
    embedder: str | None
    filename: str | None
    created_by: UUID | None
    created_at: datetime


class SearchRequest(RequestModel):
    query: Text = Field(min_length=1, max_length=MAX_QUERY)
    limit: int = Field(default=5, ge=1, le=50)


class SearchHitOut(ResponseModel):
    document_id: UUID
    chunk_id: UUID
    ordinal: int
    title: str
    source_url: str | None
    text: str
    score: float = Field(description="Cosine similarity of the chunk to the query (-1 … 1).")


class SearchResponse(ResponseModel):
    query: str
    results: list[SearchHitOut]
