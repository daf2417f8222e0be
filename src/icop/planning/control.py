"""The plan sheet as the team's control panel: decisions typed into a row are applied to the
row's articles, and the row shows its posts' status and live links.

A row is tied to its articles by its topic (``topic_key``: the same normalised text the run
stored its sub-topics under), not by its row number, so a row that was moved still finds them.

One *sync* of a pipeline's plan is: what the sheet says (read once by the caller) → what the
database says → decisions to signal + cell updates. ``plan_sync`` only reads the database;
``apply_decisions`` then decides each article through ``icop.articles.service.decide``, the
API's own call (the article workflow's signal, the audit entry, the same state machine). The
caller writes the updates in the step's one ``batchUpdate``.

Idempotent: a decision already applied (the article is ready or rejected as asked, or was
decided in the last hour and the workflow has not stored it yet) does nothing, and a cell is
written only when its text would change.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.service import RPCError

from icop.articles import service as articles
from icop.audit.repository import AuditRepository
from icop.auth.principal import Principal, PrincipalKind
from icop.db.session import unit_of_work
from icop.errors import ICOPError
from icop.models import ArticleStatus, ContentPipeline, GeneratedArticle, Post, PostStatus, Role
from icop.planning.keys import topic_key
from icop.planning.repository import SubTopicRepository
from icop.planning.sheets.a1 import parse_a1
from icop.planning.sheets.control import ControlRow, RowDecision, control_rows, parse_decision
from icop.planning.sheets.layout import LIST_SEPARATOR, ColumnMapping, RowError, RowUpdate
from icop.syndication.repository import PostRepository

logger = logging.getLogger(__name__)

DECISION_NOTE = "decision "
"""Our note lines in the Notes cell start with this; a later sync replaces them."""
DECIDED_ACTIONS = ("article.approved", "article.rejected")
# A decision signalled this recently and not yet stored by the article's workflow is in
# flight: it is not signalled (nor audited) again. An older one that never landed is resent.
IN_FLIGHT = timedelta(hours=1)
_WAITING_POSTS = frozenset({PostStatus.SCHEDULED, PostStatus.WAITING_QUOTA, PostStatus.PUBLISHING})


@dataclass(frozen=True, slots=True)
class Verdict:
    """One article to decide, and where the decision was typed."""

    article_id: UUID
    approved: bool
    reason: str | None
    row_number: int
    cell: str
    # "article 2 (label)": how the row's note names it.
    name: str


@dataclass(slots=True)
class SyncPlan:
    verdicts: list[Verdict] = field(default_factory=list)
    updates: list[RowUpdate] = field(default_factory=list)
    # An article of a row is still being written or awaits a decision, or a post is on its
    # way: a watcher keeps syncing.
    outstanding: bool = False


@dataclass(frozen=True, slots=True)
class _Item:
    position: int
    label: str
    article: GeneratedArticle | None


def rows_of(
    values: Sequence[Sequence[str]], range_a1: str, mapping: ColumnMapping
) -> list[ControlRow]:
    rng = parse_a1(range_a1)
    return control_rows(values, first_row=rng.first_row, first_col=rng.first_col, mapping=mapping)


async def plan_sync(
    session: AsyncSession,
    pipeline_id: UUID,
    rows: Sequence[ControlRow],
    mapping: ColumnMapping,
    *,
    now: datetime | None = None,
) -> SyncPlan:
    """Decisions and cell updates for ``rows`` (what the sheet says now)."""
    plan = SyncPlan()
    if not rows or (mapping.decision is None and mapping.posts is None):
        return plan
    keys = sorted({topic_key(row.topic) for row in rows})
    by_key: dict[str, list[_Item]] = {}
    for sub_topic, article in await SubTopicRepository(session).with_articles(pipeline_id, keys):
        by_key.setdefault(sub_topic.topic_key, []).append(
            _Item(sub_topic.position, sub_topic.label, article)
        )
    ids = [item.article.id for items in by_key.values() for item in items if item.article]
    posts: dict[UUID, list[Post]] = {}
    for post in await PostRepository(session).for_articles(ids):
        if post.article_id is not None:
            posts.setdefault(post.article_id, []).append(post)
    since = (now or datetime.now(UTC)) - IN_FLIGHT
    in_flight = {
        UUID(target)
        for target in await AuditRepository(session).targets_with(
            actions=DECIDED_ACTIONS,
            target_type="article",
            target_ids=[str(article_id) for article_id in ids],
            since=since,
        )
    }
    for row in rows:
        items = by_key.get(topic_key(row.topic), [])
        update: dict[str, object] = {}
        if any(item.article is not None and _undecided(item.article) for item in items):
            plan.outstanding = True
        if mapping.posts is not None and items:
            lines = post_lines(items, posts)
            row_posts = [p for i in items if i.article for p in posts.get(i.article.id, [])]
            if any(post.status in _WAITING_POSTS for post in row_posts):
                plan.outstanding = True
            if LIST_SEPARATOR.join(lines) != row.posts.strip():
                update["posts"] = lines
        if mapping.decision is not None:
            note = None
            decision = parse_decision(row)
            if isinstance(decision, RowError):
                note = f"{DECISION_NOTE}{decision.message}"
            elif decision is not None:
                cell = f"{mapping.decision}{row.row_number}"
                note, verdicts, waiting = _judge(decision, items, in_flight, cell)
                plan.verdicts += verdicts
                plan.outstanding = plan.outstanding or waiting
            notes = with_note(row.notes, note)
            if notes != row.notes:
                update["notes"] = notes
        if update:
            plan.updates.append(
                RowUpdate(
                    row.row_number,
                    notes=update.get("notes"),  # type: ignore[arg-type]
                    posts=update.get("posts"),  # type: ignore[arg-type]
                )
            )
    return plan


def _undecided(article: GeneratedArticle) -> bool:
    return not article.status.final or article.status == ArticleStatus.AWAITING_APPROVAL


def _judge(
    decision: RowDecision, items: Sequence[_Item], in_flight: set[UUID], cell: str
) -> tuple[str, list[Verdict], bool]:
    """(the row's note, the articles to decide now, whether some article is not ready for the
    decision yet). The note describes the state the decision leads to, so that it reads the
    same before and after the decision lands (and is not rewritten)."""
    word = "approved" if decision.approved else "rejected"
    head = f"{DECISION_NOTE}{decision.value[:40]!r}: "
    if not items:
        return head + "this topic has no articles yet; nothing was decided", [], False
    verdicts: list[Verdict] = []
    problems: list[str] = []
    agreed = 0
    waiting = False
    target = ArticleStatus.READY if decision.approved else ArticleStatus.REJECTED
    for item in items:
        article = item.article
        name = f"article {item.position + 1} ({item.label[:60]})"
        if article is None:
            problems.append(f"{name} was not created")
            continue
        status = article.status
        if status == ArticleStatus.AWAITING_APPROVAL:
            agreed += 1
            if article.id not in in_flight:
                verdicts.append(
                    Verdict(
                        article.id,
                        decision.approved,
                        decision.reason,
                        decision.row_number,
                        cell,
                        name,
                    )
                )
        elif status == target:
            agreed += 1
        elif not status.final:
            waiting = True
            problems.append(f"{name} is still being written; the decision applies once it is")
        else:
            problems.append(f"{name} is {status}, not awaiting approval: left as it is")
    note = f"{agreed} of {len(items)} article(s) {word}"
    if problems:
        note += "; " + "; ".join(problems)
    return head + note, verdicts, waiting


def with_note(notes: str, note: str | None) -> str:
    """``notes`` with our decision line replaced by ``note`` (removed when None); every other
    line (the run's own notes) kept."""
    kept = [line for line in notes.split(LIST_SEPARATOR) if not line.startswith(DECISION_NOTE)]
    kept = [line for line in kept if line.strip()]
    if note is not None:
        kept.append(note)
    return LIST_SEPARATOR.join(kept)


def post_lines(items: Sequence[_Item], posts: dict[UUID, list[Post]]) -> list[str]:
    """One line per post: ``2. instagram: published https://…``; the number is the article's
    place among the row's sub-topics. An unconfirmed post is flagged in capitals: it may or may
    not be live, and a person must look before anything is sent again."""
    lines: list[str] = []
    for item in items:
        if item.article is None:
            continue
        # By platform, so that a row reads the same way each time.
        for post in sorted(posts.get(item.article.id, []), key=lambda p: p.platform):
            lines.append(f"{item.position + 1}. {post_line(post)}")
    return lines


def post_line(post: Post) -> str:
    link = f" {post.permalink}" if post.permalink else ""
    if post.status == PostStatus.UNCONFIRMED:
        return (
            f"{post.platform}: ⚠ UNCONFIRMED (sent, not confirmed by {post.platform}: check it "
            f"there before retrying){link}"
        )
    if post.status == PostStatus.FAILED:
        reason = " ".join((post.error or "").split())[:120]
        return f"{post.platform}: failed" + (f" ({reason})" if reason else "")
    return f"{post.platform}: {post.status}{link}"


async def apply_decisions(
    sessionmaker: async_sessionmaker[AsyncSession],
    pipeline: ContentPipeline,
    verdicts: Sequence[Verdict],
    temporal: Callable[[], Awaitable[Client]],
) -> list[RowUpdate]:
    """Decide each article as the API does, one transaction each. A decision that cannot be
    applied (the article moved on meanwhile, the workflow is gone) becomes a note on its row."""
    if not verdicts:
        return []
    if pipeline.created_by is None:
        return _failures(verdicts, "the pipeline has no owner to decide as")
    # The sheet has no signed-in user: a decision typed there is the pipeline owner's (who
    # shared the sheet with the team), audited with the cell it came from.
    principal = Principal(
        kind=PrincipalKind.USER,
        tenant_id=pipeline.tenant_id,
        role=Role.EDITOR,
        user_id=pipeline.created_by,
    )
    failed: list[tuple[Verdict, str]] = []
    for verdict in verdicts:
        try:
            async with unit_of_work(sessionmaker, pipeline.tenant_id) as session:
                await articles.decide(
                    session,
                    temporal,
                    principal,
                    verdict.article_id,
                    approved=verdict.approved,
                    reason=verdict.reason,
                    origin={"source": "sheet", "cell": verdict.cell},
                )
        except ICOPError as error:
            failed.append((verdict, error.detail))
        except RPCError as error:
            logger.warning("cannot decide article %s: %s", verdict.article_id, error)
            failed.append((verdict, f"the article's workflow did not take it ({error.message})"))
    return [
        RowUpdate(
            verdict.row_number,
            notes=f"{DECISION_NOTE}{verdict.name} not decided: {reason}",
        )
        for verdict, reason in failed
    ]


def _failures(verdicts: Sequence[Verdict], reason: str) -> list[RowUpdate]:
    rows = sorted({verdict.row_number for verdict in verdicts})
    return [RowUpdate(row, notes=f"{DECISION_NOTE}not decided: {reason}") for row in rows]


async def row_post_lines(session: AsyncSession, pipeline_id: UUID, key: str) -> list[str]:
    """The posts cell of the row whose topic has ``key``."""
    items = [
        _Item(sub_topic.position, sub_topic.label, article)
        for sub_topic, article in await SubTopicRepository(session).with_articles(
            pipeline_id, [key]
        )
    ]
    ids = [item.article.id for item in items if item.article is not None]
    posts: dict[UUID, list[Post]] = {}
    for post in await PostRepository(session).for_articles(ids):
        if post.article_id is not None:
            posts.setdefault(post.article_id, []).append(post)
    return post_lines(items, posts)


async def post_fingerprint(
    session: AsyncSession, article_ids: Sequence[UUID]
) -> tuple[tuple[str, ...], bool]:
    """What the posts of ``article_ids`` look like now (a change means a sync is due) and
    whether one of them is still on its way."""
    posts = await PostRepository(session).for_articles(article_ids)
    marks = tuple(sorted(f"{post.id}:{post.status}:{post.permalink or ''}" for post in posts))
    return marks, any(post.status in _WAITING_POSTS for post in posts)
