"""Brand learning API: propose a kit from material, review proposals, kit versions.

Learning reads and checks the material and asks the model before its unit of work opens
(``DetachedPrincipal``), so no database connection waits on a page fetch or a model call.
Editors and above learn, accept and reject; every member reads; rolling back, like ``PUT
/brand/kit``, changes what every card is painted with, so it is an editor's too (a rollback
only restores what someone already accepted).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Path, Query, UploadFile, status

from icop.auth.dependencies import CurrentPrincipal, DetachedPrincipal, TenantSession, require_role
from icop.brand import proposals, versions
from icop.brand.learning.agent import BrandLearningAgent
from icop.brand.logo import MAX_LOGO_BYTES
from icop.brand.schemas import (
    AcceptProposal,
    BrandKitDiffOut,
    BrandKitVersionOut,
    BrandProposalOut,
    KitChangeOut,
    RejectProposal,
)
from icop.db.session import unit_of_work
from icop.embeddings.dependencies import EmbedderDep
from icop.errors import PayloadTooLarge
from icop.gateway.dependencies import Limit, Offset, SessionmakerDep, SettingsDep
from icop.gateway.problems import problem_responses
from icop.llm.dependencies import LLMDep
from icop.models import BrandKitVersion, ProposalStatus, Role

# Version numbers are a PostgreSQL integer: a larger one is a 422, not a database error.
MAX_VERSION = 2**31 - 1
VersionNumber = Annotated[int, Path(ge=0, le=MAX_VERSION)]

router = APIRouter(prefix="/brand", tags=["brand"], responses=problem_responses(401, 403, 429))
MAX_TEXT_FILE_BYTES = 2_000_000


async def _read(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"{upload.filename or 'a file'} is larger than {limit:,} bytes")
    return data


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\x00", "")


@router.post(
    "/learn",
    status_code=status.HTTP_201_CREATED,
    response_model=BrandProposalOut,
    dependencies=[require_role(Role.EDITOR, detached=True)],
    responses=problem_responses(413, 422, 503),
)
async def learn(
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
    llm: LLMDep,
    settings: SettingsDep,
    name: Annotated[str | None, Form(max_length=80)] = None,
    images: Annotated[
        list[UploadFile] | None,
        File(description="Logo and images: PNG, JPEG or WebP (at most 8).", max_length=8),
    ] = None,
    pages: Annotated[
        list[UploadFile] | None,
        File(description="HTML pages or CSS files (at most 5).", max_length=5),
    ] = None,
    samples: Annotated[
        list[UploadFile] | None,
        File(
            description="Text samples and past articles: .txt, .md or .html, UTF-8 (at most "
            "20); an HTML article gives its declared fonts and colours too.",
            max_length=20,
        ),
    ] = None,
    sample_text: Annotated[
        list[str] | None, Form(description="Text samples given inline.", max_length=20)
    ] = None,
    url: Annotated[
        list[str] | None,
        Form(description="Public pages to fetch now (at most 5).", max_length=5),
    ] = None,
) -> BrandProposalOut:
    """Learn a kit from what is given and store it as a proposal (never applied by itself):
    colours from the images and declared CSS, fonts from the pages, tone from the samples.
    A URL is fetched now, once, with the fetch guard (public addresses only)."""
    image_bytes = [await _read(file, MAX_LOGO_BYTES) for file in images or []]
    page_texts = [_text(await _read(file, MAX_TEXT_FILE_BYTES)) for file in pages or []]
    sample_texts: list[str] = []
    for file in samples or []:
        text, page = proposals.read_sample(
            await _read(file, MAX_TEXT_FILE_BYTES), file.filename, file.content_type
        )
        sample_texts.append(text)
        if page is not None:
            page_texts.append(page)
    material, sources = await proposals.gather(
        name=name,
        images=image_bytes,
        pages=page_texts,
        urls=url or [],
        samples=[*sample_texts, *(sample_text or [])],
        limits=proposals.fetch_limits(settings),
    )
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        current = await proposals.current_snapshot(session, principal.tenant_id)
    learned = await proposals.learn(
        BrandLearningAgent(llm, embedder), material, principal.tenant_id, current
    )
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        stored = await proposals.store(
            session,
            principal,
            principal.tenant_id,
            learned,
            trigger="user",
            reason="asked for",
            sources=sources,
        )
        return proposals.to_out(stored, current)


@router.get("/proposals", response_model=list[BrandProposalOut])
async def list_proposals(
    principal: CurrentPrincipal,
    session: TenantSession,
    status_: Annotated[ProposalStatus | None, Query(alias="status")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[BrandProposalOut]:
    """Proposals, newest first; a pending one lists how it differs from the current kit."""
    current = await proposals.current_snapshot(session, principal.tenant_id)
    found = await proposals.list_proposals(session, status=status_, limit=limit, offset=offset)
    return [proposals.to_out(proposal, current) for proposal in found]


@router.get(
    "/proposals/{proposal_id}", response_model=BrandProposalOut, responses=problem_responses(404)
)
async def get_proposal(
    proposal_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> BrandProposalOut:
    current = await proposals.current_snapshot(session, principal.tenant_id)
    return proposals.to_out(await proposals.get(session, proposal_id), current)


@router.post(
    "/proposals/{proposal_id}/accept",
    response_model=BrandKitVersionOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(404, 409, 422),
)
async def accept_proposal(
    proposal_id: UUID, body: AcceptProposal, principal: CurrentPrincipal, session: TenantSession
) -> BrandKitVersionOut:
    """Make the proposal (with ``edits`` laid over it, if any) the kit: a new version."""
    _proposal, version = await proposals.accept(
        session, principal, proposal_id, body.edits, body.note
    )
    return version_out(version)


@router.post(
    "/proposals/{proposal_id}/reject",
    response_model=BrandProposalOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(404, 409),
)
async def reject_proposal(
    proposal_id: UUID, body: RejectProposal, principal: CurrentPrincipal, session: TenantSession
) -> BrandProposalOut:
    return proposals.to_out(await proposals.reject(session, principal, proposal_id, body.reason))


@router.get("/versions", response_model=list[BrandKitVersionOut])
async def list_versions(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[BrandKitVersionOut]:
    """The kit's versions, newest first: who, when, why and what changed."""
    found = await versions.list_versions(session, limit=limit, offset=offset)
    return [version_out(version) for version in found]


