"""The plan as a control panel, over the real database and both kinds of sheet (the Sheets API
emulator at the wire level, and a local CSV file): decisions typed into rows become the
articles' decisions, bad values and decisions that do not fit become notes on their rows,
posts' status and live links reach their rows, all in one batchUpdate; a second sync with
nothing new decides and writes nothing."""

from __future__ import annotations

import csv
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles import service as articles
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import ArticleCreate
from icop.audit import service as audit
from icop.auth.principal import Principal, PrincipalKind
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.emulators.sheets import EmulatorServer, SheetsEmulator
from icop.models import ArticleStatus, Post, Role, SocialAccount, SubTopic
from icop.planning import control
from icop.planning.keys import topic_key
from icop.planning.repository import PipelineRepository, SubTopicRepository
from icop.planning.sheets import ServiceAccountKey, SheetLocator, SheetSource, open_sheet
from icop.planning.sheets.layout import ColumnMapping
from icop.planning.sheets.local import LocalSheet
from tests.helpers import ApiClient

SHEET_ID = "1ControlPanelSheetForDecisionsAndPosts0000"
RANGE = "ContentPlan!A2:H"
MAPPING = ColumnMapping(decision="F", comment="G", posts="H")
HEADER = ["Topic", "Status", "Sub-topics", "Articles", "Notes", "Decision", "Comment", "Posts"]
PLAN = [
    HEADER,
    # two articles awaiting approval, approved in Korean
    ["홈 가드닝", "running", "", "", "writing 2 article(s)", "승인", "", ""],
    # one awaiting, rejected with a reason inline
    ["rainwater harvesting", "running", "", "", "", "rejected: too salesy", "", ""],
    # already approved (ready) and posted: nothing to decide, the posts are written back
    ["balcony tomatoes", "done", "", "", "cost $0.0100", "approved", "", ""],
    # a value nobody can act on
    ["mulch", "running", "", "", "", "maybe", "", ""],
    # approved, but the article was rejected already
    ["worm bins", "done", "", "", "", "approved", "", ""],
]


@pytest.fixture(scope="module")
def running() -> Iterator[EmulatorServer]:
    with EmulatorServer(SheetsEmulator()) as server:
        yield server


@dataclass
class Panel:
    sessionmaker: async_sessionmaker[AsyncSession]
    tenant_id: uuid.UUID
    pipeline_id: uuid.UUID
    articles: dict[str, list[uuid.UUID]]


async def _article(
    session: AsyncSession,
    principal: Principal,
    pipeline_id: uuid.UUID,
    topic: str,
    position: int,
    status: ArticleStatus,
) -> uuid.UUID:
    article = await articles.register(
        session,
        principal,
        ArticleCreate(topic=topic, sub_topic=f"{topic}: angle {position + 1}"),
        pipeline_id=pipeline_id,
    )
    article.status = status
    await SubTopicRepository(session).add_all(
        [
            SubTopic(
                tenant_id=principal.tenant_id,
                pipeline_id=pipeline_id,
                topic_key=topic_key(topic),
                topic=topic,
                position=position,
                label=f"{topic}: angle {position + 1}",
                keywords=[],
                members=[],
                size=1,
                centrality=1.0,
                article_id=article.id,
            )
        ]
    )
    return article.id


