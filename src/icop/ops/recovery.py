"""After a restore: is everything back, and is the workflow engine told what it lost?

``take_inventory`` fingerprints what a user would miss — every article (its status and final
text), image (its row and its object's bytes), post (its status and the platform's ids),
credential (whether it still decrypts with the restored keys) and schedule (a pipeline's cron,
a post's time) — read as the owner role (every tenant's rows). Taken before the backup and
after the restore, ``compare`` says what was lost or changed and which credentials no longer
decrypt: the disaster-recovery drill's checks (benchmarks/dr.py, docs/disaster-recovery.md).

``resume_after_engine_loss`` is the restore order's last step when Temporal's history is gone
with the home (the embedded dev server keeps it there): the pipelines' cron schedules are
derived state and are synced again, and every post still waiting to be sent gets its publish
workflow back through the start outbox (``workflow_starts``). A post already sent is final and
is left alone; a post sent but not yet recorded is found again by the publisher's
reconciliation against the platform before anything is sent twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles import service as articles
from icop.articles.workflows import ArticleWorkflow
from icop.config import Settings
from icop.credentials.service import decrypt
from icop.credentials.vault import Keyring
from icop.db.engine import create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.errors import ICOPError
from icop.models import Post, PublishAttempt
from icop.ops.recovery_repository import RecoveryRepository
from icop.orchestrator.connection import LazyClient, require
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.planning import schedules
from icop.planning.repository import PipelineRepository
from icop.storage.base import ObjectStore
from icop.syndication.publisher import OPEN_OUTCOMES, RESTORED_CHECK
from icop.syndication.repository import PostRepository
from icop.syndication.scheduler import TemporalPostScheduler

CATEGORIES = ("articles", "images", "posts", "credentials", "schedules", "plans")


@dataclass
class Inventory:
    """Per category, each item's id and a fingerprint of what must come back unchanged."""

    items: dict[str, dict[str, str]] = field(
        default_factory=lambda: {name: {} for name in CATEGORIES}
    )
    undecryptable: list[str] = field(default_factory=list)

    def total(self) -> int:
        return sum(len(found) for found in self.items.values())


@dataclass(frozen=True)
class RecoveryCheck:
    lost: dict[str, list[str]]  # category -> ids missing or changed after the restore
    undecryptable: list[str]  # credential ids the restored keys cannot open

    @property
    def lost_rows(self) -> int:
        return sum(len(ids) for ids in self.lost.values())

    @property
    def complete(self) -> bool:
        return self.lost_rows == 0 and not self.undecryptable


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:16]


