"""The tenants' contest records on the real embedded PostgreSQL, as the application role:
written whole per article, aggregated per model, and invisible to every other tenant."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.llm.contests.bandit import Standing
from icop.llm.contests.record import Contest, JudgedDraft, record
from icop.llm.contests.repository import ContestRepository
from icop.llm.contests.sinks import DatabaseStandings
from icop.llm.tasks import TaskKind
from icop.tenants.repository import TenantRepository

SessionMaker = async_sessionmaker[AsyncSession]


def _scores(base: int) -> dict[str, int]:
    return {"structure": base, "faithfulness": base + 1, "brand_voice": base, "readability": 7}


def contest(winner: str, *models: str, judge: str = "local:default") -> Contest:
    """One draft per ``provider:model`` (writer_a, writer_b …); ``winner``'s draft is chosen."""
    drafts = []
    for index, key in enumerate(models):
        provider, model = key.split(":", 1)
        drafts.append(
            JudgedDraft(
                slot=f"writer_{'abc'[index]}",
                provider=provider,
                model=model,
                won=key == winner and not any(d.won for d in drafts),
                scores=_scores(8 if key == winner else 5),
            )
        )
    judge_provider, judge_model = judge.split(":", 1)
    return Contest(TaskKind.WRITE_DRAFT, drafts, judge_provider, judge_model)


async def _tenant(sessionmaker: SessionMaker) -> uuid.UUID:
    tenant = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(tenant_id=tenant, company_name="Judged", plan="free")
    return tenant


async def _record(sessionmaker: SessionMaker, tenant: uuid.UUID, judged: Contest) -> uuid.UUID:
    article = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await record(session, tenant, article, judged)
    return article


async def test_contests_add_up_per_model(sessionmaker: SessionMaker) -> None:
    tenant = await _tenant(sessionmaker)
    gpt, local, flash = "openai:gpt", "local:default", "gemini:flash"
    for judged in (
        contest(gpt, gpt, local, flash),
        contest(local, gpt, local, gpt),
        # A model against itself: its scores count, its "win" teaches nothing.
        contest(local, local, local, local),
    ):
        await _record(sessionmaker, tenant, judged)
    async with unit_of_work(sessionmaker, tenant) as session:
        repository = ContestRepository(session)
        totals = {(r.provider, r.model): r for r in await repository.totals(None, None)}
        means = {
            (r.provider, r.model, r.criterion): float(r.mean)
            for r in await repository.criterion_means("write.draft", None)
        }
    by_model = {key: totals[tuple(key.split(":"))] for key in (gpt, local, flash)}
    assert (by_model[gpt].contests, by_model[gpt].wins, by_model[gpt].drafts) == (3, 1, 3)
    assert (by_model[local].contests, by_model[local].wins, by_model[local].drafts) == (2, 1, 5)
    assert (by_model[flash].contests, by_model[flash].wins, by_model[flash].drafts) == (1, 0, 1)
    # gpt: one winning draft (8, 9, 8, 7 = 32) and two losing ones (5, 6, 5, 7 = 23).
    assert float(by_model[gpt].mean_total) == pytest.approx((32 + 23 + 23) / 3)
    assert means["openai", "gpt", "faithfulness"] == pytest.approx((9 + 6 + 6) / 3)
    assert means["openai", "gpt", "readability"] == 7
    assert {r.task for r in totals.values()} == {"write.draft"}

    standings = await DatabaseStandings(sessionmaker).standings(tenant, TaskKind.WRITE_DRAFT)
    assert standings == {
        "openai:gpt": Standing(wins=1, contests=3),
        "local:default": Standing(wins=1, contests=2),
        "gemini:flash": Standing(wins=0, contests=1),
    }


async def test_saving_an_article_again_replaces_its_contest(sessionmaker: SessionMaker) -> None:
    tenant = await _tenant(sessionmaker)
    article = await _record(sessionmaker, tenant, contest("a:x", "a:x", "b:y"))
    async with unit_of_work(sessionmaker, tenant) as session:
        await record(session, tenant, article, contest("b:y", "a:x", "b:y", "c:z"))
    async with unit_of_work(sessionmaker, tenant) as session:
        entries = await ContestRepository(session).entries(article)
    assert [(e.slot, e.provider, e.won, e.rivals) for e in entries] == [
        ("writer_a", "a", False, 2),
        ("writer_b", "b", True, 2),
        ("writer_c", "c", False, 2),
    ]
    assert entries[1].judge_provider == "local" and entries[1].judge_model == "default"
    assert entries[1].total == 32 and entries[1].scores == _scores(8)


async def test_another_tenant_never_sees_the_record(sessionmaker: SessionMaker) -> None:
    owner, other = await _tenant(sessionmaker), await _tenant(sessionmaker)
    article = await _record(sessionmaker, owner, contest("a:x", "a:x", "b:y"))
    async with unit_of_work(sessionmaker, other) as session:
        repository = ContestRepository(session)
        assert await repository.totals(None, None) == []
        assert await repository.criterion_means(None, None) == []
        assert await repository.entries(article) == []
        assert await repository.standings("write.draft") == []
        raw = await session.scalar(text("SELECT count(*) FROM llm_contest_entries"))
        assert raw == 0
        # Nor can it delete them, or write into the owner's record.
        await repository.delete_article(article)
    assert await DatabaseStandings(sessionmaker).standings(other, TaskKind.WRITE_DRAFT) == {}
    async with unit_of_work(sessionmaker, owner) as session:
        assert len(await ContestRepository(session).entries(article)) == 2
    with pytest.raises(Exception, match="row-level security"):
        async with unit_of_work(sessionmaker, other) as session:
            await record(session, owner, uuid.uuid4(), contest("a:x", "a:x", "b:y"))


def test_a_contest_has_one_winner_and_a_rival_draft() -> None:
    with pytest.raises(ValueError, match="one winner, not 0"):
        Contest(TaskKind.WRITE_DRAFT, [JudgedDraft("writer_a", "a", "x", False)] * 2)
    with pytest.raises(ValueError, match="at least two drafts"):
        Contest(TaskKind.WRITE_DRAFT, [JudgedDraft("writer_a", "a", "x", True)])