@pytest.fixture
async def panel(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> Panel:
    owner = await client.signup("Control Panel")
    plan = tmp_path / "unused.csv"
    plan.write_text("Topic,Status\n", encoding="utf-8")
    created = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "Panel", "source_type": "file", "file_path": str(plan)},
    )
    assert created.status_code == 201, created.text
    pipeline_id = uuid.UUID(created.json()["id"])
    principal = Principal(PrincipalKind.USER, owner.tenant_id, Role.EDITOR, owner.user_id)
    made: dict[str, list[uuid.UUID]] = {}
    waiting, ready, rejected = (
        ArticleStatus.AWAITING_APPROVAL,
        ArticleStatus.READY,
        ArticleStatus.REJECTED,
    )
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        for topic, statuses in (
            ("홈 가드닝", [waiting, waiting]),
            ("rainwater harvesting", [waiting]),
            ("balcony tomatoes", [ready]),
            ("mulch", [waiting]),
            ("worm bins", [rejected]),
        ):
            made[topic] = [
                await _article(session, principal, pipeline_id, topic, position, status)
                for position, status in enumerate(statuses)
            ]
        account = SocialAccount(
            tenant_id=owner.tenant_id,
            platform="instagram",
            platform_account_id="ig-1",
            name="Acme",
            provider="instagram",
            status="connected",
        )
        session.add(account)
        await session.flush()
        for platform, status, permalink in (
            ("instagram", "published", "https://instagram.test/p/abc"),
            ("x", "unconfirmed", None),
        ):
            session.add(
                Post(
                    tenant_id=owner.tenant_id,
                    social_account_id=account.id,
                    article_id=made["balcony tomatoes"][0],
                    platform=platform,
                    parts=[{"text": "Tomatoes!", "media": [], "reply_to_previous": False}],
                    scheduled_at=datetime.now(UTC),
                    status=status,
                    platform_post_ids=[],
                    permalink=permalink,
                )
            )
    return Panel(sessionmaker, owner.tenant_id, pipeline_id, made)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _google(running: EmulatorServer, http: httpx.AsyncClient) -> SheetSource:
    emulator = running.emulator
    emulator.reset()
    emulator.per_user_per_minute = emulator.per_project_per_minute = None
    emulator.add_spreadsheet(SHEET_ID, {"ContentPlan": [list(row) for row in PLAN]})
    info = emulator.create_service_account()
    emulator.share(SHEET_ID, info["client_email"])
    settings = Settings(
        google_sheets_base_url=running.url,
        google_oauth_token_url=emulator.token_uri,
        google_sheets_requests_per_minute=60_000,
    )
    return open_sheet(
        SheetLocator.google(SHEET_ID, RANGE),
        settings=settings,
        http=http,
        credentials=ServiceAccountKey.from_json(info),
        mapping=MAPPING,
    )


def _file(tmp_path: Path) -> SheetSource:
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(PLAN)
    return LocalSheet(path, mapping=MAPPING, sheet="ContentPlan")


async def _sync(panel: Panel, source: SheetSource) -> control.SyncPlan:
    values = await source.read(RANGE)
    async with unit_of_work(panel.sessionmaker, panel.tenant_id) as session:
        return await control.plan_sync(
            session, panel.pipeline_id, control.rows_of(values, RANGE, MAPPING), MAPPING
        )


