"""The model path: a sentence the fast path did not understand goes to the router's
``editor.command`` task. The model sees a compact list of the design's objects (id, type,
role, name, text, colour name, position words) and returns steps as structured output — a
small, bounded schema (``icop.agents.schemas.EditorAnswer``, in the agent I/O catalog) that
names targets by object id (or by a reference such as "the title", which target selection
resolves). Each step becomes a typed action here;
an unknown id, a reference that fits several objects or one that fits none, and a step that
lacks what it needs are reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from icop.agents.schemas.editing import EditorAnswer, EditorBrand, EditorCommandInput, EditorStep
from icop.designs.actions import (
    Action,
    Align,
    ApplyBrandKit,
    BrandColours,
    DeleteObjects,
    Distribute,
    DuplicateObjects,
    GroupObjects,
    Move,
    Resize,
    Rotate,
    SetBackground,
    SetStyle,
    SetText,
    Style,
    SwitchPreset,
    Ungroup,
    ZOrder,
)
from icop.designs.contrast import text_anchor
from icop.designs.document import Design, DesignObject, Group, Textbox
from icop.designs.targets import COLOUR_WORDS, colour_name, resolve
from icop.designs.tree import new_group_id
from icop.errors import ValidationFailed
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind

_ID_SHAPED = re.compile(r"[A-Za-z0-9_]*[0-9_-][A-Za-z0-9_-]*")
"""A target with a digit, hyphen or underscore is an id ("photo-2"), not a reference."""
MAX_LISTED = 40
"""Objects listed for the model: a design has at most 200, a prompt should not."""
NUDGE = 0.05

SYSTEM = """You turn a user's command about a graphic design into edit steps (JSON).
The design's objects are listed one per line: id, type, role, name, text, colour, position.
Name targets by their id from the list. Kinds of step:
resize (amount = factor, 1.25 bigger, 0.8 smaller); colour (value = colour of the object's
fill/text); background (value = canvas colour; no targets); text (value = new text);
move (value = left/right/up/down, amount = pixels); rotate (amount = degrees);
delete; duplicate; bold; text_align (value = left/center/right); font (value = family);
opacity (amount 0-1); z_order (value = front/back/forward/backward);
align (value = left/center/right/top/middle/bottom: to the canvas with one target, to each
other with several); distribute (value = horizontal/vertical, three or more targets);
group (two or more targets); ungroup (a group); brand_kit (apply the brand's colours and font;
no targets); preset (value = portrait/square/landscape; no targets).
If the command is not an edit of these objects, answer understood=false with no steps.
The command may be in Korean or English."""


@dataclass(frozen=True)
class ModelAnswer:
    status: Literal["ok", "ambiguous", "not_understood"]
    actions: tuple[Action, ...] = ()
    candidates: tuple[str, ...] = ()
    reason: str = ""


class _Unusable(ValidationFailed):
    """A step the model returned that cannot become an action (said why, never guessed)."""


class _Ambiguous(Exception):
    def __init__(self, ids: tuple[str, ...]) -> None:
        super().__init__("ambiguous")
        self.ids = ids


def outline(design: Design) -> str:
    """The design's objects, one compact line each, for the prompt."""
    lines = []
    for item in design.walk()[:MAX_LISTED]:
        if isinstance(item, Group):
            members = ",".join(member.id for member in item.objects)
            lines.append(f"{item.id} | group of {members}")
            continue
        parts = [item.id, type(item).__name__.lower()]
        if item.role:
            parts.append(f"role={item.role}")
        if item.name:
            parts.append(f"name={item.name[:30]}")
        if isinstance(item, Textbox):
            parts.append(f'text="{item.text[:50]}"')
        named = colour_name(item)
        if named:
            parts.append(named)
        parts.append(_where(design, item))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _where(design: Design, item: DesignObject) -> str:
    if isinstance(item, Textbox):
        x, y = text_anchor(item)
    else:
        left, top, right, bottom = item.box
        x, y = (left + right) / 2, (top + bottom) / 2
    row = "top" if y < design.height / 3 else "bottom" if y > 2 * design.height / 3 else "middle"
    column = "left" if x < design.width / 3 else "right" if x > 2 * design.width / 3 else "center"
    return f"{row} {column}"


async def ask_model(
    design: Design,
    sentence: str,
    *,
    router: SmartRouter,
    tenant_id: UUID | None,
    brand: BrandColours | None,
) -> ModelAnswer:
    given = EditorCommandInput(
        command=sentence[:500],
        document=outline(design)[:8000],
        brand=EditorBrand(**brand.model_dump()) if brand is not None else None,
    )
    inputs = given.model_dump(exclude_none=True)
    call = await router.complete(
        TaskKind.EDITOR_COMMAND,
        system=SYSTEM,
        inputs=inputs,
        output=EditorAnswer,
        tenant_id=tenant_id,
        seed=0,
    )
    answer = call.value
    if answer is None:
        return ModelAnswer("not_understood", reason="the model gave no usable answer")
    return to_actions(design, answer, brand)


