"""LangGraph checkpoints in PostgreSQL (tables ``graph_checkpoints`` and
``graph_checkpoint_writes``, migration 0003), one tenant per saver.

Why our own saver rather than langgraph-checkpoint-postgres: the tables are tenant tables under
Row-Level Security, written by the app role in units of work that bind ``app.tenant_id``, like
every other table; that package brings its own schema, migrations and psycopg pool.

What makes a crash cheap: a checkpoint is written after every superstep and each finished
task's outputs as soon as it finishes (``aput_writes``), so a resumed run skips every node whose
outputs are stored and repeats at most the calls that were in flight.

A checkpoint is stored whole (channel values inline, serialised with LangGraph's
``JsonPlusSerializer``): an article's state is small, and one row per step keeps reads to one
query. Deserialisation is limited to an allowlist of our own schema types.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Sequence
from enum import Enum
from typing import Any, cast
from uuid import UUID

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel
from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.agents import schemas
from icop.db.session import unit_of_work
from icop.models.article import GraphCheckpoint, GraphCheckpointWrite
from icop.observability.tracing import stage_span
from icop.platforms import Platform

# Classes renamed since checkpoints were first stored, under the name old rows give them (the
# old name stays an alias in its module, so a resumed article revives them).
RENAMED_STATE_TYPES: tuple[tuple[str, str], ...] = (
    ("icop.agents.schemas.writing", "ArticleBrief"),
)


def state_types() -> list[type]:
    """Every class an article's state may hold: the schema catalog's models and enums."""
    found: list[type] = [Platform]
    for _, value in inspect.getmembers(schemas, inspect.isclass):
        if issubclass(value, BaseModel | Enum):
            found.append(value)
    return found


def checkpoint_serializer() -> JsonPlusSerializer:
    # An explicit allowlist: a row that names any other class is not revived (LangGraph's
    # default is to import whatever a checkpoint names, with a warning).
    return JsonPlusSerializer(allowed_msgpack_modules=[*state_types(), *RENAMED_STATE_TYPES])


def _upsert_checkpoint() -> Insert:
    statement = insert(cast(Table, GraphCheckpoint.__table__))
    return statement.on_conflict_do_update(
        index_elements=["tenant_id", "thread_id", "checkpoint_ns", "checkpoint_id"],
        set_={
            key: statement.excluded[key]
            for key in ("checkpoint_type", "checkpoint", "metadata_type", "checkpoint_metadata")
        },
    )


def _insert_writes(*, replace: bool) -> Insert:
    statement = insert(cast(Table, GraphCheckpointWrite.__table__))
    keys = ["tenant_id", "thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"]
    if not replace:
        return statement.on_conflict_do_nothing(index_elements=keys)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={
            key: statement.excluded[key] for key in ("channel", "value_type", "value", "task_path")
        },
    )


# Built once, on the Core tables: a checkpoint is written after every step of every article,
# and building an ORM upsert per call cost more than the round trip it makes.
UPSERT_CHECKPOINT = _upsert_checkpoint()
INSERT_WRITES = _insert_writes(replace=False)
REPLACE_WRITES = _insert_writes(replace=True)


def _ids(config: RunnableConfig) -> tuple[str, str]:
    configurable = config.get("configurable", {})
    return str(configurable["thread_id"]), str(configurable.get("checkpoint_ns", ""))


def _config(thread_id: str, namespace: str, checkpoint_id: str) -> RunnableConfig:
    return {
        "configurable": {
            "thread_id": thread_id,
            "checkpoint_ns": namespace,
            "checkpoint_id": checkpoint_id,
        }
    }


class PostgresCheckpointSaver(BaseCheckpointSaver[int]):
    """An async checkpointer bound to one tenant (build one per article run)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tenant_id: UUID,
        *,
        serde: JsonPlusSerializer | None = None,
    ) -> None:
        super().__init__(serde=serde or checkpoint_serializer())
        self.sessionmaker = sessionmaker
        self.tenant_id = tenant_id
        # LangGraph writes checkpoints from background tasks; one at a time keeps a saver
        # on one connection correct and the writes in the order they were made.
        self._lock = asyncio.Lock()

    # --- reads --------------------------------------------------------------------------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        thread_id, namespace = _ids(config)
        query = select(GraphCheckpoint).where(
            GraphCheckpoint.tenant_id == self.tenant_id,
            GraphCheckpoint.thread_id == thread_id,
            GraphCheckpoint.checkpoint_ns == namespace,
        )
        if checkpoint_id := get_checkpoint_id(config):
            query = query.where(GraphCheckpoint.checkpoint_id == checkpoint_id)
        else:
            # Checkpoint ids are time-ordered (uuid6), so the greatest is the latest.
            query = query.order_by(GraphCheckpoint.checkpoint_id.desc()).limit(1)
        async with self._lock, unit_of_work(self.sessionmaker, self.tenant_id) as session:
            row = (await session.execute(query)).scalars().first()
            if row is None:
                return None
            writes = await self._writes(session, thread_id, namespace, [row.checkpoint_id])
        return self._tuple(row, writes.get(row.checkpoint_id, []))

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        query = select(GraphCheckpoint).where(GraphCheckpoint.tenant_id == self.tenant_id)
        if config is not None:
            configurable = config.get("configurable", {})
            query = query.where(GraphCheckpoint.thread_id == str(configurable["thread_id"]))
            if "checkpoint_ns" in configurable:
                query = query.where(
                    GraphCheckpoint.checkpoint_ns == str(configurable["checkpoint_ns"])
                )
            if checkpoint_id := get_checkpoint_id(config):
                query = query.where(GraphCheckpoint.checkpoint_id == checkpoint_id)
        if before is not None and (before_id := get_checkpoint_id(before)):
            query = query.where(GraphCheckpoint.checkpoint_id < before_id)
        query = query.order_by(GraphCheckpoint.checkpoint_id.desc())
        if limit is not None and not filter:
            query = query.limit(limit)
        async with self._lock, unit_of_work(self.sessionmaker, self.tenant_id) as session:
            rows = list((await session.execute(query)).scalars())
            found: list[CheckpointTuple] = []
            for row in rows:
                if limit is not None and len(found) >= limit:
                    break
                metadata = self.serde.loads_typed((row.metadata_type, row.checkpoint_metadata))
                # Metadata is stored serialised, so a filter is applied after loading it.
                if filter and any(metadata.get(k) != v for k, v in filter.items()):
                    continue
                writes = await self._writes(
                    session, row.thread_id, row.checkpoint_ns, [row.checkpoint_id]
                )
                found.append(self._tuple(row, writes.get(row.checkpoint_id, []), metadata))
        for item in found:
            yield item

    async def _writes(
        self, session: AsyncSession, thread_id: str, namespace: str, checkpoint_ids: list[str]
    ) -> dict[str, list[tuple[str, str, Any]]]:
        table = GraphCheckpointWrite
        rows = await session.execute(
            select(table)
            .where(
                table.tenant_id == self.tenant_id,
                table.thread_id == thread_id,
                table.checkpoint_ns == namespace,
                table.checkpoint_id.in_(checkpoint_ids),
            )
            # LangGraph's writes_sort_key: the order live execution applied them in.
            .order_by(table.task_path, table.task_id, table.idx)
        )
        writes: dict[str, list[tuple[str, str, Any]]] = {}
        for write in rows.scalars():
            value = self.serde.loads_typed((write.value_type, write.value))
            writes.setdefault(write.checkpoint_id, []).append((write.task_id, write.channel, value))
        return writes

    def _tuple(
        self,
        row: GraphCheckpoint,
        writes: list[tuple[str, str, Any]],
        metadata: Any = None,
    ) -> CheckpointTuple:
        checkpoint: Checkpoint = self.serde.loads_typed((row.checkpoint_type, row.checkpoint))
        if metadata is None:
            metadata = self.serde.loads_typed((row.metadata_type, row.checkpoint_metadata))
        return CheckpointTuple(
            config=_config(row.thread_id, row.checkpoint_ns, row.checkpoint_id),
            checkpoint=checkpoint,
            metadata=metadata,
            parent_config=(
                _config(row.thread_id, row.checkpoint_ns, row.parent_checkpoint_id)
                if row.parent_checkpoint_id
                else None
            ),
            pending_writes=writes,
        )

    # --- writes -------------------------------------------------------------------------------

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        with stage_span("checkpoint write"):
            return await self._put(config, checkpoint, metadata)

    async def _put(
        self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata
    ) -> RunnableConfig:
        thread_id, namespace = _ids(config)
        checkpoint_type, checkpoint_blob = self.serde.dumps_typed(checkpoint)
        metadata_type, metadata_blob = self.serde.dumps_typed(
            get_checkpoint_metadata(config, metadata)
        )
        values = {
            "tenant_id": self.tenant_id,
            "thread_id": thread_id,
            "checkpoint_ns": namespace,
            "checkpoint_id": checkpoint["id"],
            "parent_checkpoint_id": config.get("configurable", {}).get("checkpoint_id"),
            "checkpoint_type": checkpoint_type,
            "checkpoint": checkpoint_blob,
            "metadata_type": metadata_type,
            "checkpoint_metadata": metadata_blob,
        }
        async with self._lock, unit_of_work(self.sessionmaker, self.tenant_id) as session:
            await session.execute(UPSERT_CHECKPOINT, values)
        return _config(thread_id, namespace, checkpoint["id"])

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        if not writes:
            return
        thread_id, namespace = _ids(config)
        checkpoint_id = str(config["configurable"]["checkpoint_id"])
        rows = []
        for idx, (channel, value) in enumerate(writes):
            value_type, blob = self.serde.dumps_typed(value)
            rows.append(
                {
                    "tenant_id": self.tenant_id,
                    "thread_id": thread_id,
                    "checkpoint_ns": namespace,
                    "checkpoint_id": checkpoint_id,
                    "task_id": task_id,
                    "idx": WRITES_IDX_MAP.get(channel, idx),
                    "channel": channel,
                    "value_type": value_type,
                    "value": blob,
                    "task_path": task_path,
                }
            )
        # Special channels (errors, interrupts) are replaced by a later write of the same kind;
        # a task's regular writes are written once (a replayed task must not change them).
        special = all(channel in WRITES_IDX_MAP for channel, _ in writes)
        with stage_span("checkpoint write"):
            async with self._lock, unit_of_work(self.sessionmaker, self.tenant_id) as session:
                await session.execute(REPLACE_WRITES if special else INSERT_WRITES, rows)

    async def adelete_thread(self, thread_id: str) -> None:
        async with self._lock, unit_of_work(self.sessionmaker, self.tenant_id) as session:
            for table in (GraphCheckpointWrite, GraphCheckpoint):
                await session.execute(
                    delete(table).where(
                        table.tenant_id == self.tenant_id, table.thread_id == thread_id
                    )
                )