@pytest.mark.parametrize("kind", ["google", "file"])
async def test_decisions_and_posts_read_from_the_sheet_and_written_back_once(
    kind: str, panel: Panel, running: EmulatorServer, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    source = _google(running, http) if kind == "google" else _file(tmp_path)
    plan = await _sync(panel, source)

    verdicts = {(v.article_id, v.approved, v.reason, v.cell) for v in plan.verdicts}
    gardening, rain = panel.articles["홈 가드닝"], panel.articles["rainwater harvesting"]
    assert verdicts == {
        (gardening[0], True, None, "F2"),
        (gardening[1], True, None, "F2"),
        (rain[0], False, "too salesy", "F3"),
    }
    assert plan.outstanding  # articles await their decisions

    await source.write(plan.updates)
    grid = await source.read("ContentPlan!A1:H")
    notes = {row[0]: row[4] if len(row) > 4 else "" for row in grid[1:]}
    posts = {row[0]: row[7] if len(row) > 7 else "" for row in grid[1:]}
    assert notes["홈 가드닝"] == "writing 2 article(s)\ndecision '승인': 2 of 2 article(s) approved"
    assert notes["rainwater harvesting"] == (
        "decision 'rejected: too salesy': 1 of 1 article(s) rejected"
    )
    # Already applied: the note says so; nothing is decided again.
    assert notes["balcony tomatoes"] == (
        "cost $0.0100\ndecision 'approved': 1 of 1 article(s) approved"
    )
    assert "neither approved nor rejected (승인 / 반려)" in notes["mulch"]
    assert notes["worm bins"] == (
        "decision 'approved': 0 of 1 article(s) approved; article 1 (worm bins: angle 1) is "
        "rejected, not awaiting approval: left as it is"
    )
    assert posts["balcony tomatoes"].split("\n") == [
        "1. instagram: published https://instagram.test/p/abc",
        "1. x: ⚠ UNCONFIRMED (sent, not confirmed by x: check it there before retrying)",
    ]
    # The user's own cells are never rewritten.
    assert [row[5] for row in grid[1:]] == [row[5] for row in PLAN[1:]]

    if kind == "google":
        [batch] = running.emulator.calls("values.batchUpdate")
        assert batch.method == "POST" and batch.path.endswith(f"/{SHEET_ID}/values:batchUpdate")
        assert batch.body["valueInputOption"] == "RAW"
        assert {item["range"] for item in batch.body["data"]} == {
            "ContentPlan!E2",
            "ContentPlan!E3",
            "ContentPlan!E4",
            "ContentPlan!H4",
            "ContentPlan!E5",
            "ContentPlan!E6",
        }
        assert all(item["majorDimension"] == "ROWS" for item in batch.body["data"])

    # Nothing changed: the same decisions are still due (nobody applied them), no cell moves.
    again = await _sync(panel, source)
    assert again.updates == []
    assert len(again.verdicts) == 3

    # The article workflow stored the decisions: applied, nothing is decided or written again.
    async with unit_of_work(panel.sessionmaker, panel.tenant_id) as session:
        repository = ArticleRepository(session)
        for article_id in gardening:
            assert await repository.decide(
                article_id, status=ArticleStatus.READY, user_id=None, at=datetime.now(UTC)
            )
        assert await repository.decide(
            rain[0], status=ArticleStatus.REJECTED, user_id=None, at=datetime.now(UTC)
        )
    settled = await _sync(panel, source)
    assert settled.verdicts == [] and settled.updates == []
    if kind == "google":
        assert len(running.emulator.calls("values.batchUpdate")) == 1


async def test_a_decision_in_flight_is_not_sent_twice_and_a_stale_one_becomes_a_note(
    panel: Panel, tmp_path: Path
) -> None:
    source = _file(tmp_path)
    [mulch] = panel.articles["mulch"]
    gardening = panel.articles["홈 가드닝"]
    async with unit_of_work(panel.sessionmaker, panel.tenant_id) as session:
        pipeline = await PipelineRepository(session).get(panel.pipeline_id)
        assert pipeline is not None
        # A decision signalled a moment ago whose workflow has not stored it yet.
        await audit.record(
            session,
            tenant_id=panel.tenant_id,
            actor_id=pipeline.created_by,
            action="article.approved",
            target_type="article",
            target_id=gardening[0],
        )
    plan = await _sync(panel, source)
    assert {v.article_id for v in plan.verdicts} == {
        gardening[1],
        panel.articles["rainwater harvesting"][0],
    }

    # The article moved on between the read and the decision (a person decided in the
    # dashboard): the API's own conflict becomes the row's note, never an exception.
    async with unit_of_work(panel.sessionmaker, panel.tenant_id) as session:
        await ArticleRepository(session).decide(
            gardening[1], status=ArticleStatus.READY, user_id=None, at=datetime.now(UTC)
        )

    async def no_temporal() -> object:
        raise AssertionError("a conflict is found before the workflow is signalled")

    stale = [v for v in plan.verdicts if v.article_id == gardening[1]]
    notes = await control.apply_decisions(
        panel.sessionmaker,
        pipeline,
        stale,
        no_temporal,  # type: ignore[arg-type]
    )
    assert [(n.row_number, n.notes) for n in notes] == [
        (
            2,
            "decision article 2 (홈 가드닝: angle 2) not decided: the article is ready, not "
            "awaiting approval",
        )
    ]
    assert mulch  # the bad value's article is never decided
    assert all(v.article_id != mulch for v in plan.verdicts)