async def take_inventory(
    owner_url: str, settings: Settings, keyring: Keyring, store: ObjectStore
) -> Inventory:
    engine = create_engine(owner_url, settings, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(engine) as session:
            return await _inventory(session, keyring, store)
    finally:
        await engine.dispose()


async def _inventory(session: AsyncSession, keyring: Keyring, store: ObjectStore) -> Inventory:
    found = Inventory()
    rows = RecoveryRepository(session)
    for article in await rows.articles():
        found.items["articles"][str(article.id)] = _digest(
            article.status.value, article.title, article.final_markdown
        )
    for image in await rows.images():
        found.items["images"][str(image.id)] = _digest(
            image.status.value, image.sha256, await _object_digest(store, image.storage_key)
        )
    for post in await rows.posts():
        found.items["posts"][str(post.id)] = _digest(post.status.value, post.platform_post_ids)
        found.items["schedules"][f"post:{post.id}"] = _digest(post.scheduled_at.isoformat())
    for pipeline in await rows.scheduled_pipelines():
        found.items["schedules"][f"pipeline:{pipeline.id}"] = _digest(
            pipeline.schedule_cron, pipeline.schedule_paused
        )
    for pipeline in await rows.file_pipelines():
        # A plan file holds each row's status: lost, the next run redoes every row.
        assert pipeline.file_path is not None
        found.items["plans"][str(pipeline.id)] = _file_digest(Path(pipeline.file_path))
    for credential in await rows.credentials():
        found.items["credentials"][str(credential.id)] = _digest(
            credential.platform, credential.key_id, credential.encrypted_access_token.hex()
        )
        try:
            decrypt(keyring, credential)
        except ICOPError:
            found.undecryptable.append(str(credential.id))
    return found


async def _object_digest(store: ObjectStore, key: str | None) -> str:
    """The stored bytes' hash: an image whose row came back without its file is lost."""
    if key is None:
        return "-"
    try:
        return hashlib.sha256(await store.get(key)).hexdigest()
    except ICOPError:
        return "missing"


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def compare(before: Inventory, after: Inventory) -> RecoveryCheck:
    lost = {
        category: sorted(
            item
            for item, fingerprint in before.items[category].items()
            if after.items[category].get(item) != fingerprint
        )
        for category in CATEGORIES
    }
    return RecoveryCheck({k: v for k, v in lost.items() if v}, sorted(after.undecryptable))


@dataclass(frozen=True)
class Resumed:
    schedules: int
    posts: int
    articles: int
    checked: int = 0
    """Posts due before now, to be looked for on the platform before they are sent."""


async def resume_after_engine_loss(
    owner_url: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal: LazyClient,
) -> Resumed:
    """Give a fresh Temporal what the database says it should hold: every pipeline schedule,
    a publish workflow for every post not yet sent and an article workflow for every article
    still being written or awaiting approval (its graph resumes from the checkpoints kept in
    PostgreSQL). Safe to run again: a sync makes the schedule match the row, and workflow ids
    are fixed (a running one is not doubled; the start outbox retries until Temporal
    answers). Pipeline runs that were in flight are not restarted: start the pipeline again
    (rows already done are skipped)."""
    client = await require(temporal)()
    tenants = await _tenants(owner_url, settings)
    synced = started = restarted = checked = 0
    # Each start is written to the start outbox and sent after its commit (the sweeper
    # retries one Temporal refused).
    scheduler = TemporalPostScheduler(temporal)
    for tenant_id, time_zone in tenants:
        async with unit_of_work(sessionmaker, tenant_id) as session:
            for pipeline in await PipelineRepository(session).scheduled():
                await schedules.sync(client, temporal.settings, pipeline, time_zone)
                synced += 1
            pending = [p for p in await RecoveryRepository(session).posts() if not p.status.final]
            now = datetime.now(UTC)
            for post in pending:
                if post.scheduled_at <= now and await open_restore_check(session, post):
                    checked += 1
                await scheduler.start(session, tenant_id, post.id, post.scheduled_at)
            started += len(pending)
            for article in await RecoveryRepository(session).unfinished_articles():
                await start_after_commit(
                    session,
                    temporal,
                    tenant_id,
                    StartRequest(
                        ArticleWorkflow,
                        articles.workflow_id(article.id),
                        TaskQueue.AGENTS,
                        articles.workflow_input(settings, tenant_id, article.id),
                    ),
                )
                restarted += 1
    return Resumed(synced, started, restarted, checked)


async def open_restore_check(session: AsyncSession, post: Post) -> bool:
    """A post that was due before now may have been sent after the backup was taken, and the
    backup cannot know: open a check attempt on its first unsent part, so that the publisher
    reads the platform before it sends anything (found: recorded; absent: sent). A part that
    already has an open attempt is reconciled anyway. True: a check was opened."""
    ids = list(post.platform_post_ids) + [None] * (len(post.parts) - len(post.platform_post_ids))
    index = next((i for i, platform_id in enumerate(ids) if platform_id is None), None)
    if index is None:
        return False
    posts = PostRepository(session)
    attempts = await posts.attempts(post.id)
    if any(a.part_index == index and a.outcome in OPEN_OUTCOMES for a in attempts):
        return False
    part = post.parts[index]
    reply_to = ids[index - 1] if index > 0 and part.reply_to_previous else part.reply_to
    await posts.add_attempt(
        PublishAttempt(
            tenant_id=post.tenant_id,
            id=uuid4(),
            post_id=post.id,
            attempt_no=await posts.next_attempt_no(post.id),
            part_index=index,
            reply_to=reply_to or None,
            intent_at=post.scheduled_at,
            error_code=RESTORED_CHECK,
            error_message="restored from a backup: the platform is read before it is sent",
        )
    )
    return True


async def _tenants(owner_url: str, settings: Settings) -> list[tuple[UUID, str]]:
    engine = create_engine(owner_url, settings, pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session:
            return await RecoveryRepository(session).tenants()
    finally:
        await engine.dispose()
