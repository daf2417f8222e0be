"""The generic repository base (icop.db.repository) on a real tenant table."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.repository import Repository
from icop.db.session import unit_of_work
from icop.errors import NotFound
from icop.models import ArticleStatus, GeneratedArticle
from icop.tenants.repository import TenantRepository

SessionMaker = async_sessionmaker[AsyncSession]


class ArticleGone(NotFound):
    code = "article_gone"


class Articles(Repository[GeneratedArticle]):
    model = GeneratedArticle
    not_found = ArticleGone
    noun = "article"


async def _tenant(sessionmaker: SessionMaker) -> uuid.UUID:
    tenant = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(tenant_id=tenant, company_name="Repo", plan="free")
    return tenant


async def _article(sessionmaker: SessionMaker, tenant_id: uuid.UUID) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(GeneratedArticle(tenant_id=tenant_id, id=article_id, topic="compost"))
    return article_id


async def test_get_must_get_and_a_missing_row(sessionmaker: SessionMaker) -> None:
    tenant_id = await _tenant(sessionmaker)
    article_id = await _article(sessionmaker, tenant_id)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        articles = Articles(session)
        found = await articles.get(article_id)
        assert found is not None and found.topic == "compost"
        assert await articles.must_get(article_id, lock=True) is found
        assert await articles.get(uuid.uuid4()) is None
        with pytest.raises(ArticleGone, match=r"^article not found$"):
            await articles.must_get(uuid.uuid4())
        with pytest.raises(ArticleGone, match=r"^no such article here$"):
            await articles.must_get(uuid.uuid4(), detail="no such article here")


async def test_another_tenants_row_is_missing(sessionmaker: SessionMaker) -> None:
    owner = await _tenant(sessionmaker)
    article_id = await _article(sessionmaker, owner)
    other = await _tenant(sessionmaker)
    async with unit_of_work(sessionmaker, other) as session:
        assert await Articles(session).get(article_id) is None
        await Articles(session).update(article_id, topic="not yours")
    with pytest.raises(ArticleGone):
        async with unit_of_work(sessionmaker, other) as session:
            await Articles(session).must_get(article_id)
    async with unit_of_work(sessionmaker, owner) as session:
        assert (await Articles(session).must_get(article_id)).topic == "compost"


async def test_update_sets_columns_with_one_statement(sessionmaker: SessionMaker) -> None:
    tenant_id = await _tenant(sessionmaker)
    article_id = await _article(sessionmaker, tenant_id)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        articles = Articles(session)
        await articles.update(article_id, status=ArticleStatus.RUNNING, current_step="research")
        await articles.update(article_id)  # nothing to set: no statement
        article = await articles.must_get(article_id)
        await session.refresh(article)
        assert (article.status, article.current_step) == (ArticleStatus.RUNNING, "research")