def to_actions(design: Design, answer: EditorAnswer, brand: BrandColours | None) -> ModelAnswer:
    """The model's steps as typed actions, or why they cannot be."""
    if not answer.understood or not answer.steps:
        return ModelAnswer("not_understood", reason="the command is not an edit of this design")
    actions: list[Action] = []
    try:
        for step in answer.steps:
            actions.append(_action(design, step, brand))
    except _Ambiguous as ambiguous:
        return ModelAnswer("ambiguous", candidates=ambiguous.ids)
    except _Unusable as error:
        return ModelAnswer("not_understood", reason=error.detail)
    except ValueError as error:  # a value the action's schema refuses
        return ModelAnswer("not_understood", reason=str(error).splitlines()[0])
    return ModelAnswer("ok", tuple(actions))


def _ids(design: Design, step: EditorStep, least: int = 1) -> list[str]:
    found: list[str] = []
    for target in step.targets:
        if design.find(target) is not None:
            found.append(target)
            continue
        if _ID_SHAPED.fullmatch(target):  # an id the design does not have: never a guess
            raise _Unusable(f"the design has no object with the id {target!r}")
        resolution = resolve(design, target)
        if resolution.status == "ambiguous":
            raise _Ambiguous(resolution.ids)
        if resolution.status == "none":
            raise _Unusable(f"no object is {target!r}")
        found.extend(resolution.ids)
    found = list(dict.fromkeys(found))
    if len(found) < least:
        raise _Unusable(f"a {step.kind} step needs {least} or more objects")
    return found


def _colour(value: str | None) -> str:
    text = (value or "").strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}|#[0-9a-f]{3}", text):
        return text
    for rgb, words in COLOUR_WORDS.values():
        if text in words or any(word in text for word in words):
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    raise _Unusable(f"{value!r} is not a colour")


def _action(design: Design, step: EditorStep, brand: BrandColours | None) -> Action:
    value = (step.value or "").strip().lower()
    if step.kind == "background":
        return SetBackground(colour=_colour(step.value))
    if step.kind == "brand_kit":
        if brand is None:
            raise _Unusable("this workspace has no brand kit")
        return ApplyBrandKit(brand=brand)
    if step.kind == "preset":
        if value not in ("portrait", "square", "landscape"):
            raise _Unusable(f"{step.value!r} is not a preset (portrait, square, landscape)")
        return SwitchPreset(preset=value)
    if step.kind == "distribute":
        direction = "vertical" if value.startswith("vert") else "horizontal"
        return Distribute(targets=_ids(design, step, 3), direction=direction)
    if step.kind == "group":
        return GroupObjects(targets=_ids(design, step, 2), id=new_group_id(design))
    ids = _ids(design, step)
    if step.kind == "resize":
        scale = step.amount if step.amount and 0 < step.amount <= 20 else None
        if scale is None:
            raise _Unusable("a resize needs a factor")
        return Resize(targets=ids, scale=scale)
    if step.kind == "colour":
        return SetStyle(targets=ids, style=Style(fill=_colour(step.value)))
    if step.kind == "text":
        if not step.value:
            raise _Unusable("no new text was given")
        return SetText(targets=ids, text=step.value)
    if step.kind == "move":
        dx, dy = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}.get(
            value, (0, 0)
        )
        if (dx, dy) == (0, 0):
            raise _Unusable(f"{step.value!r} is not a direction (left, right, up, down)")
        pixels_x = abs(step.amount) if step.amount else design.width * NUDGE
        pixels_y = abs(step.amount) if step.amount else design.height * NUDGE
        return Move(targets=ids, x=dx * pixels_x, y=dy * pixels_y)
    if step.kind == "rotate":
        return Rotate(targets=ids, angle=step.amount if step.amount is not None else 15.0)
    if step.kind == "delete":
        return DeleteObjects(targets=ids)
    if step.kind == "duplicate":
        return DuplicateObjects(targets=ids)
    if step.kind == "bold":
        return SetStyle(targets=ids, style=Style(font_weight="bold"))
    if step.kind == "text_align":
        if value not in ("left", "center", "right", "justify"):
            raise _Unusable(f"{step.value!r} is not a text alignment")
        return SetStyle(targets=ids, style=Style(text_align=value))
    if step.kind == "font":
        if not step.value:
            raise _Unusable("no font family was given")
        return SetStyle(targets=ids, style=Style(font_family=step.value.strip()))
    if step.kind == "opacity":
        if step.amount is None or not 0 <= step.amount <= 1:
            raise _Unusable("an opacity is between 0 and 1")
        return SetStyle(targets=ids, style=Style(opacity=step.amount))
    if step.kind == "z_order":
        if value not in ("front", "back", "forward", "backward"):
            raise _Unusable(f"{step.value!r} is not a z-order (front, back, forward, backward)")
        return ZOrder(targets=ids, to=value)
    if step.kind == "align":
        if value == "centre":
            value = "center"
        if value not in ("left", "center", "right", "top", "middle", "bottom"):
            raise _Unusable(f"{step.value!r} is not an alignment")
        frame = "canvas" if len(ids) == 1 else "selection"
        return Align(targets=ids, to=value, relative_to=frame)
    if step.kind == "ungroup":
        return Ungroup(targets=ids)
    raise _Unusable(f"{step.kind!r} is not an edit this editor makes")
