"""From a sentence to actions, and the tenant's checks on them: the editor's entry points.

``interpret`` tries the deterministic fast path first (``commands.parse``: no model call for
the commands people type most); what it does not understand goes to the router's
``editor.command`` task (``model.ask``), whose answer is checked against the document before
anything is returned: an unknown id, a reference that fits several objects or an action that
does not validate becomes ``not_understood``/``ambiguous`` with a description, never a guess.

``validate`` is ``apply`` plus the checks that need the tenant: fonts it has, and text that
stays legible on what is behind it (WCAG contrast). Both refuse with ``InvalidAction``
(problem+json 422 ``invalid_design_action``), naming the object and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from icop.brand.fonts import CATALOG, BrandFont, font_installed
from icop.brand.palette import DEFAULT_SPEC, BrandSpec
from icop.designs.actions import Action, BrandColours
from icop.designs.apply import apply
from icop.designs.commands import parse
from icop.designs.contrast import backdrop, text_contrast
from icop.designs.describe import describe, is_korean
from icop.designs.document import Design, DesignObject, Textbox
from icop.designs.errors import InvalidAction
from icop.designs.model import ask_model
from icop.llm.smart_router import SmartRouter

__all__ = [
    "BrandColours",
    "Candidate",
    "EditContext",
    "Interpretation",
    "brand_colours",
    "default_context",
    "interpret",
    "validate",
]


@dataclass(frozen=True)
class Candidate:
    """An object a reference could mean."""

    id: str
    type: str
    name: str | None
    role: str | None
    text: str | None


@dataclass(frozen=True)
class Interpretation:
    status: Literal["ok", "ambiguous", "not_understood"]
    actions: tuple[Action, ...]
    description: str
    """One short line in the command's language: what will change, or what was understood and
    what was not."""
    candidates: tuple[Candidate, ...]
    source: Literal["fast_path", "model"]


@dataclass(frozen=True)
class EditContext:
    """What validation and the brand-kit action need from the tenant."""

    fonts: frozenset[str]
    """Font families the tenant may use (labels such as "Noto Sans"; the renderer has them)."""
    brand: BrandColours | None
    """The tenant's kit colours and font; None for the default kit."""
    min_contrast: float = 4.5


def brand_colours(spec: BrandSpec) -> BrandColours:
    """A stored brand kit (``icop.brand``) as the colours and font family the editor applies."""
    family: str | None = None
    if spec.font is not None:
        try:
            family = CATALOG[BrandFont(spec.font)].label
        except ValueError:
            family = None  # a family this version does not know: the texts keep theirs
    return BrandColours(
        background=spec.background, accent=spec.accent, text=spec.text, font_family=family
    )


def default_context() -> EditContext:
    """The font families the bundled renderer has installed here, and the default kit."""
    fonts = frozenset(spec.label for font, spec in CATALOG.items() if font_installed(font))
    return EditContext(fonts=fonts, brand=brand_colours(DEFAULT_SPEC))


def candidates_of(design: Design, ids: Sequence[str]) -> tuple[Candidate, ...]:
    found = (design.find(object_id) for object_id in ids)
    return tuple(_candidate(item) for item in found if item is not None)


def _candidate(item: DesignObject) -> Candidate:
    return Candidate(
        id=item.id,
        type=type(item).__name__,
        name=item.name,
        role=item.role,
        text=item.text[:80] if isinstance(item, Textbox) else None,
    )


async def interpret(
    design: Design,
    sentence: str,
    *,
    router: SmartRouter | None,
    tenant_id: UUID | None,
    context: EditContext,
) -> Interpretation:
    korean = is_korean(sentence)
    parsed = parse(design, sentence, brand=context.brand)
    if parsed.status == "ok":
        return Interpretation(
            "ok", parsed.actions, describe(design, parsed.actions, korean), (), "fast_path"
        )
    if parsed.status == "ambiguous":
        candidates = candidates_of(design, parsed.candidates)
        names = ", ".join(_label(c) for c in candidates)
        line = (
            f"여러 개체가 해당됩니다: {names}. 하나를 골라 주세요."
            if korean
            else f"That could mean several objects: {names}. Which one?"
        )
        return Interpretation("ambiguous", (), line, candidates, "fast_path")
    if router is None:
        line = _not_understood(parsed.understood, korean)
        return Interpretation("not_understood", (), line, (), "fast_path")
    answer = await ask_model(
        design, sentence, router=router, tenant_id=tenant_id, brand=context.brand
    )
    if answer.status == "ambiguous":
        candidates = candidates_of(design, answer.candidates)
        names = ", ".join(_label(c) for c in candidates)
        line = (
            f"여러 개체가 해당됩니다: {names}. 하나를 골라 주세요."
            if korean
            else f"That could mean several objects: {names}. Which one?"
        )
        return Interpretation("ambiguous", (), line, candidates, "model")
    if answer.status == "not_understood":
        return Interpretation("not_understood", (), _refused(answer.reason, korean), (), "model")
    try:
        validate(design, answer.actions, context)
    except InvalidAction as error:
        return Interpretation("not_understood", (), _refused(error.detail, korean), (), "model")
    return Interpretation(
        "ok", answer.actions, describe(design, answer.actions, korean), (), "model"
    )


