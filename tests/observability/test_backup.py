"""`icop backup` / `icop restore`: a round trip through a real pg_dump and pg_restore, with
media files and keys, into a reset database."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from icop.config import Settings
from icop.db import bootstrap
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.db.session import unit_of_work
from icop.models import OutboxEvent, Tenant
from icop.ops.backup import (
    BackupError,
    create_backup,
    read_manifest,
    restore_backup,
    table_counts,
)
from icop.outbox.service import emit
from icop.runtime.database import prepare_database
from icop.storage.factory import build_object_store
from icop.storage.settings import StorageSettings
from icop.tenants.repository import TenantRepository


@pytest.fixture
def backup_settings(settings: Settings, database_urls: object) -> Settings:
    """A database of its own on the test server (the shared one stays untouched)."""
    return settings.model_copy(update={"db_name": f"icop_bk_{uuid.uuid4().hex[:8]}"})


async def _seed(current: Settings, storage: StorageSettings) -> tuple[uuid.UUID, str]:
    engine = create_engine(resolve_urls(current).app, current, pool_size=1, max_overflow=0)
    try:
        tenant = uuid.uuid4()
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            await TenantRepository(session).create(
                tenant_id=tenant, company_name="Backed Up", plan="pro"
            )
            for number in range(3):
                await emit(session, tenant_id=tenant, topic="post.published", payload={"n": number})
        store = build_object_store(current, storage)
        stored = await store.put(tenant, b"\xff\xd8 jpeg", "image/jpeg")
        return tenant, stored.key
    finally:
        await engine.dispose()


async def _read_back(current: Settings, tenant: uuid.UUID) -> tuple[str | None, int]:
    engine = create_engine(resolve_urls(current).app, current, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            name = await session.scalar(select(Tenant.company_name))
            events = len(list(await session.scalars(select(OutboxEvent))))
            return name, events
    finally:
        await engine.dispose()


def test_backup_and_restore_round_trip(backup_settings: Settings, tmp_path: Path) -> None:
    current = backup_settings
    storage = StorageSettings(storage_dir=tmp_path / "media")
    urls = prepare_database(current).urls
    assert urls.admin is not None
    try:
        tenant, key = asyncio.run(_seed(current, storage))
        before = asyncio.run(table_counts(urls.owner))
        archive = tmp_path / "out" / "backup.tar.gz"
        steps: list[str] = []
        manifest = create_backup(current, archive, storage=storage, step=steps.append)
        assert steps and archive.stat().st_mode & 0o777 == 0o600
        assert manifest.tables == before and manifest.tables["tenants"] >= 1
        assert manifest.objects == 1 and manifest.alembic_revision
        with tarfile.open(archive) as tar:
            names = tar.getnames()
        assert {"manifest.json", "database.dump", f"media/{key}"} <= set(names)
        assert read_manifest(archive).alembic_revision == manifest.alembic_revision

        # Reset: the database and the media directory are gone.
        asyncio.run(bootstrap.drop_database(urls.admin, current))
        (storage.local_root(current.home) / key).unlink()

        # An empty target (fresh database) takes the restore without --force.
        result = restore_backup(current, archive, storage=storage)
        assert result.count_mismatches == {}
        assert result.objects_written == 1
        assert (storage.local_root(current.home) / key).read_bytes() == b"\xff\xd8 jpeg"
        assert asyncio.run(table_counts(urls.owner)) == before
        assert asyncio.run(_read_back(current, tenant)) == ("Backed Up", 3)

        # A database that is not empty is replaced only with force.
        with pytest.raises(BackupError, match="not empty"):
            restore_backup(current, archive, storage=storage)
        forced = restore_backup(current, archive, storage=storage, force=True)
        assert forced.count_mismatches == {}
        assert asyncio.run(_read_back(current, tenant)) == ("Backed Up", 3)
    finally:
        asyncio.run(bootstrap.drop_database(urls.admin, current))


def test_keys_can_be_left_out(backup_settings: Settings, tmp_path: Path) -> None:
    current = backup_settings
    urls = prepare_database(current).urls
    assert urls.admin is not None
    try:
        storage = StorageSettings(storage_dir=tmp_path / "media")
        with_keys = create_backup(current, tmp_path / "a.tar.gz", storage=storage)
        without = create_backup(current, tmp_path / "b.tar.gz", storage=storage, include_keys=False)
        assert without.secrets == []
        with tarfile.open(tmp_path / "b.tar.gz") as tar:
            assert not [n for n in tar.getnames() if n.startswith("secrets/")]
        if with_keys.secrets:
            with tarfile.open(tmp_path / "a.tar.gz") as tar:
                assert f"secrets/{with_keys.secrets[0]}" in tar.getnames()
    finally:
        asyncio.run(bootstrap.drop_database(urls.admin, current))


def test_a_newer_schema_revision_is_refused(backup_settings: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "future.tar.gz"
    manifest = {
        "format": 1,
        "icop_version": "9.9.9",
        "alembic_revision": "9999_from_the_future",
        "created_at": "2030-01-01T00:00:00+00:00",
        "database": "icop",
        "tables": {},
        "storage_backend": "local",
    }
    data = json.dumps(manifest).encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="does not know"):
        restore_backup(backup_settings, archive)


def test_a_foreign_file_is_not_a_backup(backup_settings: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "junk.tar.gz"
    archive.write_bytes(b"not a tar file")
    with pytest.raises(BackupError, match="not an ICOP backup"):
        restore_backup(backup_settings, archive)
