"""Proposals: kits the learning agent proposed, waiting for a person.

Learning runs before the unit of work opens (pages fetched, images decoded, the model asked,
samples embedded), so no database connection waits on it; storing the proposal is one short
transaction. Accepting makes a version (``icop.brand.versions``), with the person's edits laid
over the proposal first; rejecting keeps the proposal, marked, for the record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand import logo as logos
from icop.brand import versions
from icop.brand.learning.agent import BrandLearningAgent, BrandMaterial, LearnedKit
from icop.brand.learning.fetch import FetchLimits, Resolver, fetch_page, system_resolver
from icop.brand.learning.schemas import BrandKitProposal as LearnedProposal
from icop.brand.palette import MIN_TEXT_CONTRAST, contrast_ratio, hex_to_rgb
from icop.brand.repository import BrandKitRepository, BrandProposalRepository
from icop.brand.schemas import (
    BrandProposalOut,
    KitChangeOut,
    ProposalEdits,
)
from icop.brand.snapshot import KitSnapshot, diff, snapshot_of
from icop.config import Settings
from icop.errors import Conflict, ValidationFailed
from icop.knowledge.extract import decode, extract
from icop.models import (
    BrandKitVersion,
    BrandProposal,
    KitChangeReason,
    ProposalStatus,
    ProposalTrigger,
)


def fetch_limits(settings: Settings) -> FetchLimits:
    """Private addresses only outside production, and only when the operator allows it."""
    return FetchLimits(
        max_bytes=settings.brand_fetch_max_bytes,
        timeout_s=settings.brand_fetch_timeout_s,
        allow_private=settings.environment != "production" and settings.brand_fetch_allow_private,
    )


async def gather(
    *,
    name: str | None,
    images: list[bytes],
    pages: list[str],
    urls: list[str],
    samples: list[str],
    limits: FetchLimits,
    resolver: Resolver = system_resolver,
) -> tuple[BrandMaterial, dict[str, Any]]:
    """The material, read and checked: images through the logo checks (decoded by their own
    decoders, bounded), URLs through the fetch guard. Also a summary of the sources."""
    checked = [await asyncio.to_thread(logos.normalise, data) for data in images]
    fetched = [await fetch_page(url, limits, resolver=resolver) for url in urls]
    material = BrandMaterial(
        name=name,
        images=[image.png for image in checked],
        pages=[*pages, *(page.text for page in fetched)],
        samples=samples,
    )
    sources = {
        "images": len(images),
        "pages": len(pages),
        "urls": [page.url for page in fetched],
        "samples": len([s for s in samples if s.strip()]),
    }
    return material, sources


def read_sample(
    data: bytes, filename: str | None, media_type: str | None
) -> tuple[str, str | None]:
    """A text sample file's words, and its HTML too when it is a page: a past article saved
    from the brand's site carries its declared fonts and colours as well as its voice."""
    extracted = extract(data, filename, media_type)
    page = decode(data) if extracted.kind == "html" else None
    return extracted.text, page


async def learn(
    agent: BrandLearningAgent, material: BrandMaterial, tenant_id: UUID, current: KitSnapshot
) -> LearnedKit:
    return await agent.learn(material, tenant_id=tenant_id, current=current.spec())


async def store(
    session: AsyncSession,
    principal: Principal | None,
    tenant_id: UUID,
    learned: LearnedKit,
    *,
    trigger: str,
    reason: str | None,
    sources: dict[str, Any],
) -> BrandProposal:
    proposal = await BrandProposalRepository(session).add(
        BrandProposal(
            tenant_id=tenant_id,
            id=uuid4(),
            status=ProposalStatus.PENDING.value,
            trigger=trigger,
            reason=reason,
            proposal=learned.proposal.model_dump(mode="json"),
            sources=sources,
            voice_embedding=learned.voice_embedding,
            created_by=principal.user_id if principal else None,
        )
    )
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor=principal,
        action="brand.kit_proposed",
        target_type="brand_kit_proposal",
        target_id=proposal.id,
        details={"trigger": trigger},
    )
    return proposal


async def current_snapshot(session: AsyncSession, tenant_id: UUID) -> KitSnapshot:
    return snapshot_of(await BrandKitRepository(session).get(tenant_id))


