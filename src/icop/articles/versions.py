"""Editing an article: every save is a new version (append-only), checked by the gate's
deterministic rules, with a diff against the one before and a restore that is itself a new
version. Optimistic concurrency: a save names the version it started from (``If-Match:
"v<n>"`` or ``base_version``) and a stale one is refused instead of overwriting someone.

Which articles can be edited (ArticleStatus):
- ``awaiting_approval``, ``needs_review``: saved whatever the findings say (a person is
  reviewing it; the findings are shown to them); the status stays — approving stays the
  approval flow's decision (``POST …/approve``), an edit does not approve.
- ``ready``: saved only without blocking findings, so a ready article stays publishable; its
  status stays ``ready`` (its approval, if any, was given and is not asked again).
- ``queued``, ``running``: refused (409): the graph would overwrite the edit when it saves.
- ``rejected``, ``failed``, ``no_sources``: refused (409): nothing to publish; run it again.
"""

from __future__ import annotations

import asyncio
import difflib
import re
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles import editing
from icop.articles.activities import markdown_path, write_markdown
from icop.articles.repository import ArticleRepository, VersionRepository
from icop.articles.schemas import (
    ContentSaved,
    ContentUpdate,
    FindingOut,
    VersionOut,
    VersionSummary,
)
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.db.session import after_commit
from icop.errors import Conflict, ICOPError, NotFound, ValidationFailed
from icop.models import ArticleStatus, ArticleVersion, GeneratedArticle

EDITABLE = (ArticleStatus.AWAITING_APPROVAL, ArticleStatus.NEEDS_REVIEW, ArticleStatus.READY)
_ETAG = re.compile(r'^(?:W/)?"v(\d+)"$')


class PreconditionFailed(ICOPError):
    status = 412
    code = "precondition_failed"
    title = "The article changed since you loaded it"


class PreconditionRequired(ICOPError):
    status = 428
    code = "precondition_required"
    title = "Say which version you edited"


def etag(number: int) -> str:
    return f'"v{number}"'


async def _versions(session: AsyncSession, article: GeneratedArticle) -> VersionRepository:
    """The article's version repository, version 1 recorded first if the history is new:
    what the graph wrote (backfilled on first use, for articles written before versions)."""
    versions = VersionRepository(session)
    if article.final_markdown is not None and await versions.latest(article.id) is None:
        await versions.add_first(
            ArticleVersion(
                tenant_id=article.tenant_id,
                article_id=article.id,
                markdown=article.final_markdown,
                seo=article.seo or {},
                source="graph",
                summary="written by the agents",
                findings=[
                    f for f in (article.quality or {}).get("findings", []) if isinstance(f, dict)
                ],
            )
        )
    return versions


def _summary(version: ArticleVersion) -> VersionSummary:
    return VersionSummary.model_validate(version)


def _out(version: ArticleVersion, previous: ArticleVersion | None) -> VersionOut:
    before = previous.markdown if previous else ""
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            version.markdown.splitlines(keepends=True),
            fromfile=f"v{previous.number}" if previous else "empty",
            tofile=f"v{version.number}",
        )
    )
    old_seo = previous.seo if previous else {}
    seo_changes = {
        key: [old_seo.get(key), version.seo.get(key)]
        for key in sorted(set(old_seo) | set(version.seo))
        if old_seo.get(key) != version.seo.get(key)
    }
    return VersionOut(
        **_summary(version).model_dump(),
        markdown=version.markdown,
        seo=version.seo,
        findings=[FindingOut.model_validate(f) for f in version.findings],
        diff=diff,
        seo_changes=seo_changes,
    )


async def list_versions(session: AsyncSession, article_id: UUID) -> list[VersionSummary]:
    article = await ArticleRepository(session).must_get(article_id)
    versions = await _versions(session, article)
    return [_summary(v) for v in await versions.list(article_id)]


async def get_version(session: AsyncSession, article_id: UUID, number: int) -> VersionOut:
    article = await ArticleRepository(session).must_get(article_id)
    versions = await _versions(session, article)
    version = await versions.get(article_id, number)
    if version is None:
        raise NotFound(f"the article has no version {number}")
    previous = await versions.get(article_id, number - 1) if number > 1 else None
    return _out(version, previous)


def _base(if_match: str | None, body_base: int | None) -> tuple[int, bool]:
    """The version the edit started from, and whether it came as an If-Match header."""
    if if_match is not None:
        match = _ETAG.match(if_match.strip())
        if match is None:
            raise PreconditionFailed('If-Match must be a version tag such as "v3"')
        return int(match.group(1)), True
    if body_base is None:
        raise PreconditionRequired(
            'send If-Match: "v<n>" (the ETag you read) or base_version: the version you edited'
        )
    return body_base, False


async def save(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    article_id: UUID,
    body: ContentUpdate,
    *,
    if_match: str | None,
) -> ContentSaved:
    document = editing.parse(body.markdown) if body.markdown is not None else None
    return await _store(
        session,
        settings,
        principal,
        article_id,
        document=document,
        seo=body.seo.model_dump() if body.seo else None,
        summary=body.summary,
        source="edit",
        precondition=(if_match, body.base_version),
    )


