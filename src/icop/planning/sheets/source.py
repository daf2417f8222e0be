"""Where a content plan lives, and the one interface the pipeline uses to read and update it.

A pipeline names its plan with a ``SheetLocator``: a Google spreadsheet id, or a local CSV/XLSX
file (the embedded default), plus the plan's range (``ContentPlan!A2:E``). ``open_sheet`` gives
the matching ``SheetSource``; the pipeline code never knows which one it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict, model_validator

from icop.config import Settings
from icop.planning.sheets.a1 import parse_a1, quote_sheet
from icop.planning.sheets.auth import (
    GoogleCredentials,
    RefreshCallback,
    ServiceAccountKey,
    VaultTokens,
    credentials_from_vault,
    token_source,
)
from icop.planning.sheets.exceptions import SheetAuthFailed
from icop.planning.sheets.google import GoogleSheet, GoogleSheetsClient, RetryPolicy, bucket_for
from icop.planning.sheets.layout import (
    CellWrite,
    ColumnMapping,
    PlanDefaults,
    PlanRow,
    RowError,
    RowUpdate,
    mapping_from_header,
    parse_plan,
)
from icop.planning.sheets.local import LocalSheet

DEFAULT_RANGE = "ContentPlan!A2:E"


@runtime_checkable
class SheetSource(Protocol):
    async def read(self, range_a1: str) -> list[list[str]]:
        """Rows of the range as text (trailing empty cells and rows may be missing)."""
        ...

    async def write(self, updates: Sequence[RowUpdate]) -> None:
        """Apply the updates (idempotent: cells are overwritten). On error, whatever did not
        reach the sheet stays pending and goes out with the next write or flush."""
        ...

    async def flush(self) -> None: ...

    def pending(self) -> list[CellWrite]: ...


class SheetLocator(BaseModel):
    """``kind="google"`` with ``spreadsheet_id``, or ``kind="file"`` with ``path``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["google", "file"]
    spreadsheet_id: str | None = None
    path: Path | None = None
    range_a1: str = DEFAULT_RANGE

    @model_validator(mode="after")
    def _one_target(self) -> SheetLocator:
        if self.kind == "google" and not self.spreadsheet_id:
            raise ValueError("a Google sheet needs spreadsheet_id")
        if self.kind == "file" and self.path is None:
            raise ValueError("a local sheet needs path")
        parse_a1(self.range_a1)
        return self

    @classmethod
    def google(cls, spreadsheet_id: str, range_a1: str = DEFAULT_RANGE) -> SheetLocator:
        return cls(kind="google", spreadsheet_id=spreadsheet_id, range_a1=range_a1)

    @classmethod
    def file(cls, path: Path | str, range_a1: str = DEFAULT_RANGE) -> SheetLocator:
        return cls(kind="file", path=Path(path), range_a1=range_a1)

    @property
    def sheet(self) -> str | None:
        return parse_a1(self.range_a1).sheet


def open_sheet(
    locator: SheetLocator,
    *,
    settings: Settings,
    http: httpx.AsyncClient | None = None,
    credentials: GoogleCredentials | None = None,
    mapping: ColumnMapping | None = None,
    on_refresh: RefreshCallback | None = None,
) -> SheetSource:
    """The source for ``locator``. A Google sheet needs ``http`` (the worker's shared client)
    and ``credentials`` decrypted from the vault; ``on_refresh`` receives a user token after a
    refresh so that the caller can store it again."""
    mapping = mapping or ColumnMapping()
    sheet = locator.sheet
    if locator.kind == "file":
        assert locator.path is not None
        return LocalSheet(locator.path, mapping=mapping, sheet=sheet)
    assert locator.spreadsheet_id is not None
    if credentials is None:
        raise SheetAuthFailed(
            "this pipeline reads a Google sheet but has no Google credential: connect a Google "
            "account or store a service-account key in the vault"
        )
    if http is None:
        raise ValueError("a Google sheet needs an httpx.AsyncClient")
    tokens = token_source(
        credentials, on_refresh=on_refresh, timeout_s=settings.google_sheets_timeout_s
    )
    principal = (
        credentials.client_email
        if isinstance(credentials, ServiceAccountKey)
        else "the connected Google account"
    )
    client = GoogleSheetsClient(
        locator.spreadsheet_id,
        http=http,
        tokens=tokens,
        principal=principal,
        base_url=settings.google_sheets_base_url,
        bucket=bucket_for(tokens.identity, settings.google_sheets_requests_per_minute),
        retry=RetryPolicy(
            max_retries=settings.google_sheets_max_retries,
            base_s=settings.google_sheets_backoff_base_s,
            max_s=settings.google_sheets_backoff_max_s,
            max_wait_s=settings.google_sheets_retry_max_wait_s,
        ),
        timeout_s=settings.google_sheets_timeout_s,
    )
    return GoogleSheet(client, mapping=mapping, sheet=sheet)


async def read_plan(
    source: SheetSource,
    range_a1: str,
    *,
    mapping: ColumnMapping | None = None,
    defaults: PlanDefaults | None = None,
) -> tuple[list[PlanRow], list[RowError]]:
    """Read ``range_a1`` and parse it, with row numbers taken from where the range starts."""
    rng = parse_a1(range_a1)
    values = await source.read(range_a1)
    return parse_plan(
        values,
        first_row=rng.first_row,
        first_col=rng.first_col,
        mapping=mapping,
        defaults=defaults,
    )


def google_credentials(tokens: VaultTokens, settings: Settings) -> GoogleCredentials:
    """A ``google`` vault credential (decrypted) as Sheets credentials, with our OAuth client
    from Settings for refreshing a user's token."""
    secret = settings.google_oauth_client_secret
    return credentials_from_vault(
        tokens,
        client_id=settings.google_oauth_client_id,
        client_secret=secret.get_secret_value() if secret is not None else None,
        token_uri=settings.google_oauth_token_url,
    )


async def detect_layout(
    source: SheetSource, sheet: str | None = "ContentPlan"
) -> tuple[ColumnMapping, str]:
    """The mapping and plan range a sheet's own header row (row 1) describes, e.g.
    ``Topic | Status | Sub-topics | Articles | Notes | Mode`` → mode in F, range ``…!A2:F``."""
    prefix = f"{quote_sheet(sheet)}!" if sheet is not None else ""
    rows = await source.read(f"{prefix}1:1")
    mapping, last = mapping_from_header(rows[0] if rows else [])
    return mapping, f"{prefix}A2:{last}"
