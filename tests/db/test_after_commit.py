"""Work registered with ``after_commit`` runs once its unit of work committed, with the
sessionmaker to open units of work of its own, and never after a rollback."""

from __future__ import annotations

from typing import ClassVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import after_commit, unit_of_work
from icop.errors import ICOPError


class RecordedAndRaised(ICOPError):
    """An error whose unit of work keeps what it recorded (e.g. a counted failed login)."""

    status = 409
    commit_before_raise: ClassVar[bool] = True


async def test_after_commit_work_runs_after_the_commit_with_a_sessionmaker(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    seen: list[object] = []

    async def work(maker: async_sessionmaker[AsyncSession]) -> None:
        async with unit_of_work(maker, None) as session:
            seen.append(await session.scalar(text("SELECT 1")))

    async with unit_of_work(sessionmaker, None) as session:
        after_commit(session, work)
        assert seen == []  # not while the transaction is open
    assert seen == [1]


async def test_a_rollback_drops_the_work(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    seen: list[str] = []

    async def work(maker: async_sessionmaker[AsyncSession]) -> None:
        seen.append("ran")

    async def failing_request() -> None:
        async with unit_of_work(sessionmaker, None) as session:
            after_commit(session, work)
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await failing_request()
    assert seen == []
    async with unit_of_work(sessionmaker, None):
        pass  # a later unit of work does not inherit it
    assert seen == []


async def test_an_error_that_commits_still_runs_the_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    seen: list[str] = []

    async def work(maker: async_sessionmaker[AsyncSession]) -> None:
        seen.append("ran")

    async def refused_request() -> None:
        async with unit_of_work(sessionmaker, None) as session:
            after_commit(session, work)
            raise RecordedAndRaised("kept, then refused")

    with pytest.raises(RecordedAndRaised):
        await refused_request()
    assert seen == ["ran"]


async def test_failing_work_is_logged_and_the_commit_stands(
    sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    async def broken(maker: async_sessionmaker[AsyncSession]) -> None:
        raise RuntimeError("after-commit bug")

    async def work(maker: async_sessionmaker[AsyncSession]) -> None:
        seen.append("ran")

    async with unit_of_work(sessionmaker, None) as session:
        after_commit(session, broken)
        after_commit(session, work)
    assert seen == ["ran"]
    assert any("after-commit work failed" in r.getMessage() for r in caplog.records)
