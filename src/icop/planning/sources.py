"""Where a pipeline's plan lives: a Google Sheet, a local CSV/XLSX file, or rows imported
through the API (stored in ``plan_rows`` and read and written exactly like a sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.credentials import service as credentials
from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.errors import ConfigurationError
from icop.models import ContentPipeline
from icop.planning.repository import ImportedPlanRepository
from icop.planning.sheets.a1 import column_letter, parse_a1
from icop.planning.sheets.auth import OAuthUserToken
from icop.planning.sheets.layout import (
    CellWrite,
    ColumnMapping,
    RowUpdate,
    collect_cells,
)
from icop.planning.sheets.source import (
    SheetLocator,
    SheetSource,
    google_credentials,
    open_sheet,
)


class ImportedPlan:
    """The SheetSource of a pipeline whose plan was imported (no sheet, no file)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tenant_id: UUID,
        pipeline_id: UUID,
        mapping: ColumnMapping,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.tenant_id = tenant_id
        self.pipeline_id = pipeline_id
        self.mapping = mapping

    async def read(self, range_a1: str) -> list[list[str]]:
        rng = parse_a1(range_a1)
        first_row = rng.start_row or 1
        first_col = rng.start_col or 1
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            rows = await ImportedPlanRepository(session).all(self.pipeline_id)
        by_number = {row.row_number: row.cells for row in rows if row.row_number >= first_row}
        if not by_number:
            return []
        last_col = rng.end_col or max(
            (_index(c) for cells in by_number.values() for c in cells), default=first_col
        )
        values: list[list[str]] = []
        for number in range(first_row, max(by_number) + 1):
            cells = by_number.get(number, {})
            values.append(
                [cells.get(column_letter(col), "") for col in range(first_col, last_col + 1)]
            )
        return values

    async def write(self, updates: Sequence[RowUpdate]) -> None:
        by_row: dict[int, dict[str, str]] = {}
        for (row, col), value in collect_cells(updates, self.mapping).items():
            by_row.setdefault(row, {})[column_letter(col)] = value
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            repository = ImportedPlanRepository(session)
            for row, cells in sorted(by_row.items()):
                await repository.set_cells(self.tenant_id, self.pipeline_id, row, cells)

    async def flush(self) -> None:
        return None

    def pending(self) -> list[CellWrite]:
        return []


def _index(letters: str) -> int:
    from icop.planning.sheets.a1 import column_index

    return column_index(letters)


class PipelinePlanSources:
    """Opens a pipeline's plan with the credentials it names (decrypted just before use)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        http: httpx.AsyncClient,
        keyring: Keyring,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.http = http
        self.keyring = keyring

    async def open(self, pipeline: ContentPipeline) -> SheetSource:
        mapping = ColumnMapping.model_validate(pipeline.column_mapping)
        if pipeline.source_type == "import":
            return ImportedPlan(self.sessionmaker, pipeline.tenant_id, pipeline.id, mapping)
        if pipeline.source_type == "file":
            assert pipeline.file_path is not None
            return open_sheet(
                SheetLocator.file(pipeline.file_path, pipeline.sheet_range),
                settings=self.settings,
                http=self.http,
                credentials=None,
                mapping=mapping,
            )
        assert pipeline.google_sheet_id is not None
        if pipeline.credential_id is None:
            raise ConfigurationError(
                "this pipeline reads a Google Sheet but names no credential: store a "
                "service-account key or an OAuth token (POST /api/v1/credentials) and set "
                "credential_id on the pipeline"
            )
        async with unit_of_work(self.sessionmaker, pipeline.tenant_id) as session:
            credential = await credentials.get(session, pipeline.credential_id)
        tokens = credentials.decrypt(self.keyring, credential)
        return open_sheet(
            SheetLocator.google(pipeline.google_sheet_id, pipeline.sheet_range),
            settings=self.settings,
            http=self.http,
            credentials=google_credentials(tokens, self.settings),
            mapping=mapping,
            on_refresh=partial(self._store_refreshed, pipeline.tenant_id, pipeline.credential_id),
        )

    async def _store_refreshed(
        self, tenant_id: UUID, credential_id: UUID, token: OAuthUserToken
    ) -> None:
        """A refreshed user token goes back into the vault, so the next run starts with it."""
        if token.access_token is None:
            return
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            await credentials.replace_tokens(
                session,
                self.keyring,
                credential_id,
                access_token=token.access_token,
                refresh_token=token.refresh_token,
                expires_at=token.expires_at,
            )
