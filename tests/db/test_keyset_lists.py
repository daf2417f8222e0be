"""Keyset pagination of the dashboard's lists (articles, posts calendar): the cursor
round-trips, filters + cursor return each row exactly once, and each query's plan is an index
scan on an index leading with ``tenant_id`` (migration 0026)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from icop.articles.repository import ArticleRepository
from icop.db.keyset import Cursor
from icop.db.session import unit_of_work
from icop.errors import BadRequest
from icop.models import ArticleStatus, PostStatus
from icop.syndication.repository import PostRepository
from icop.tenants.repository import TenantRepository

SessionMaker = async_sessionmaker[AsyncSession]
ROWS = 300
# Ten rows share each timestamp, so the id must break ties for no row to repeat or vanish.
TIES = 10
ARTICLE_STATUSES = [ArticleStatus.READY, ArticleStatus.FAILED, ArticleStatus.QUEUED]
POST_STATUSES = [PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.CANCELLED]


async def _seed(sessionmaker: SessionMaker) -> tuple[uuid.UUID, uuid.UUID]:
    """A tenant with ROWS articles and ROWS posts over two accounts; returns (tenant, account)."""
    tenant = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(tenant_id=tenant, company_name="Keys", plan="free")
    async with unit_of_work(sessionmaker, tenant) as session:
        params = {"t": tenant, "n": ROWS, "ties": TIES}
        await session.execute(
            text(
                "INSERT INTO social_accounts (tenant_id, platform, platform_account_id, name,"
                " provider) SELECT :t, 'x', 'a' || k, 'A' || k, 'x' FROM generate_series(1, 2) k"
            ),
            params,
        )
        await session.execute(
            text(
                "INSERT INTO generated_articles (tenant_id, topic, status, created_at)"
                " SELECT :t, 'topic ' || n, (ARRAY['ready','failed','queued'])[1 + n % 3],"
                " timestamptz '2026-01-01Z' + make_interval(hours => n / :ties)"
                " FROM generate_series(1, :n) n"
            ),
            params,
        )
        await session.execute(
            text(
                "INSERT INTO posts (tenant_id, social_account_id, platform, parts, scheduled_at,"
                " status) SELECT :t, a.id, 'x', '[]'::jsonb,"
                " timestamptz '2026-01-01Z' + make_interval(hours => n / :ties),"
                " (ARRAY['scheduled','published','cancelled'])[1 + n % 3]"
                " FROM generate_series(1, :n) n"
                " JOIN (SELECT id, row_number() OVER (ORDER BY id) % 2 AS slot"
                "       FROM social_accounts) a ON a.slot = n % 2"
            ),
            params,
        )
        account = await session.scalar(text("SELECT id FROM social_accounts ORDER BY id LIMIT 1"))
    assert isinstance(account, uuid.UUID)
    return tenant, account


def test_the_cursor_round_trips_and_refuses_what_it_did_not_make() -> None:
    cursor = Cursor(datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC), uuid.uuid4())
    assert Cursor.decode(cursor.encode()) == cursor
    assert "=" not in cursor.encode()  # safe in a query string as is
    for bad in (
        "",
        "not base64 !",
        "bm9waXBl",
        Cursor(datetime(2026, 1, 1), uuid.uuid4()).encode(),
    ):
        with pytest.raises(BadRequest):
            Cursor.decode(bad)


async def _all_pages(
    fetch: Callable[[Cursor | None], Awaitable[Sequence[Any]]],
    key: Callable[[Any], datetime],
    page: int,
) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    after: Cursor | None = None
    while True:
        rows = await fetch(after)
        seen.extend(row.id for row in rows)
        if len(rows) < page:
            return seen
        # What the router puts in X-Next-Cursor, through its text form.
        after = Cursor.decode(Cursor(key(rows[-1]), rows[-1].id).encode())


async def test_filters_and_cursor_return_each_row_exactly_once(sessionmaker: SessionMaker) -> None:
    tenant, account = await _seed(sessionmaker)
    page = 7  # not a divisor of the tie groups: pages end inside a group of equal timestamps
    # The rows span 30 hours from 2026-01-01; the range cuts both ends.
    start = datetime(2026, 1, 1, 5, tzinfo=UTC)
    end = start + timedelta(hours=15)
    async with unit_of_work(sessionmaker, tenant) as session:
        articles = ArticleRepository(session)
        posts = PostRepository(session)
        for status in [None, *ARTICLE_STATUSES]:

            async def article_page(
                after: Cursor | None, s: ArticleStatus | None = status
            ) -> Sequence[Any]:
                return await articles.list_recent(limit=page, offset=0, status=s, after=after)

            paged = await _all_pages(article_page, lambda a: a.created_at, page)
            everything = await articles.list_recent(limit=ROWS, offset=0, status=status)
            assert paged == [a.id for a in everything]
            assert len(set(paged)) == len(paged) == (ROWS if status is None else ROWS // 3)
        cases: list[dict[str, Any]] = [
            {"start": None, "end": None, "status": None, "account_id": None},
            {"start": start, "end": end, "status": None, "account_id": None},
            {"start": start, "end": end, "status": PostStatus.SCHEDULED, "account_id": account},
            {"start": None, "end": None, "status": None, "account_id": account},
        ]
        for filters in cases:

            async def post_page(after: Cursor | None, f: dict[str, Any] = filters) -> Sequence[Any]:
                return await posts.calendar(**f, limit=page, offset=0, after=after)

            paged = await _all_pages(post_page, lambda p: p.scheduled_at, page)
            every_post = await posts.calendar(**filters, limit=ROWS, offset=0)
            assert paged == [p.id for p in every_post]
            assert len(set(paged)) == len(paged) > 0
            expected = await session.scalar(
                text(
                    "SELECT count(*) FROM posts WHERE (CAST(:s AS timestamptz) IS NULL"
                    " OR scheduled_at >= :s) AND (CAST(:e AS timestamptz) IS NULL"
                    " OR scheduled_at < :e) AND (CAST(:st AS text) IS NULL OR status = :st)"
                    " AND (CAST(:a AS uuid) IS NULL OR social_account_id = :a)"
                ),
                {
                    "s": filters["start"],
                    "e": filters["end"],
                    "st": filters["status"].value if filters["status"] else None,
                    "a": filters["account_id"],
                },
            )
            assert len(paged) == expected


def _scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if "Scan" in plan["Node Type"] else []
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


async def test_each_list_query_is_an_index_scan_leading_with_tenant_id(
    sessionmaker: SessionMaker, connection: AsyncConnection
) -> None:
    """EXPLAIN of the statements the repositories really send, as the app role with the tenant
    bound. The table holds a few hundred rows, where a sequential scan is cheaper and the
    planner rightly picks one; ``enable_seqscan = off`` asks instead whether an index can serve
    the query's filter *and* order — the property that keeps a page's cost flat at a million
    rows (``benchmarks.api --scale`` checks the real plans at that size)."""
    tenant, account = await _seed(sessionmaker)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and (
            "FROM generated_articles" in statement or "FROM posts" in statement
        ):
            captured.append((statement, parameters))

    after = Cursor(datetime(2026, 1, 5, tzinfo=UTC), uuid.uuid4())
    window = datetime(2026, 1, 3, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC)
    async with unit_of_work(sessionmaker, tenant) as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        articles, posts = ArticleRepository(session), PostRepository(session)
        event.listen(connection.sync_connection, "before_cursor_execute", capture)
        try:
            await articles.list_recent(limit=50, offset=0, status=None)
            await articles.list_recent(limit=50, offset=0, status=ArticleStatus.READY, after=after)
            for status, account_id, after_ in [
                (None, None, None),
                (PostStatus.SCHEDULED, None, after),
                (None, account, after),
            ]:
                await posts.calendar(
                    start=window[0],
                    end=window[1],
                    status=status,
                    account_id=account_id,
                    limit=50,
                    offset=0,
                    after=after_,
                )
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", capture)
        assert len(captured) == 5
        raw = await session.connection()
        for statement, parameters in captured:
            result = await raw.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
            plan = result.scalar_one()
            scans = _scans((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
            assert scans, statement
            for scan in scans:
                assert scan["Node Type"] in {"Index Scan", "Index Only Scan"}, (statement, scan)
                leading = await session.scalar(
                    text(
                        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        " JOIN pg_attribute a ON a.attrelid = i.indrelid"
                        " AND a.attnum = i.indkey[0] WHERE c.relname = :name"
                    ),
                    {"name": scan["Index Name"]},
                )
                assert leading == "tenant_id", (statement, scan["Index Name"])
                # Ordered by the index: no sort of the tenant's rows above the scan.
            assert '"Sort"' not in json.dumps(plan), statement
