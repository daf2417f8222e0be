"""Dashboard benchmark: every page of the production build in Debian's Chromium, driven by
Playwright as the e2e suite drives it (tests/web), against the real API (embedded PostgreSQL,
the fake model provider; the same ``served_api`` and ``Dashboard`` the suite starts).

    .venv/bin/python -m benchmarks.dashboard [--runs 5] [--warmup 1] [--events 20]

1. A workspace with realistic data: signed up through the API; articles (one awaiting
   approval with a finding of the quality gate), a pipeline with a run in the middle of
   writing, a connected account with scheduled, published, failed and unconfirmed posts.
2. Every page the build has (the App Router pages of ``web/.next/app-path-routes-manifest.json``,
   so new pages are measured without touching this file; route handlers are skipped, dynamic
   segments are filled with the seeded ids, a page whose segment has no seeded id is listed as
   skipped): one cold load recording the scripts it loads, then ``--warmup`` + ``--runs`` warm
   loads (server and browser cache primed) in a logged-in context, each reporting its Largest
   Contentful Paint (a buffered ``PerformanceObserver``).
3. The JavaScript a route ships: the scripts its cold load fetched by its load event (what the
   page needs to show itself: Next.js's "first load JS"), and apart from them those it imported
   after that until it settled (the run graph's Mermaid, loaded once the page is up), each
   gzip-compressed by Python at level 6, summed.
4. Live lag: with the run view open, a step change committed through the workers' own path
   (``icop.events.service.record`` in a unit of work, the article's current step with it);
   the lag runs from the commit's return (``time.time()``) to the frame after the article's row
   shows the new step (a ``MutationObserver`` then ``requestAnimationFrame``, ``Date.now()``:
   the same system clock).

The browser half is benchmarks/dashboard_driver.mjs (Node, web/'s Playwright), spoken to over
its stdin/stdout. Last line:

    RESULT lcp_p95_ms=… max_route_js_kb=… max_route_later_js_kb=… sse_lag_p95_ms=… routes=N

lcp_p95_ms is over all warm loads of all measured pages; kB are 1,000 bytes, gzipped.
Targets (issue 13): LCP p95 ≤ 1,000 ms, ≤ 250 kB of gzipped JS per route, live lag p95 ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db import bootstrap, migrate
from icop.db.embedded import EmbeddedPostgres
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker, resolve_urls
from icop.db.session import unit_of_work
from icop.events import service as events
from icop.models import GeneratedArticle, Post, SocialAccount
from icop.runtime.web import Dashboard, Unavailable
from icop.syndication.repository import AccountRepository, PostRepository
from tests.system_services import free_port, served_api
from tests.web.seeding import add_live_run

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
DRIVER = Path(__file__).with_name("dashboard_driver.mjs")
HOME = ROOT / ".icop-bench" / "dashboard"
CHROMIUM = os.environ.get("ICOP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "benchmark-workspace-password"  # noqa: S105 - a throwaway workspace's

TARGET_LCP_MS = 1000.0
TARGET_ROUTE_JS_KB = 250.0
TARGET_LAG_MS = 500.0

# The live view's step changes: real graph nodes, never two alike in a row, none a substring
# of another (the page is watched for the new one's name).
LIVE_STEPS = ("writer_b", "writer_c", "editor", "writer_a")


# -- pure parts (tests/benchmarks/test_dashboard.py) -------------------------------------------
@dataclass(frozen=True)
class PageRoute:
    pattern: str  # "/pipelines/[id]/runs/[runId]"
    signed_out: bool  # the (auth) group: login and sign-up are measured without a session


def page_routes(manifest: Mapping[str, str]) -> list[PageRoute]:
    """The App Router pages of an ``app-path-routes-manifest.json`` (entry → URL pattern):
    ``…/page`` entries only (``…/route`` are API and BFF handlers), without Next's own
    (``/_not-found``)."""
    routes = {}
    for entry, pattern in manifest.items():
        if not entry.endswith("/page"):
            continue
        if any(segment.startswith("_") for segment in pattern.split("/")):
            continue
        routes[pattern] = PageRoute(pattern, signed_out=entry.startswith("/(auth)/"))
    return [routes[pattern] for pattern in sorted(routes)]


def fill_route(pattern: str, ids: Mapping[str, str]) -> str | None:
    """The pattern with each dynamic segment replaced by the seeded id of the collection it
    follows (``/articles/[id]`` → ``ids["articles"]``); None when one has no id (or is a
    catch-all, which no page of ours is)."""
    filled: list[str] = []
    segments = pattern.split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("[") and segment.endswith("]"):
            collection = segments[index - 1] if index else ""
            if segment.startswith("[...") or segment.startswith("[[") or collection not in ids:
                return None
            filled.append(ids[collection])
        else:
            filled.append(segment)
    return "/".join(filled) or "/"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank, as benchmarks/api.py computes it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def gzipped_size(body: bytes) -> int:
    """Bytes after gzip at level 6 (what a server's default compression sends)."""
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def route_js_kb(scripts: Sequence[str], gzipped: Mapping[str, int]) -> float:
    """The gzipped kB (1,000 bytes) of the distinct scripts a route loaded."""
    return sum(gzipped[script] for script in set(scripts)) / 1000


@dataclass(frozen=True)
class RouteFigures:
    route: str
    path: str
    lcp_ms: list[float]
    js_kb: float
    """Scripts loaded by the page's load event: what it needs to show itself."""
    scripts: int
    lcp_elements: list[str]
    later_js_kb: float = 0.0
    """Scripts it imported after its load event (the run graph's Mermaid), not in ``js_kb``."""


def table(figures: Sequence[RouteFigures]) -> str:
    width = max([len("route"), *(len(f.route) for f in figures)])
    lines = [
        f"{'route':<{width}}  {'lcp p50 ms':>10}  {'lcp p95 ms':>10}  {'js kB gz':>8}  "
        f"{'later kB':>8}  scripts"
    ]
    for f in figures:
        lines.append(
            f"{f.route:<{width}}  {percentile(f.lcp_ms, 0.5):>10.0f}  "
            f"{percentile(f.lcp_ms, 0.95):>10.0f}  {f.js_kb:>8.1f}  {f.later_js_kb:>8.1f}  "
            f"{f.scripts}"
        )
    return "\n".join(lines)


def result_line(figures: Sequence[RouteFigures], lags_ms: Sequence[float]) -> str:
    every_load = [ms for f in figures for ms in f.lcp_ms]
    return (
        f"RESULT lcp_p95_ms={percentile(every_load, 0.95):.0f} "
        f"max_route_js_kb={max(f.js_kb for f in figures):.1f} "
        f"max_route_later_js_kb={max(f.later_js_kb for f in figures):.1f} "
        f"sse_lag_p95_ms={percentile(lags_ms, 0.95):.0f} routes={len(figures)}"
    )


# -- what it needs ------------------------------------------------------------------------------
def require_tools() -> str:
    """Node's path; exits with one line when Node or Chromium is missing."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        raise SystemExit(
            "dashboard benchmark: Node.js (node and npm) is not installed; install Node.js 20+"
        )
    if not Path(CHROMIUM).exists():
        raise SystemExit(
            f"dashboard benchmark: Chromium is not at {CHROMIUM}; run scripts/system-deps.sh "
            "(Debian's chromium) or set ICOP_CHROMIUM"
        )
    if not (WEB / "node_modules/@playwright/test").is_dir():
        raise SystemExit("dashboard benchmark: web/node_modules lacks Playwright; run `make web`")
    return node


def build_web() -> None:
    result = subprocess.run(  # noqa: S603 - the repository's own build script
        ["sh", str(ROOT / "scripts/web.sh"), "build"],  # noqa: S607 - sh from PATH, as make does
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise SystemExit("dashboard benchmark: the web build failed: " + " | ".join(tail))


# -- the workspace --------------------------------------------------------------------------------
REVIEW_MARKDOWN = """# Watering a vegetable garden

Water the beds every morning, at the roots, so that the leaves stay dry [1].

A deep soak twice a week beats a daily sprinkle.

## When to water

Early morning is best: less evaporation, and the leaves dry before nightfall [1].
"""
READY_MARKDOWN = """# Composting at home

Kitchen scraps become soil in about three months [1]. Balance greens and browns [2].

![A compost bin in a garden](https://example.org/bin.jpg)

## What goes in

Vegetable peels, coffee grounds, dry leaves and shredded cardboard [2].
"""


@dataclass(frozen=True)
class Workspace:
    email: str
    ids: dict[str, str]  # collection → the id its dynamic pages are measured with
    tenant: uuid.UUID
    run: uuid.UUID
    run_article: uuid.UUID


def _article(tenant: uuid.UUID, **fields: Any) -> GeneratedArticle:
    return GeneratedArticle(
        id=uuid.uuid4(),
        tenant_id=tenant,
        language="en",
        mode="compare",
        length_words=600,
        **fields,
    )


async def _seed_database(
    urls: DatabaseUrls, settings: Settings, tenant: uuid.UUID, pipeline: uuid.UUID
) -> dict[str, uuid.UUID]:
    """Rows as the workers leave them (the patterns of tests/web/test_dashboard.py)."""
    now = datetime.now(UTC)
    review = _article(
        tenant,
        topic="watering a vegetable garden",
        title="Watering a vegetable garden",
        approval_required=True,
        status="awaiting_approval",
        final_markdown=REVIEW_MARKDOWN,
        citations=[{"n": 1, "title": "Watering guide", "url": "https://example.org/water"}],
        quality={
            "passed": False,
            "findings": [
                {
                    "code": "uncited_claim",
                    "action": "blocking",
                    "detail": "'A deep soak twice a week beats a daily sprinkle.' cites no source",
                }
            ],
        },
    )
    ready = [
        _article(
            tenant,
            topic=f"composting at home {index}",
            title=f"Composting at home, part {index}",
            approval_required=False,
            status="ready",
            final_markdown=READY_MARKDOWN,
            citations=[
                {"n": 1, "title": "Composting basics", "url": "https://example.org/compost"},
                {"n": 2, "title": "Greens and browns", "url": "https://example.org/browns"},
            ],
        )
        for index in range(1, 5)
    ]
    running = _article(
        tenant,
        topic="vegetable garden",
        sub_topic="Raised beds",
        status="running",
        current_step="writer_a",
    )
    started = now - timedelta(seconds=5)
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            articles = ArticleRepository(session)
            for article in (review, *ready, running):
                await articles.add(article)
            run_id = await add_live_run(session, tenant, pipeline, running.id, started)
            account = await AccountRepository(session).add(
                SocialAccount(
                    id=uuid.uuid4(),
                    tenant_id=tenant,
                    platform="x",
                    platform_account_id=f"bench-{uuid.uuid4().hex[:8]}",
                    name="Garden Club",
                    provider="x",
                    status="connected",
                )
            )
            posts = PostRepository(session)
            post_ids = []
            for day, status in enumerate(
                ("scheduled", "scheduled", "scheduled", "published", "failed", "unconfirmed")
            ):
                post = await posts.add(
                    Post(
                        id=uuid.uuid4(),
                        tenant_id=tenant,
                        social_account_id=account.id,
                        article_id=ready[day % len(ready)].id,
                        platform="x",
                        parts=[{"text": f"Composting tip {day + 1}: balance greens and browns."}],
                        scheduled_at=now + timedelta(days=day - 2, hours=3),
                        status=status,
                        platform_post_ids=[],
                        error="the platform answered 503" if status == "failed" else None,
                    )
                )
                post_ids.append(post.id)
        return {
            "review": review.id,
            "run": run_id,
            "run_article": running.id,
            "account": account.id,
            "post": post_ids[0],
        }
    finally:
        await engine.dispose()


def seed(api: str, urls: DatabaseUrls, settings: Settings) -> Workspace:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Garden Club"},
        timeout=30,
    )
    signup.raise_for_status()
    body = signup.json()
    pipeline = httpx.post(
        f"{api}/api/v1/pipelines",
        headers={"authorization": f"Bearer {body['access_token']}"},
        json={"name": "Garden plan", "source_type": "import"},
        timeout=30,
    )
    pipeline.raise_for_status()
    tenant, pipeline_id = uuid.UUID(body["tenant_id"]), uuid.UUID(pipeline.json()["id"])
    rows = asyncio.run(_seed_database(urls, settings, tenant, pipeline_id))
    ids = {
        "articles": str(rows["review"]),
        "pipelines": str(pipeline_id),
        "runs": str(rows["run"]),
        "accounts": str(rows["account"]),
        "posts": str(rows["post"]),
    }
    return Workspace(email, ids, tenant, rows["run"], rows["run_article"])


# -- the browser half ---------------------------------------------------------------------------
class Driver:
    """benchmarks/dashboard_driver.mjs: one JSON command in, one JSON answer out."""

    def __init__(self, node: str, url: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own script, our arguments
            [node, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={
                **os.environ,
                "ICOP_WEB_DIR": str(WEB),
                "ICOP_WEB_URL": url,
                "ICOP_CHROMIUM": CHROMIUM,
            },
        )

    def ask(self, command: str, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"cmd": command, **fields}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the browser driver exited (code {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{command}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask("quit")
                self.process.wait(timeout=30)
            except (RuntimeError, OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)


def measure_routes(
    driver: Driver, base: str, routes: list[PageRoute], ids: Mapping[str, str], args: Any
) -> tuple[list[RouteFigures], list[str], list[str]]:
    """Figures of the pages measured, pages skipped (why), pages that failed (why)."""
    figures: list[RouteFigures] = []
    skipped: list[str] = []
    failed: list[str] = []
    gzipped: dict[str, int] = {}
    with httpx.Client(base_url=base, headers={"accept-encoding": "identity"}) as http:
        for route in routes:
            path = fill_route(route.pattern, ids)
            if path is None:
                skipped.append(f"{route.pattern} (no seeded id for its segment)")
                continue
            try:
                answer = driver.ask(
                    "measure",
                    path=path,
                    auth=not route.signed_out,
                    runs=args.runs,
                    warmup=args.warmup,
                    settle_ms=args.settle_ms,
                )
            except RuntimeError as error:  # one broken page: the others are still measured
                failed.append(f"{route.pattern}: {error}")
                print(f"  {route.pattern}: FAILED {error}", flush=True)
                continue
            lcp = [ms for ms in answer["lcp_ms"] if ms is not None]
            if not lcp:
                failed.append(f"{route.pattern}: no largest-contentful-paint entry")
                continue
            for script in [*answer["scripts"], *answer.get("later", [])]:
                if script not in gzipped:
                    body = http.get(script)
                    body.raise_for_status()
                    gzipped[script] = gzipped_size(body.content)
            figures.append(
                RouteFigures(
                    route=route.pattern,
                    path=answer["landed"],
                    lcp_ms=lcp,
                    js_kb=route_js_kb(answer["scripts"], gzipped),
                    scripts=len(set(answer["scripts"])),
                    lcp_elements=answer["lcp_elements"],
                    later_js_kb=route_js_kb(answer.get("later", []), gzipped),
                )
            )
            print(
                f"  {route.pattern}: lcp {', '.join(f'{ms:.0f}' for ms in lcp)} ms "
                f"({'/'.join(answer['lcp_elements'])}), js {figures[-1].js_kb:.1f} kB gz",
                flush=True,
            )
    return figures, skipped, failed


async def live_lags(
    driver: Driver, urls: DatabaseUrls, settings: Settings, workspace: Workspace, events_total: int
) -> list[float]:
    """Step changes committed one at a time as the workers commit them; each one's lag from
    the commit to the frame that shows it."""
    path = f"/pipelines/{workspace.ids['pipelines']}/runs/{workspace.ids['runs']}"
    driver.ask("live", path=path, article=str(workspace.run_article))
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    maker = create_sessionmaker(engine)
    lags: list[float] = []
    previous, previous_started = "writer_a", datetime.now(UTC)
    try:
        for index in range(events_total):
            step = LIVE_STEPS[index % len(LIVE_STEPS)]
            driver.ask("arm", label=step)
            now = datetime.now(UTC)
            async with unit_of_work(maker, workspace.tenant) as session:
                article = await ArticleRepository(session).must_get(workspace.run_article)
                article.current_step = step
                for name, status, begun, ended in (
                    (previous, "finished", previous_started, now),
                    (step, "started", now, None),
                ):
                    await events.record(
                        session,
                        workspace.tenant,
                        kind="step",
                        status=status,
                        run_id=workspace.run,
                        row_number=1,
                        article_id=workspace.run_article,
                        step=name,
                        started_at=begun,
                        finished_at=ended,
                    )
            committed_ms = time.time() * 1000
            seen_ms = float(driver.ask("seen", timeout_ms=15_000)["seen_at"])
            lags.append(seen_ms - committed_ms)
            previous, previous_started = step, now
            # Events a person can tell apart: the page re-reads the run 100 ms after a burst.
            await asyncio.sleep(0.4)
    finally:
        await engine.dispose()
    return lags


# -- the services -------------------------------------------------------------------------------
@contextmanager
def database(settings: Settings) -> Iterator[DatabaseUrls]:
    """A fresh database in the benchmark's own embedded PostgreSQL, stopped afterwards."""
    server = EmbeddedPostgres(settings.home)
    server.start()
    try:
        urls = resolve_urls(settings)

        async def recreate() -> None:
            await bootstrap.drop_database(urls.admin, settings)
            await bootstrap.bootstrap(urls.admin, settings)

        asyncio.run(recreate())
        migrate.upgrade(urls.owner, settings)
        yield urls
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured warm loads per page")
    parser.add_argument("--warmup", type=int, default=1, help="warm loads not measured")
    parser.add_argument("--events", type=int, default=20, help="live step changes")
    parser.add_argument(
        "--settle-ms", type=int, default=1500, help="wait after a cold load for late chunks"
    )
    parser.add_argument("--home", type=Path, default=HOME, help="the benchmark's ICOP_HOME")
    args = parser.parse_args()
    node = require_tools()
    build_web()

    manifest = WEB / ".next/app-path-routes-manifest.json"
    routes = page_routes(json.loads(manifest.read_text()))
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "ICOP_VAULT_KEYS"):
        os.environ.pop(variable, None)
    os.environ["ICOP_HOME"] = str(args.home)

    settings = Settings(
        home=args.home,
        log_level="WARNING",
        rate_limit_user="1000000/minute",
        rate_limit_tenant="1000000/minute",
        rate_limit_anonymous="1000000/minute",
        web_host="127.0.0.1",
        web_port=free_port(),
        web_dir=WEB,
    )
    with database(settings) as urls, served_api(urls, settings) as port:
        api = f"http://127.0.0.1:{port}"
        workspace = seed(api, urls, settings)
        dashboard = Dashboard.prepare(settings, api_url=api)
        if isinstance(dashboard, Unavailable):
            raise SystemExit(f"dashboard benchmark: {dashboard.reason}")
        try:
            dashboard.start()
        except RuntimeError as error:
            raise SystemExit(f"dashboard benchmark: {error}") from None
        driver = Driver(node, dashboard.url)
        try:
            driver.ask("login", email=workspace.email, password=PASSWORD)
            print(f"{len(routes)} pages in the build; warm loads: {args.warmup} + {args.runs}")
            figures, skipped, failed = measure_routes(
                driver, dashboard.url, routes, workspace.ids, args
            )
            lags = asyncio.run(live_lags(driver, urls, settings, workspace, args.events))
        except RuntimeError as error:
            raise SystemExit(f"dashboard benchmark: {error}") from None
        finally:
            driver.close()
            dashboard.stop()
    if not figures:
        raise SystemExit("dashboard benchmark: no page could be measured")
    print()
    print(table(figures))
    for line in skipped:
        print(f"skipped: {line}")
    for line in failed:
        print(f"FAILED: {line}")
    print(
        "js: the scripts each page's cold load fetched by its load event (later: those it "
        "imported after, until it settled), each gzip level 6 by Python, summed; kB = 1,000 bytes"
    )
    print(
        f"live lag ms (commit → shown, {len(lags)} step changes): p50 "
        f"{percentile(lags, 0.5):.0f}, max {max(lags):.0f}"
    )
    worst = max(figures, key=lambda f: percentile(f.lcp_ms, 0.95))
    print(
        f"worst page by lcp p95: {worst.route} {percentile(worst.lcp_ms, 0.95):.0f} ms; "
        f"targets: lcp p95 ≤ {TARGET_LCP_MS:.0f} ms, js ≤ {TARGET_ROUTE_JS_KB:.0f} kB, "
        f"lag p95 ≤ {TARGET_LAG_MS:.0f} ms"
    )
    print(result_line(figures, lags), flush=True)
    if failed:
        sys.exit(1)  # the figures above leave out a page that did not load


if __name__ == "__main__":
    main()
