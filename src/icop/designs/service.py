"""Designs as stored: read a design's history from its rows, change it by the history's rules
(``icop.designs.history``), and write the result back in the caller's unit of work.

Every change goes through ``_save``: it moves the head by compare-and-set in the database
(``DesignRepository.advance``) before adding the new version, so two edits made against the
same version cannot both land even from two processes; the loser gets the history's own
``StaleVersion`` (409 ``design_version_conflict``) with the head to reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.designs.actions import Action
from icop.designs.document import Design
from icop.designs.history import History, StaleVersion, Version
from icop.designs.repository import DesignRepository
from icop.designs.schemas import DesignOut, VersionOut
from icop.designs.sources import for_browser, stored_sources
from icop.errors import NotFound
from icop.images.presets import Preset
from icop.models.design import DesignRecord, DesignVersionRecord
from icop.storage.base import ObjectStore

ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])
NOTE_CHARS = 300


@dataclass(frozen=True)
class StoredDesign:
    """A design row with its history as the history module keeps it."""

    record: DesignRecord
    history: History


def history_of(record: DesignRecord, rows: Sequence[DesignVersionRecord]) -> History:
    versions = tuple(
        Version(
            number=row.number,
            parent=row.parent,
            design=Design.model_validate(row.document),
            actions=tuple(ACTIONS.validate_python(row.actions)),
            note=row.note,
        )
        for row in rows
    )
    return History(versions, head=record.head, undone=tuple(record.undone))


async def load(session: AsyncSession, design_id: UUID) -> StoredDesign:
    repository = DesignRepository(session)
    record = await repository.must_get(design_id)
    return StoredDesign(record, history_of(record, await repository.versions(design_id)))


async def list_designs(
    session: AsyncSession,
    *,
    article_id: UUID | None,
    image_id: UUID | None,
    limit: int,
    offset: int,
) -> list[StoredDesign]:
    repository = DesignRepository(session)
    records = await repository.list(
        article_id=article_id, image_id=image_id, limit=limit, offset=offset
    )
    return [
        StoredDesign(record, history_of(record, await repository.versions(record.id)))
        for record in records
    ]


async def start(
    session: AsyncSession,
    record: DesignRecord,
    design: Design,
    *,
    actor: Principal | None,
    note: str = "created",
) -> StoredDesign:
    """Version 1 of a design row just added (``record.head`` is 1)."""
    history = History.start(design, note)
    await DesignRepository(session).add_version(_row(record, history.current, actor))
    await audit.record(
        session,
        tenant_id=record.tenant_id,
        actor=actor,
        action="design.created",
        target_type="design",
        target_id=record.id,
        details={"image_id": str(record.image_id)} if record.image_id else {},
    )
    return StoredDesign(record, history)


async def create_blank(session: AsyncSession, principal: Principal, preset: Preset) -> StoredDesign:
    width, height = preset.size
    record = await DesignRepository(session).add(
        DesignRecord(
            tenant_id=principal.tenant_id,
            preset=preset.value,
            width=width,
            height=height,
            head=1,
            undone=[],
            created_by=principal.user_id,
        )
    )
    return await start(session, record, Design(width=width, height=height), actor=principal)


def parse_actions(raw: Sequence[Action], tenant_id: UUID) -> list[Action]:
    """Actions from outside with every picture's address turned into the tenant's object key
    (``InvalidAction`` for an address that is not ours)."""
    dumped = [action.model_dump(mode="json", by_alias=True) for action in raw]
    return ACTIONS.validate_python(stored_sources(dumped, tenant_id))


async def change(
    session: AsyncSession,
    principal: Principal,
    stored: StoredDesign,
    actions: Sequence[Action],
    expected_head: int,
    *,
    note: str,
) -> StoredDesign:
    """``actions`` (already validated against the tenant's context) as one new version of
    ``stored`` (as read in this unit of work)."""
    after = stored.history.change(expected_head, actions, note[:NOTE_CHARS])
    return await _save(session, principal, stored, after, "design.changed", {"note": note})


async def undo(
    session: AsyncSession, principal: Principal, design_id: UUID, expected_head: int
) -> StoredDesign:
    stored = await load(session, design_id)
    expect_head(stored.history, expected_head)
    return await _save(session, principal, stored, stored.history.undo(), "design.undone", {})


async def redo(
    session: AsyncSession, principal: Principal, design_id: UUID, expected_head: int
) -> StoredDesign:
    stored = await load(session, design_id)
    expect_head(stored.history, expected_head)
    return await _save(session, principal, stored, stored.history.redo(), "design.redone", {})


async def restore(
    session: AsyncSession,
    principal: Principal,
    design_id: UUID,
    number: int,
    expected_head: int,
) -> StoredDesign:
    stored = await load(session, design_id)
    after = stored.history.restore(number, expected_head)
    return await _save(session, principal, stored, after, "design.restored", {"number": number})


def version_of(stored: StoredDesign, number: int | None) -> Version:
    """Version ``number`` (None: the head)."""
    history = stored.history
    if number is None:
        return history.current
    if not 1 <= number <= len(history.versions):
        raise NotFound(f"the design has no version {number}")
    return history.versions[number - 1]


def expect_head(history: History, expected_head: int) -> None:
    # Undo and redo act on the head the caller saw, as a change does (History.change).
    if expected_head != history.head:
        raise _stale(history.head, expected_head)


def _stale(head: int, expected_head: int) -> StaleVersion:
    return StaleVersion(
        f"the design is at version {head}, not {expected_head}: reload and retry", head=head
    )


async def _save(
    session: AsyncSession,
    principal: Principal,
    stored: StoredDesign,
    after: History,
    action: str,
    details: dict[str, Any],
) -> StoredDesign:
    repository = DesignRepository(session)
    before = stored.history
    moved = await repository.advance(
        stored.record.id, expected_head=before.head, head=after.head, undone=after.undone
    )
    if not moved:  # another edit landed since this one read the design
        current = await repository.head_of(stored.record.id)
        raise _stale(current if current is not None else before.head, before.head)
    for version in after.versions[len(before.versions) :]:
        await repository.add_version(_row(stored.record, version, principal))
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action=action,
        target_type="design",
        target_id=stored.record.id,
        details={**details, "head": after.head},
    )
    record = await repository.must_get(stored.record.id)
    await session.refresh(record)
    return StoredDesign(record, after)


def _row(record: DesignRecord, version: Version, actor: Principal | None) -> DesignVersionRecord:
    return DesignVersionRecord(
        tenant_id=record.tenant_id,
        design_id=record.id,
        number=version.number,
        parent=version.parent,
        document=version.design.fabric_json(),
        actions=[action.model_dump(mode="json", by_alias=True) for action in version.actions],
        note=version.note[:NOTE_CHARS],
        created_by=actor.user_id if actor else None,
    )


# -- views ----------------------------------------------------------------------------------------
def preview_url(design_id: UUID, number: int) -> str:
    return f"/api/v1/designs/{design_id}/render.png?v={number}"


def to_out(stored: StoredDesign, store: ObjectStore) -> DesignOut:
    record, history = stored.record, stored.history
    return DesignOut(
        id=record.id,
        article_id=record.article_id,
        image_id=record.image_id,
        preset=Preset(record.preset),
        width=record.width,
        height=record.height,
        head=history.head,
        versions=len(history.versions),
        can_undo=history.current.parent is not None,
        can_redo=bool(history.undone),
        document=for_browser(history.current.design, store),
        preview_url=preview_url(record.id, history.head),
        published_version=record.published_version,
        # Signed per read: a stored link may have expired, the key never does.
        published_url=store.url(record.published_key) if record.published_key else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


async def versions_out(session: AsyncSession, design_id: UUID) -> list[VersionOut]:
    repository = DesignRepository(session)
    record = await repository.must_get(design_id)
    return [
        VersionOut(
            number=row.number,
            parent=row.parent,
            note=row.note,
            actions_count=len(row.actions),
            created_at=row.created_at,
            preview_url=preview_url(design_id, row.number),
            is_head=row.number == record.head,
        )
        for row in await repository.versions(design_id)
    ]
