"""The disaster-recovery drill's checks (icop.ops.recovery) on a small seeded database: after a
real backup and restore nothing is reported lost, and each kind of loss the drill exists to
catch — a row gone, an image's file gone, a plan file gone, a schedule changed, the vault keys
lost — is reported.
The whole drill (the demo, the home destroyed, Temporal's history with it) is benchmarks/dr.py.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from icop.config import Settings
from icop.credentials.vault import Keyring, KeySource, build_keyring, generate_env_key
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.db.session import unit_of_work
from icop.models import ContentPipeline, GeneratedArticle, Image
from icop.ops.backup import create_backup, restore_backup
from icop.ops.recovery import Inventory, compare, take_inventory
from icop.runtime.database import prepare_database
from icop.storage.factory import build_object_store
from icop.storage.settings import StorageSettings
from icop.tenants.repository import TenantRepository
from tests.syndication.support import make_account, make_post


@pytest.fixture
def drill_settings(settings: Settings, database_urls: object) -> Settings:
    """A database of its own on the test server (the restore replaces it)."""
    return settings.model_copy(update={"db_name": f"icop_dr_{uuid.uuid4().hex[:8]}"})


async def _seed(
    current: Settings, storage: StorageSettings, keyring: Keyring, plan: Path
) -> uuid.UUID:
    engine = create_engine(resolve_urls(current).app, current, pool_size=1, max_overflow=0)
    sessionmaker = create_sessionmaker(engine)
    try:
        tenant = uuid.uuid4()
        async with unit_of_work(sessionmaker, tenant) as session:
            await TenantRepository(session).create(
                tenant_id=tenant, company_name="Drilled", plan="pro"
            )
        account = await make_account(sessionmaker, keyring, tenant)  # a credential in the vault
        await make_post(
            sessionmaker, tenant, account, ["later"], scheduled_at=datetime.now(UTC) + timedelta(1)
        )
        store = build_object_store(current, storage)
        stored = await store.put(tenant, b"\x89PNG drill", "image/png")
        async with unit_of_work(sessionmaker, tenant) as session:
            session.add_all(
                [
                    GeneratedArticle(
                        tenant_id=tenant,
                        topic="composting",
                        status="ready",
                        title="Composting",
                        final_markdown="# Composting\n\nText [1].",
                    ),
                    Image(
                        tenant_id=tenant,
                        prompt="a compost heap",
                        preset="square",
                        seed=7,
                        status="ready",
                        storage_key=stored.key,
                        sha256=stored.sha256,
                    ),
                    ContentPipeline(
                        tenant_id=tenant,
                        name="weekly",
                        source_type="file",
                        file_path=str(plan),
                        schedule_cron="0 9 * * 1",
                    ),
                ]
            )
        return tenant
    finally:
        await engine.dispose()


def _inventory(current: Settings, storage: StorageSettings, keyring: Keyring) -> Inventory:
    owner = resolve_urls(current).owner
    store = build_object_store(current, storage)
    return asyncio.run(take_inventory(owner, current, keyring, store))


async def _owner_sql(current: Settings, *statements: str) -> None:
    conn = await asyncpg.connect(resolve_urls(current).owner)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def test_the_drill_checks_find_nothing_lost_after_a_restore_and_every_kind_of_loss_otherwise(
    drill_settings: Settings, tmp_path: Path
) -> None:
    current = drill_settings
    storage = StorageSettings(storage_dir=tmp_path / "media")
    prepare_database(current)
    keyring = build_keyring(current)
    # A file-sourced plan under the home: its rows' statuses are written back into it.
    plan = current.home / "plans" / f"{current.db_name}.csv"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text("Topic,Status\ncomposting,done\n", encoding="utf-8")
    asyncio.run(_seed(current, storage, keyring, plan))
    before = _inventory(current, storage, keyring)
    assert {name: len(items) for name, items in before.items.items()} == {
        "articles": 1,
        "images": 1,
        "posts": 1,
        "credentials": 1,
        "schedules": 2,  # the post's time and the pipeline's cron
        "plans": 1,
    }
    assert before.undecryptable == []

    archive = tmp_path / "backup.tar.gz"
    create_backup(current, archive, storage=storage)
    # The disaster: the database replaced by the backup's, the media and the plan file gone.
    plan.unlink()
    for path in sorted((tmp_path / "media").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    restore_backup(current, archive, force=True, storage=storage)
    restored = compare(before, _inventory(current, storage, keyring))
    assert restored.complete and restored.lost_rows == 0, restored
    assert plan.read_text(encoding="utf-8") == "Topic,Status\ncomposting,done\n"

    # Each loss is reported where it happened.
    (image_file,) = [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
    image_file.unlink()
    plan.unlink()
    asyncio.run(
        _owner_sql(
            current,
            "DELETE FROM generated_articles",
            "UPDATE content_pipelines SET schedule_cron = '0 10 * * 1'",
            "UPDATE posts SET status = 'published'",
        )
    )
    other_keys = Keyring(KeySource(generate_env_key(), tmp_path / "unused-vault-keys"))
    damaged = compare(before, _inventory(current, storage, other_keys))
    assert set(damaged.lost) == {"articles", "images", "posts", "schedules", "plans"}
    assert damaged.lost_rows == 5
    assert damaged.undecryptable == list(before.items["credentials"])
    assert not damaged.complete
