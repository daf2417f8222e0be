"""Typed JSONB columns (icop.models.types.PydanticJSON) on the real database: what the ORM
writes reads back equal, a wrong shape is refused before anything is stored, and documents
written by the code before the columns were typed (raw JSON, as it wrote it) still load."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.models import (
    ArticleImage,
    GeneratedArticle,
    Post,
    PostMedia,
    PostPart,
    SocialAccount,
    SocialCopy,
)
from icop.models.types import PydanticJSON, StoredModel
from icop.tenants.repository import TenantRepository

SessionMaker = async_sessionmaker[AsyncSession]

# What articles.generator.to_result stored: ImageAsset.model_dump(mode="json").
GRAPH_IMAGE = {
    "index": 0,
    "url": "https://cdn.example.com/media/a.jpg",
    "alt": "A compost bin",
    "width": 1200,
    "height": 675,
    "format": "jpeg",
    "size_bytes": 183_220,
    "provider": "local",
}
# SocialPost.model_dump(mode="json").
GRAPH_SOCIAL = {
    "x": {
        "platform": "x",
        "text": "Compost at home: greens, browns, patience. #compost",
        "hashtags": ["compost"],
        "length": 52,
        "limit": 280,
        "ok": True,
        "link_url": None,
        "changes": [],
        "problems": [],
        "provider": "local",
        "model": "qwen",
    },
    "facebook": {
        "platform": "facebook",
        "text": "How to compost at home.",
        "hashtags": [],
        "length": 23,
        "limit": 63206,
        "ok": True,
        "link_url": "https://example.com/compost",
        "changes": ["moved the link to the link field"],
        "problems": [],
        "provider": None,
        "model": None,
    },
}
# syndication.service._parts.
SERVICE_PARTS = [
    {
        "text": "A long thought, part one 1/2",
        "length": 28,
        "media": [
            {
                "url": "https://cdn.example.com/media/a.jpg",
                "alt": "A compost bin",
                "kind": "image",
                "cover_url": None,
            }
        ],
        "link_url": None,
        "topic_tag": None,
        "reply_to": None,
        "reply_to_previous": False,
    },
    {
        "text": "and part two 2/2",
        "length": 16,
        "media": [],
        "link_url": None,
        "topic_tag": None,
        "reply_to": None,
        "reply_to_previous": True,
    },
]


@pytest.fixture
async def tenant_id(sessionmaker: SessionMaker) -> uuid.UUID:
    tenant = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(tenant_id=tenant, company_name="JSON", plan="free")
    return tenant


async def _article(sessionmaker: SessionMaker, tenant_id: uuid.UUID, **values: Any) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(GeneratedArticle(tenant_id=tenant_id, id=article_id, topic="t", **values))
    return article_id


async def _account(sessionmaker: SessionMaker, tenant_id: uuid.UUID) -> uuid.UUID:
    account_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(
            SocialAccount(
                tenant_id=tenant_id,
                id=account_id,
                platform="x",
                platform_account_id=f"acct-{account_id.hex[:8]}",
                name="Acme",
                provider="x",
            )
        )
    return account_id


async def _post(sessionmaker: SessionMaker, tenant_id: uuid.UUID, parts: list[Any]) -> uuid.UUID:
    account_id = await _account(sessionmaker, tenant_id)
    post_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add(
            Post(
                tenant_id=tenant_id,
                id=post_id,
                social_account_id=account_id,
                platform="x",
                parts=parts,
                scheduled_at=datetime.now(UTC),
            )
        )
    return post_id


async def _raw(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, table: str, column: str, row_id: uuid.UUID
) -> Any:
    """The column as stored (plain JSON), not through the model."""
    statement = text(f"SELECT {column} FROM {table} WHERE id = :id")  # noqa: S608 - constants
    async with unit_of_work(sessionmaker, tenant_id) as session:
        return await session.scalar(statement, {"id": row_id})


async def _write_raw(
    sessionmaker: SessionMaker,
    tenant_id: uuid.UUID,
    table: str,
    column: str,
    row_id: uuid.UUID,
    document: Any,
) -> None:
    """The column set with plain SQL, the way rows from before the typed columns look."""
    statement = text(
        f"UPDATE {table} SET {column} = CAST(:document AS jsonb) WHERE id = :id"  # noqa: S608
    )
    async with unit_of_work(sessionmaker, tenant_id) as session:
        updated = await session.execute(statement, {"document": json.dumps(document), "id": row_id})
        assert updated.rowcount == 1  # type: ignore[attr-defined]


# --- GeneratedArticle.images -------------------------------------------------------------


async def test_article_images_round_trip(sessionmaker: SessionMaker, tenant_id: uuid.UUID) -> None:
    images = [
        ArticleImage.model_validate(GRAPH_IMAGE),
        ArticleImage(url="https://cdn.example.com/b.png", width=1080, height=1350, format="png"),
    ]
    article_id = await _article(sessionmaker, tenant_id, images=images)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        article = await session.scalar(
            select(GeneratedArticle).where(GeneratedArticle.id == article_id)
        )
        assert article is not None and article.images == images
        assert isinstance(article.images[0], ArticleImage)
    # Stored as the plain JSON the API has always shown.
    stored = await _raw(sessionmaker, tenant_id, "generated_articles", "images", article_id)
    assert stored[0] == GRAPH_IMAGE
    assert ArticleImage.model_validate(GRAPH_IMAGE).model_dump(mode="json") == GRAPH_IMAGE


@pytest.mark.parametrize(
    "image",
    [
        {"width": 10, "height": 10},  # no url
        {**GRAPH_IMAGE, "width": 0},
        {**GRAPH_IMAGE, "size": 12},  # a typo of size_bytes
        "https://cdn.example.com/a.jpg",
    ],
)
async def test_article_images_of_a_wrong_shape_are_refused(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, image: Any
) -> None:
    article_id = await _article(sessionmaker, tenant_id)

    async def store() -> None:
        async with unit_of_work(sessionmaker, tenant_id) as session:
            article = await session.scalar(
                select(GeneratedArticle).where(GeneratedArticle.id == article_id)
            )
            assert article is not None
            article.images = [image]

    with pytest.raises(StatementError, match="validation error"):
        await store()
    assert await _raw(sessionmaker, tenant_id, "generated_articles", "images", article_id) == []


@pytest.mark.parametrize(
    "document",
    [
        [GRAPH_IMAGE],
        # What tests and hand-made rows wrote: no index, provider (nor alt, format, size).
        [
            {
                "url": "https://cdn.example.com/a.jpg",
                "width": 1200,
                "height": 675,
                "format": "jpeg",
                "size_bytes": 200_000,
                "alt": "A compost bin",
            },
            {"url": "https://cdn.example.com/b.jpg", "width": 1500, "height": 500},
        ],
        [],
    ],
)
async def test_article_images_written_the_old_way_load(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, document: list[dict[str, Any]]
) -> None:
    article_id = await _article(sessionmaker, tenant_id)
    await _write_raw(sessionmaker, tenant_id, "generated_articles", "images", article_id, document)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        images = await session.scalar(
            select(GeneratedArticle.images).where(GeneratedArticle.id == article_id)
        )
    assert images is not None and len(images) == len(document)
    for image, old in zip(images, document, strict=True):
        assert isinstance(image, ArticleImage)
        assert (image.url, image.width, image.height) == (old["url"], old["width"], old["height"])
        assert image.format == old.get("format", "jpeg")
        assert image.size_bytes == old.get("size_bytes", 0)
        assert image.alt == old.get("alt")


# --- GeneratedArticle.social -------------------------------------------------------------


async def test_article_social_copy_round_trip(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID
) -> None:
    social = {name: SocialCopy.model_validate(copy) for name, copy in GRAPH_SOCIAL.items()}
    social["threads"] = SocialCopy(text="Three rules for a compost heap.")
    article_id = await _article(sessionmaker, tenant_id, social=social)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        stored = await session.scalar(
            select(GeneratedArticle.social).where(GeneratedArticle.id == article_id)
        )
    assert stored == social and isinstance(stored["threads"], SocialCopy)
    raw = await _raw(sessionmaker, tenant_id, "generated_articles", "social", article_id)
    assert {name: raw[name] for name in GRAPH_SOCIAL} == GRAPH_SOCIAL


@pytest.mark.parametrize(
    "social",
    [
        {"x": {"txt": "a typo"}},
        {"x": {"text": "fine", "hashtags": "compost"}},  # one string, not a list
        {"x": "just the text"},
        ["x", "facebook"],
    ],
)
async def test_article_social_copy_of_a_wrong_shape_is_refused(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, social: Any
) -> None:
    with pytest.raises(StatementError, match="validation error"):
        await _article(sessionmaker, tenant_id, social=social)


@pytest.mark.parametrize(
    "document",
    [
        GRAPH_SOCIAL,
        # What tests and hand-made rows wrote: the text, sometimes a link or hashtags.
        {
            "x": {"text": "Compost at home: greens and browns. #compost"},
            "facebook": {
                "text": "How to compost at home.",
                "link_url": "https://example.com/compost",
            },
            "instagram": {"text": "Greens + browns = black gold.", "hashtags": ["compost"]},
        },
        {},
    ],
)
async def test_article_social_copy_written_the_old_way_loads(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, document: dict[str, dict[str, Any]]
) -> None:
    article_id = await _article(sessionmaker, tenant_id)
    await _write_raw(sessionmaker, tenant_id, "generated_articles", "social", article_id, document)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        article = await session.scalar(
            select(GeneratedArticle).where(GeneratedArticle.id == article_id)
        )
    assert article is not None and set(article.social) == set(document)
    for name, copy in article.social.items():
        assert isinstance(copy, SocialCopy)
        assert copy.text == document[name]["text"]
        assert copy.link_url == document[name].get("link_url")
        assert copy.hashtags == document[name].get("hashtags", [])


# --- Post.parts --------------------------------------------------------------------------


async def test_post_parts_round_trip(sessionmaker: SessionMaker, tenant_id: uuid.UUID) -> None:
    parts = [
        PostPart(
            text="Look at this heap",
            length=17,
            media=[PostMedia(url="https://cdn.example.com/a.jpg", alt=None)],
            link_url="https://example.com/compost",
            topic_tag="compost",
        ),
        PostPart(text="and a reply", reply_to_previous=True),
    ]
    post_id = await _post(sessionmaker, tenant_id, parts)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        post = await session.scalar(select(Post).where(Post.id == post_id))
        assert post is not None and post.parts == parts
        assert isinstance(post.parts[0].media[0], PostMedia)
    raw = await _raw(sessionmaker, tenant_id, "posts", "parts", post_id)
    assert raw == [part.model_dump(mode="json") for part in parts]
    assert [PostPart.model_validate(p).model_dump(mode="json") for p in SERVICE_PARTS] == (
        SERVICE_PARTS
    )


@pytest.mark.parametrize(
    "part",
    [
        {"media": []},  # no text
        {"text": "x", "media": [{"alt": "no url"}]},
        {"text": "x", "media": ["https://cdn.example.com/a.jpg"]},
        {"text": "x", "reply_to_prev": True},  # a typo
    ],
)
async def test_post_parts_of_a_wrong_shape_are_refused(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, part: dict[str, Any]
) -> None:
    with pytest.raises(StatementError, match="validation error"):
        await _post(sessionmaker, tenant_id, [part])


@pytest.mark.parametrize(
    "document",
    [
        SERVICE_PARTS,
        # What tests, benchmarks and hand-made rows wrote.
        [{"text": "maybe posted", "media": []}],
        [
            {
                "text": "Benchmark post",
                "media": [{"url": "https://cdn.example.test/bench/1.jpg", "alt": None}],
                "reply_to_previous": False,
            },
            {"text": "Part two", "media": [], "reply_to_previous": True},
        ],
    ],
)
async def test_post_parts_written_the_old_way_load(
    sessionmaker: SessionMaker, tenant_id: uuid.UUID, document: list[dict[str, Any]]
) -> None:
    post_id = await _post(sessionmaker, tenant_id, [PostPart(text="placeholder")])
    await _write_raw(sessionmaker, tenant_id, "posts", "parts", post_id, document)
    async with unit_of_work(sessionmaker, tenant_id) as session:
        parts = await session.scalar(select(Post.parts).where(Post.id == post_id))
    assert parts is not None and len(parts) == len(document)
    for part, old in zip(parts, document, strict=True):
        assert isinstance(part, PostPart)
        assert part.text == old["text"]
        assert part.reply_to_previous == old.get("reply_to_previous", False)
        assert [(m.url, m.alt) for m in part.media] == [(m["url"], m["alt"]) for m in old["media"]]
        assert part.length == old.get("length")


# --- the versioning hook -----------------------------------------------------------------


class _Renamed(StoredModel):
    """A shape 2 that renamed ``name`` to ``title``: documents of shape 1 still load."""

    version: Literal[2] = 2
    title: str

    @classmethod
    def upgrade(cls, data: dict[str, Any]) -> dict[str, Any]:
        if "version" not in data:
            data = {"version": 2, "title": data.get("name")}
        return data


def test_an_earlier_shape_is_upgraded_when_read() -> None:
    # Only documents read back are upgraded: a value built in code is in the current shape.
    column = PydanticJSON(list[_Renamed])
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    loaded = column.process_result_value([{"name": "old"}, {"version": 2, "title": "new"}], dialect)
    assert loaded == [_Renamed(title="old"), _Renamed(title="new")]
    assert column.process_bind_param(loaded, dialect) == [
        {"version": 2, "title": "old"},
        {"version": 2, "title": "new"},
    ]
