"""The demo ``make run`` shows: the local workspace tenant's plan (a copy of
``examples/plan.csv``) to published posts, on the embedded defaults, offline.

Created once and reused: the workspace tenant (with its reference documents and a brand kit
its cards are painted with), one account per platform connected to the local platform
emulator through the real OAuth flows, and the "Demo plan" pipeline whose defaults publish to
all four. Every start runs the plan again; rows already done are left alone (their articles
and posts are not duplicated).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import httpx
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles.activities import markdown_path
from icop.articles.repository import ArticleRepository
from icop.auth.principal import Principal
from icop.brand import kit as brand_kits
from icop.brand.fonts import BrandFont
from icop.brand.palette import BrandSpec
from icop.cli.pipeline import follow
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.errors import ConfigurationError
from icop.kit.polling import Backoff
from icop.models import AccountStatus, PostStatus
from icop.observability.tracing import stage_span
from icop.orchestrator.connection import LazyClient
from icop.planning import service as pipelines
from icop.planning.repository import PipelineRepository, RunRepository, SubTopicRepository
from icop.planning.schemas import PipelineCreate
from icop.planning.sheets.layout import PlanDefaults
from icop.planning.sheets.local import LocalSheet
from icop.planning.sheets.source import detect_layout
from icop.platforms import Platform
from icop.syndication import accounts
from icop.syndication.platforms.base import OAuthProvider
from icop.syndication.repository import AccountRepository, PostRepository

DEMO_PIPELINE = "Demo plan"
DRIVER_POLL = "demo driver: reading progress"
POLL_FIRST_S = 0.1
POLL_MAX_S = 1.0
# The repository's example plan (a source checkout: `make run` runs from one).
EXAMPLE_PLAN = Path(__file__).resolve().parents[3] / "examples" / "plan.csv"
# Which connect flow connects which platforms.
PROVIDERS: dict[str, set[str]] = {
    "meta": {Platform.FACEBOOK.value, Platform.INSTAGRAM.value},
    "threads": {Platform.THREADS.value},
    "x": {Platform.X.value},
}
# The example plan is about gardening: deep green, lime accent, near-white text (8.7:1).
DEMO_BRAND = BrandSpec(
    name="ICOP Demo Garden",
    background="#14532d",
    accent="#a3e635",
    text="#f0fdf4",
    font=BrandFont.DEJAVU_SANS.value,
)


@dataclass
class DemoResult:
    table: Table
    posts_published: int
    seconds: float
    # What a reader of the table needs to act on: why posts failed or were never made.
    problems: list[str] = field(default_factory=list)


async def connect_demo_accounts(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    keyring: Keyring,
    providers: dict[str, OAuthProvider],
    principal: Principal,
) -> None:
    """One account per platform on the emulator, through the same connect flow a user takes
    (the emulator's consent page answers at once with a code)."""
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        connected = {
            account.platform
            for account in await accounts.list_accounts(session, limit=200, offset=0)
            if account.status == AccountStatus.CONNECTED
        }
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as http:
        for name, platforms in PROVIDERS.items():
            if platforms <= connected:
                continue
            async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                started = await accounts.start_connect(
                    session, settings, keyring, providers, principal, name
                )
            answer = await http.get(started.authorization_url)
            query = parse_qs(urlsplit(answer.headers.get("location", "")).query)
            if "code" not in query:
                raise ConfigurationError(
                    f"the platform emulator did not grant {name}: {answer.text}"
                )
            async with unit_of_work(sessionmaker, None) as session:
                await accounts.finish_connect(
                    session,
                    keyring,
                    providers,
                    name,
                    code=query["code"][0],
                    state=query["state"][0],
                )


async def ensure_demo_brand(
    sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
) -> bool:
    """The demo brand kit, unless the workspace has a kit (its user's choice is kept)."""
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        return await brand_kits.ensure(session, principal.tenant_id, DEMO_BRAND)


async def demo_pipeline(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal: LazyClient,
    principal: Principal,
    *,
    example: Path | None = None,
) -> UUID:
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        existing = await PipelineRepository(session).by_name(DEMO_PIPELINE)
    if existing is not None:
        return existing.id
    # A copy: the run writes its results back into the plan, and the example stays clean.
    example = example or settings.demo_plan or EXAMPLE_PLAN
    plan = settings.home / "demo" / f"plan{example.suffix.lower() or '.csv'}"
    await asyncio.to_thread(_copy_plan, example, plan)
    mapping, sheet_range = await detect_layout(LocalSheet(plan))
    body = PipelineCreate(
        name=DEMO_PIPELINE,
        source_type="file",
        file_path=str(plan),
        sheet_range=sheet_range,
        column_mapping=mapping,
        defaults=PlanDefaults(
            sub_topic_count=2,
            length_words=settings.demo_article_words,
            platforms=list(Platform),
        ),
    )
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        created = await pipelines.create(session, settings, temporal, principal, body)
    return created.id


def _copy_plan(example: Path, plan: Path) -> None:
    if plan.exists():
        return
    if not example.exists():
        raise ConfigurationError(f"the demo plan {example} is missing")
    plan.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(example, plan)


async def run_demo(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal: LazyClient,
    keyring: Keyring,
    providers: dict[str, OAuthProvider],
    console: Console,
    *,
    post_timeout_s: float = 600.0,
) -> DemoResult:
    started = time.perf_counter()
    with stage_span("demo: workspace, brand kit, accounts (OAuth), pipeline, run start"):
        principal = await workspace(settings, sessionmaker, None)
        await ensure_demo_brand(sessionmaker, principal)
        await connect_demo_accounts(settings, sessionmaker, keyring, providers, principal)
        pipeline_id = await demo_pipeline(settings, sessionmaker, temporal, principal)
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            active = await RunRepository(session).active(pipeline_id)
            run = active or await pipelines.start_run(session, temporal, principal, pipeline_id)
    console.print(f"demo: running the plan {DEMO_PIPELINE!r} (run {run.id})")
    await follow(sessionmaker, principal, pipeline_id, run.id)
    await _wait_for_posts(sessionmaker, principal.tenant_id, pipeline_id, post_timeout_s)
    table, published, problems = await summary(
        settings, sessionmaker, principal.tenant_id, pipeline_id
    )
    return DemoResult(table, published, time.perf_counter() - started, problems)


async def _article_ids(session: AsyncSession, pipeline_id: UUID) -> list[UUID]:
    rows = await SubTopicRepository(session).for_pipeline(pipeline_id)
    return [row.article_id for row in rows if row.article_id is not None]


async def _wait_for_posts(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
    pipeline_id: UUID,
    timeout_s: float,
) -> None:
    # Adaptive: a post that goes out within a moment is seen within a moment, and a slow one
    # is asked about once a second (the old fixed interval) after a few polls.
    backoff = Backoff(first_s=POLL_FIRST_S, max_s=POLL_MAX_S, timeout_s=timeout_s)
    seen: list[str] = []
    while True:
        with stage_span(DRIVER_POLL):
            async with unit_of_work(sessionmaker, tenant_id) as session:
                posts = [
                    post
                    for article_id in await _article_ids(session, pipeline_id)
                    for post in await PostRepository(session).for_article(article_id)
                ]
        if all(post.status.final for post in posts):
            return
        states = [str(post.status) for post in posts]
        if states != seen:
            seen = states
            backoff.reset()
        if not await backoff.wait():
            return


async def summary(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
    pipeline_id: UUID,
) -> tuple[Table, int, list[str]]:
    table = Table(
        "article", "markdown", "images", "drafts by", "posts", "cost", title="the demo's output"
    )
    published = 0
    problems: dict[str, None] = {}  # ordered and without repeats
    async with unit_of_work(sessionmaker, tenant_id) as session:
        demo_accounts = await AccountRepository(session).list(limit=200, offset=0)
        account_names = {a.id: a.platform for a in demo_accounts}
        for account in demo_accounts:
            if account.status != AccountStatus.CONNECTED:
                problems[
                    f"{account.platform} account {account.name}: {account.status}"
                    + (f" ({account.status_reason})" if account.status_reason else "")
                    + " — the next `make run` connects it again"
                ] = None
        articles = ArticleRepository(session)
        for article_id in await _article_ids(session, pipeline_id):
            article = await articles.get(article_id)
            if article is None:
                continue
            drafts = await articles.drafts(article_id)
            posts = await PostRepository(session).for_article(article_id)
            published += sum(1 for post in posts if post.status == PostStatus.PUBLISHED)
            for post in posts:
                if post.error and post.status != PostStatus.PUBLISHED:
                    problems[f"{post.platform} post {post.status}: {post.error}"] = None
            path = markdown_path(settings.home, tenant_id, article_id)
            table.add_row(
                # escape: "[ready]" is Rich markup and would vanish.
                escape(
                    f"{(article.title or article.sub_topic or article.topic)[:48]}\n"
                    f"[{article.status}]" + (f" {article.error[:120]}" if article.error else "")
                ),
                str(path) if path.exists() else "—",
                str(len(article.images)),
                "\n".join(sorted({f"{d.provider}:{d.model}" for d in drafts if d.model})) or "—",
                "\n".join(
                    f"{account_names.get(p.social_account_id, p.platform)}: {p.status} "
                    f"{', '.join(i for i in p.platform_post_ids if i) or ''}".strip()
                    for p in posts
                )
                or "—",
                f"${article.cost_usd:.4f}",
            )
    return table, published, list(problems)