@router.get(
    "/versions/{number}", response_model=BrandKitVersionOut, responses=problem_responses(404)
)
async def get_version(number: VersionNumber, session: TenantSession) -> BrandKitVersionOut:
    return version_out(await versions.get_version(session, number))


@router.get("/diff", response_model=BrandKitDiffOut, responses=problem_responses(404))
async def diff_versions(
    session: TenantSession,
    from_version: Annotated[
        int | None,
        Query(
            alias="from",
            ge=0,
            le=MAX_VERSION,
            description="Default: the version before `to`; 0 is the default kit.",
        ),
    ] = None,
    to_version: Annotated[
        int | None,
        Query(alias="to", ge=0, le=MAX_VERSION, description="Default: the current version."),
    ] = None,
) -> BrandKitDiffOut:
    """What changed from one version to another, field by field (by default: what the
    latest version changed)."""
    first, second, changes = await versions.compare_or_latest(session, from_version, to_version)
    return BrandKitDiffOut(
        from_version=first,
        to_version=second,
        changes=[KitChangeOut.model_validate(change.model_dump()) for change in changes],
    )


@router.post(
    "/versions/{number}/rollback",
    status_code=status.HTTP_201_CREATED,
    response_model=BrandKitVersionOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(404),
)
async def rollback(
    number: VersionNumber, principal: CurrentPrincipal, session: TenantSession
) -> BrandKitVersionOut:
    """Make version ``number`` current again, as a new version equal to it."""
    _kit, version = await versions.rollback(session, principal, number)
    return version_out(version)


def version_out(version: BrandKitVersion) -> BrandKitVersionOut:
    return BrandKitVersionOut.model_validate(version)