async def restore(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    article_id: UUID,
    number: int,
    *,
    if_match: str | None,
) -> ContentSaved:
    """A new version whose content is version ``number``'s (history is never rewritten)."""
    article = await ArticleRepository(session).must_get(article_id, lock=True)
    versions = await _versions(session, article)
    old = await versions.get(article_id, number)
    if old is None:
        raise NotFound(f"the article has no version {number}")
    return await _store(
        session,
        settings,
        principal,
        article_id,
        document=editing.parse(old.markdown),
        seo=dict(old.seo),
        summary=f"restored version {number}",
        source="restore",
        precondition=(if_match, None) if if_match is not None else None,
        restored_from=number,
        verbatim=old.markdown,
    )


class _Refused(ValidationFailed):
    title = "The edit would make a ready article unpublishable"


async def _store(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    article_id: UUID,
    *,
    document: editing.Document | None,
    seo: dict[str, Any] | None,
    summary: str | None,
    source: str,
    precondition: tuple[str | None, int | None] | None,
    restored_from: int | None = None,
    verbatim: str | None = None,
) -> ContentSaved:
    """``precondition``: (If-Match, base_version) when the caller must name the version it
    edited (checked after the article is found: another tenant's article is a 404 first).
    ``verbatim``: the exact text to store (a restore), instead of the document rendered
    with the SEO fields in its front matter. ``document`` None: the latest version's text
    (an edit of the SEO fields alone)."""
    # The row lock serialises saves of one article: the version check below cannot race.
    article = await ArticleRepository(session).must_get(article_id, lock=True)
    if article.status not in EDITABLE or article.final_markdown is None:
        raise Conflict(
            f"the article is {article.status}: only a written article "
            "(awaiting approval, needs review or ready) can be edited"
        )
    expected = _base(*precondition) if precondition is not None else None
    versions = await _versions(session, article)
    latest = await versions.latest(article_id)
    assert latest is not None  # _versions recorded version 1
    if expected is not None and expected[0] != latest.number:
        stale = f"you edited version {expected[0]}; the article is at version {latest.number}"
        raise PreconditionFailed(stale) if expected[1] else Conflict(stale, current=latest.number)
    seo = seo if seo is not None else dict(latest.seo)
    if document is None:
        document = editing.parse(latest.markdown)
    document = editing.with_seo(document, seo, article.language)
    sources = {int(c["number"]) for c in article.citations if isinstance(c, dict) and "number" in c}
    if not sources:
        sources = {int(n) for n in re.findall(r"^(\d{1,2})\. ", document.sources, re.MULTILINE)}
    findings = editing.check(
        document.body,
        language=article.language,
        length_words=article.length_words,
        sources=sources,
        seo=seo,
    )
    blocking = editing.blocking(findings)
    if article.status == ArticleStatus.READY and blocking:
        raise _Refused(
            "the article is ready (it may be published): fix the blocking findings first",
            findings=[f.model_dump(mode="json") for f in findings],
        )
    markdown = verbatim if verbatim is not None else document.render()
    try:
        version = await versions.add(
            ArticleVersion(
                tenant_id=article.tenant_id,
                article_id=article_id,
                number=latest.number + 1,
                markdown=markdown,
                seo=seo,
                source=source,
                summary=summary or _describe(latest, markdown, seo),
                restored_from=restored_from,
                author_id=principal.user_id,
                findings=[f.model_dump(mode="json") for f in findings],
            )
        )
    except IntegrityError as error:  # only without the row lock (never here); kept honest
        raise Conflict("another edit was saved at the same time; reload and edit again") from error
    quality = dict(article.quality or {})
    quality.update(
        {
            "passed": not blocking,
            "findings": [f.model_dump(mode="json") for f in findings],
            "checked": source,
            "version": version.number,
        }
    )
    await ArticleRepository(session).update(
        article_id,
        final_markdown=markdown,
        title=seo.get("title") or article.title,
        seo=seo,
        quality=quality,
    )
    await audit.record(
        session,
        tenant_id=article.tenant_id,
        actor=principal,
        action="article.version_restored" if source == "restore" else "article.edited",
        target_type="article",
        target_id=article_id,
        details={
            "version": version.number,
            "from_version": latest.number,
            **({"restored_from": restored_from} if restored_from else {}),
            **({"seo_changed": changed} if (changed := _seo_changed(latest.seo, seo)) else {}),
            "blocking_findings": len(blocking),
        },
    )
    if article.final_markdown_url:
        # The file the graph wrote follows the text, once the version is committed.
        path = markdown_path(settings.home, article.tenant_id, article_id)

        async def rewrite(_: async_sessionmaker[AsyncSession]) -> None:
            await asyncio.to_thread(write_markdown, path, markdown)

        after_commit(session, rewrite)
    return ContentSaved(article_id=article_id, status=article.status, version=_out(version, latest))


def _seo_changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in sorted(set(after) | set(before)) if after.get(key) != before.get(key)]


def _describe(previous: ArticleVersion, markdown: str, seo: dict[str, Any]) -> str:
    added = removed = 0
    for line in difflib.ndiff(previous.markdown.splitlines(), markdown.splitlines()):
        added += line.startswith("+ ")
        removed += line.startswith("- ")
    changed = _seo_changed(previous.seo, seo)
    text = f"{added} line(s) added, {removed} removed"
    return f"{text}; SEO: {', '.join(changed)}" if changed else text