def _refused(reason: str, korean: bool) -> str:
    if korean:
        return f"명령을 적용할 수 없습니다: {reason}. 아무것도 바꾸지 않았습니다."
    return f"I could not apply the command: {reason}; nothing changed."


def _label(candidate: Candidate) -> str:
    what = candidate.role or candidate.name or candidate.type.lower()
    return f"{candidate.id} ({what}{f': {candidate.text!r}' if candidate.text else ''})"


def _not_understood(understood: Sequence[str], korean: bool) -> str:
    read = "; ".join(line for line in understood if not line.startswith("?"))
    if korean:
        known = f" (이해한 부분: {read})" if read else ""
        return f"명령을 이해하지 못했습니다{known}. 아무것도 바꾸지 않았습니다."
    known = f" (understood: {read})" if read else ""
    return f"I did not understand the command{known}; nothing changed."


def font_allowed(family: str, context: EditContext) -> bool:
    wanted = family.strip().lower()
    allowed = {font.lower() for font in context.fonts}
    if wanted in allowed:
        return True
    # A catalog id ("noto-sans") names the same family as its label ("Noto Sans").
    return any(
        wanted == font.value and spec.label.lower() in allowed for font, spec in CATALOG.items()
    )


LARGE_TEXT_SHARE = 0.04
"""Text at least this share of the canvas's short side (43 px on a 1080 px card, still about
18 pt when the card shows at feed size) is "large" in WCAG's sense."""
LARGE_TEXT_RELIEF = 3.0 / 4.5
"""WCAG asks 3:1 of large text where it asks 4.5:1 of body text: the same relief applies to
whatever minimum the tenant sets."""


def required_contrast(design: Design, item: Textbox, context: EditContext) -> float:
    size = item.font_size * item.scale_y
    if size >= LARGE_TEXT_SHARE * min(design.width, design.height):
        return round(context.min_contrast * LARGE_TEXT_RELIEF, 2)
    return context.min_contrast


def validate(design: Design, actions: Sequence[Action], context: EditContext) -> Design:
    """``apply`` plus the tenant's checks. A check judges what the actions change: a font the
    document already had stays allowed, and a text is refused for contrast only when the
    change leaves it below the minimum and less legible than it was. The minimum is
    ``context.min_contrast`` for body text and two thirds of it for large text (WCAG AA:
    4.5:1 and 3:1)."""
    result = apply(design, actions)
    before = {item.id: item for item in design.walk()}
    for item in result.walk():
        if not isinstance(item, Textbox):
            continue
        old = before.get(item.id)
        was = old if isinstance(old, Textbox) else None
        if (was is None or was.font_family != item.font_family) and not font_allowed(
            item.font_family, context
        ):
            raise InvalidAction(
                f"{_what(item)}: the font {item.font_family!r} is not one this workspace has "
                f"({', '.join(sorted(context.fonts)) or 'none'})"
            )
        ratio = text_contrast(result, item.id)
        needed = required_contrast(result, item, context)
        if ratio is None or ratio >= needed:
            continue
        previous = text_contrast(design, item.id) if was is not None else None
        if previous is None or ratio < previous - 1e-6:
            behind = backdrop(result, item.id)
            raise InvalidAction(
                f"{_what(item)}: {item.fill or '#000000'} on "
                f"{'#{:02x}{:02x}{:02x}'.format(*behind) if behind else 'its backdrop'} has a "
                f"contrast of {ratio:.2f}:1, below the {needed:g}:1 text of its size needs "
                "to stay legible"
            )
    return result


def _what(item: DesignObject) -> str:
    label = item.role or item.name
    return f"{item.id!r} ({label})" if label and label != item.id else repr(item.id)