def proposed_snapshot(proposal: LearnedProposal, edits: ProposalEdits | None) -> KitSnapshot:
    snapshot = KitSnapshot(
        name=proposal.name,
        background=proposal.background,
        accent=proposal.accent,
        text=proposal.text,
        font=proposal.font,
        palette=proposal.palette,
        declared_fonts=proposal.declared_fonts,
        heading_font=proposal.heading_font,
        body_font=proposal.body_font,
        tone=proposal.tone,
    )
    if edits is None:
        return snapshot
    given = edits.model_dump(exclude_unset=True)
    columns = ("name", "background", "accent", "text", "font")
    update: dict[str, object] = {key: given[key] for key in columns if key in given}
    tone = snapshot.tone
    if tone is not None:
        tone_update = {
            field: given[key]
            for key, field in (
                ("tone_description", "description"),
                ("do_phrases", "do_phrases"),
                ("dont_phrases", "dont_phrases"),
            )
            if given.get(key) is not None
        }
        tone = tone.model_copy(update=tone_update)
    edited = snapshot.model_copy(update={**update, "tone": tone})
    ratio = contrast_ratio(hex_to_rgb(edited.text), hex_to_rgb(edited.background))
    if ratio < MIN_TEXT_CONTRAST:
        raise ValidationFailed(
            f"text {edited.text} on background {edited.background} has a contrast ratio of "
            f"{ratio:.2f}:1; cards need at least {MIN_TEXT_CONTRAST:.1f}:1"
        )
    return edited


async def accept(
    session: AsyncSession,
    principal: Principal,
    proposal_id: UUID,
    edits: ProposalEdits | None,
    note: str | None,
) -> tuple[BrandProposal, BrandKitVersion]:
    repository = BrandProposalRepository(session)
    proposal = await repository.must_get(proposal_id, lock=True)
    _must_be_pending(proposal)
    snapshot = proposed_snapshot(LearnedProposal.model_validate(proposal.proposal), edits)
    edited = edits is not None and bool(edits.model_dump(exclude_unset=True))
    _kit, version = await versions.commit(
        session,
        principal,
        principal.tenant_id,
        snapshot,
        reason=KitChangeReason.LEARNED,
        note=note or ("learned, edited before accepting" if edited else "learned"),
        proposal_id=proposal.id,
        voice_embedding=proposal.voice_embedding,
    )
    await _decide(session, principal, proposal, ProposalStatus.ACCEPTED, version.number)
    return proposal, version


async def reject(
    session: AsyncSession, principal: Principal, proposal_id: UUID, reason: str | None
) -> BrandProposal:
    proposal = await BrandProposalRepository(session).must_get(proposal_id, lock=True)
    _must_be_pending(proposal)
    if reason:
        proposal.reason = f"{proposal.reason or ''}\nrejected: {reason}".strip()[:2000]
    await _decide(session, principal, proposal, ProposalStatus.REJECTED, None)
    return proposal


def _must_be_pending(proposal: BrandProposal) -> None:
    if proposal.status != ProposalStatus.PENDING.value:
        raise Conflict(f"the proposal was already {proposal.status}")


async def _decide(
    session: AsyncSession,
    principal: Principal,
    proposal: BrandProposal,
    status: ProposalStatus,
    version: int | None,
) -> None:
    proposal.status = status.value
    proposal.decided_by = principal.user_id
    proposal.decided_at = datetime.now(UTC)
    proposal.version_number = version
    await session.flush()
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action=f"brand.kit_proposal_{status.value}",
        target_type="brand_kit_proposal",
        target_id=proposal.id,
        details={"version": version},
    )


async def list_proposals(
    session: AsyncSession, *, status: ProposalStatus | None, limit: int, offset: int
) -> Sequence[BrandProposal]:
    return await BrandProposalRepository(session).list_proposals(
        status=status.value if status else None, limit=limit, offset=offset
    )


async def get(session: AsyncSession, proposal_id: UUID) -> BrandProposal:
    return await BrandProposalRepository(session).must_get(proposal_id)


def to_out(proposal: BrandProposal, current: KitSnapshot | None = None) -> BrandProposalOut:
    learned = LearnedProposal.model_validate(proposal.proposal)
    changes = (
        [
            KitChangeOut.model_validate(change.model_dump())
            for change in diff(current, proposed_snapshot(learned, None))
        ]
        if current is not None and proposal.status == ProposalStatus.PENDING.value
        else []
    )
    return BrandProposalOut(
        id=proposal.id,
        status=ProposalStatus(proposal.status),
        trigger=ProposalTrigger(proposal.trigger),
        reason=proposal.reason,
        proposal=learned,
        sources=proposal.sources,
        changes=changes,
        created_by=proposal.created_by,
        created_at=proposal.created_at,
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
        version_number=proposal.version_number,
    )
