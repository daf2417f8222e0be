"""A sentence as one new version of a design: interpret it (the fast path, else the router's
``editor.command`` task), check the actions against the tenant (fonts, contrast, own images),
then store them.

The model may take seconds, so no database connection is held meanwhile: the design is read
in one unit of work and the change written in another. The head the caller saw is checked
again when writing (``History.change`` and the compare-and-set in the database), so an edit
that landed while the model was thinking makes this one a conflict, never a silent merge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth.principal import Principal
from icop.brand import kit as brand_kits
from icop.db.session import unit_of_work
from icop.designs import service
from icop.designs.actions import Action
from icop.designs.interpret import (
    Candidate,
    EditContext,
    brand_colours,
    default_context,
    interpret,
    validate,
)
from icop.designs.service import StoredDesign
from icop.errors import ValidationFailed
from icop.llm.smart_router import SmartRouter


class CommandNotUnderstood(ValidationFailed):
    code = "command_not_understood"
    title = "The command was not understood"


class AmbiguousReference(ValidationFailed):
    code = "ambiguous_reference"
    title = "The command could mean more than one object"


@dataclass(frozen=True)
class CommandResult:
    stored: StoredDesign
    description: str
    actions: tuple[Action, ...]
    source: Literal["fast_path", "model"]


async def edit_context(session: AsyncSession, tenant_id: UUID) -> EditContext:
    """What validation needs from the tenant: the renderer's fonts and the brand kit."""
    spec = await brand_kits.spec_for(session, tenant_id)
    return dataclasses.replace(default_context(), brand=brand_colours(spec))


async def run_command(
    sessionmaker: async_sessionmaker[AsyncSession],
    router: SmartRouter | None,
    principal: Principal,
    design_id: UUID,
    text: str,
    expected_head: int,
    *,
    chosen: tuple[str, ...] = (),
) -> CommandResult:
    """``chosen``: the candidates the person picked after an ``ambiguous_reference``."""
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        stored = await service.load(session, design_id)
        context = await edit_context(session, principal.tenant_id)
    service.expect_head(stored.history, expected_head)
    design = stored.history.current.design
    understood = await interpret(
        design, text, router=router, tenant_id=principal.tenant_id, context=context
    )
    picked = set(chosen) & {item.id for item in understood.candidates}
    if understood.status == "ambiguous" and picked:
        # The sentence read again without the candidates the person did not pick: its
        # reference now means the picked ones; the actions apply to the whole design.
        dropped = {item.id for item in understood.candidates} - picked
        narrowed = design.model_copy(
            update={"objects": [item for item in design.objects if item.id not in dropped]}
        )
        understood = await interpret(
            narrowed, text, router=router, tenant_id=principal.tenant_id, context=context
        )
    if understood.status == "ambiguous":
        raise AmbiguousReference(
            understood.description,
            candidates=[_candidate(item) for item in understood.candidates],
        )
    if understood.status != "ok" or not understood.actions:
        raise CommandNotUnderstood(understood.description)
    actions = service.parse_actions(understood.actions, principal.tenant_id)
    validate(design, actions, context)
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        fresh = await service.load(session, design_id)
        changed = await service.change(
            session, principal, fresh, actions, expected_head, note=understood.description
        )
    return CommandResult(changed, understood.description, tuple(actions), understood.source)


async def apply_actions(
    session: AsyncSession,
    principal: Principal,
    design_id: UUID,
    raw: list[Action],
    expected_head: int,
) -> StoredDesign:
    """Hand edits from the canvas: the same checks as a command's actions, one new version."""
    stored = await service.load(session, design_id)
    if not raw:
        raise ValidationFailed("send at least one action")
    service.expect_head(stored.history, expected_head)
    actions = service.parse_actions(raw, principal.tenant_id)
    validate(
        stored.history.current.design, actions, await edit_context(session, principal.tenant_id)
    )
    return await service.change(
        session, principal, stored, actions, expected_head, note=_summary(actions)
    )


def _summary(actions: list[Action]) -> str:
    kinds = sorted({action.kind for action in actions})
    return "edited: " + ", ".join(kinds)


def _candidate(item: Candidate) -> dict[str, str | None]:
    return {
        "id": item.id,
        "type": item.type,
        "name": item.name,
        "role": item.role,
        "text": item.text,
    }
