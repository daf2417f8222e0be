"""The fast path from a sentence to actions: the commands people type most ("make the title
bigger and yellow", "제목을 더 크게", "delete the red box", "move the logo left") mapped by
rules, without a model call. Each clause is read for one change and its value; what remains
of the clause is the reference that target selection resolves. A sentence with a clause the
rules do not know returns ``not_understood`` (the model path takes it from there), and a
reference that fits several objects returns them as candidates — nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from icop.brand.palette import DEFAULT_SPEC
from icop.designs.actions import (
    Action,
    ApplyBrandKit,
    BrandColours,
    DeleteObjects,
    Move,
    Resize,
    Rotate,
    SetBackground,
    SetStyle,
    SetText,
    Style,
    SwitchPreset,
    ZOrder,
)
from icop.designs.document import Design
from icop.designs.targets import COLOUR_WORDS, Resolution, resolve

DEFAULT_BRAND_COLOURS = BrandColours(
    background=DEFAULT_SPEC.background, accent=DEFAULT_SPEC.accent, text=DEFAULT_SPEC.text
)
"""The kit "apply the brand colours" applies for a tenant without one."""
STEP = 0.25
""""Bigger" grows by a quarter; "much bigger" by half; "a bit bigger" by a tenth."""
NUDGE = 0.05
""""Move left" moves by this share of the canvas."""

# Clauses: "and", ",", "then", "그리고", "하고"; a Korean clause also ends at a verb ending.
_CLAUSES = re.compile(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b|그리고|하고)\s*", re.IGNORECASE)
# Straight, curly and corner quotes around a new text.
_QUOTED = re.compile(
    "[\"\u201c\u201d'\u2018\u2019\u300c\u300d](.+?)[\"\u201c\u201d'\u2018\u2019\u300c\u300d]"
)


@dataclass(frozen=True)
class Parsed:
    status: Literal["ok", "ambiguous", "not_understood"]
    actions: tuple[Action, ...] = ()
    candidates: tuple[str, ...] = ()
    understood: list[str] = field(default_factory=list)
    """What each clause was read as, in words, for the answer to the user."""


def parse(design: Design, sentence: str, *, brand: BrandColours | None = None) -> Parsed:
    """The actions ``sentence`` asks for; ``brand`` is the kit "apply the brand kit" applies
    (None: the default kit)."""
    quoted = _QUOTED.search(sentence)
    text = sentence if quoted is None else sentence.replace(quoted.group(0), " \x00 ")
    actions: list[Action] = []
    understood: list[str] = []
    last_targets: tuple[str, ...] = ()
    for clause in (c for c in _CLAUSES.split(text) if c.strip()):
        reading = _canvas_rule(clause, brand) or _read(
            clause.replace("\x00", ""), quoted.group(1) if quoted else None
        )
        if reading is None:
            return Parsed("not_understood", understood=[*understood, f"? {clause.strip()}"])
        if not reading.targeted:
            actions.append(reading.make((), design))
            understood.append(reading.description)
            continue
        resolution = (
            resolve(design, reading.reference)
            if reading.reference.strip()
            else Resolution("found", last_targets)  # "… bigger and yellow": the same target
        )
        if resolution.status == "ambiguous":
            return Parsed("ambiguous", candidates=resolution.ids, understood=understood)
        if resolution.status == "none" or not resolution.ids:
            return Parsed("not_understood", understood=[*understood, f"no target: {clause}"])
        last_targets = resolution.ids
        actions.append(reading.make(resolution.ids, design))
        understood.append(f"{reading.description} → {', '.join(resolution.ids)}")
    if not actions:
        return Parsed("not_understood", understood=understood)
    return Parsed("ok", tuple(actions), understood=understood)


Maker = Callable[[tuple[str, ...], Design], Action]


@dataclass(frozen=True)
class Reading:
    """One clause read: how to make its action for the resolved targets, the rest of the
    clause (the reference), and what it was read as."""

    make: Maker
    reference: str
    description: str
    targeted: bool = True
    """False for a change of the canvas itself (its background colour)."""


def _canvas_rule(clause: str, brand: BrandColours | None) -> Reading | None:
    """Changes of the whole design: the brand kit, the platform preset."""
    low = f" {clause.lower().strip()} "
    if re.search(r"\bbrand(?:ing)?\b|\bbrand kit\b|브랜드", low) and re.search(
        r"\bapply\b|\buse\b|\bmatch\b|\bon[- ]brand\b|\bcolou?rs\b|적용|맞춰|입혀", low
    ):
        kit = brand or DEFAULT_BRAND_COLOURS
        return Reading(_made(ApplyBrandKit(brand=kit)), "", "brand kit", targeted=False)
    for preset, pattern in _PRESETS.items():
        if re.search(pattern, low) and re.search(
            r"\b(?:switch|change|convert|make|resize|turn|format|to)\b|바꿔|변경|전환|로|으로|만들",
            low,
        ):
            return Reading(
                _made(SwitchPreset(preset=preset)), "", f"preset {preset}", targeted=False
            )
    return None


_PRESETS: dict[Literal["portrait", "square", "landscape"], str] = {
    "portrait": (
        r"\bportrait\b|\b4:5\b|\bvertical format\b"
        r"|세로\s*(?:형|형식|포맷|비율)?|인스타(?:그램)?\s*피드"
    ),
    "square": (
        r"\bsquare (?:format|post|preset|size)\b|\b1:1\b|\binto a square\b"
        r"|\bto (?:a )?square\b|정사각형"
    ),
    "landscape": (
        r"\blandscape\b|\bwide\b|\b1\.91:1\b|\b16:9\b|가로\s*(?:형|형식|포맷|비율)?|와이드"
    ),
}


def _read(clause: str, quoted: str | None) -> Reading | None:
    """The change a clause asks for, the clause without it (the reference), and a description;
    None when no rule reads it."""
    low = f" {clause.lower().strip()} "
    for rule in _RULES:
        found = rule(low, quoted)
        if found is not None:
            return found
    return None


def _made(action: Action) -> Maker:
    return lambda ids, design: action


def _styled(style: Style) -> Maker:
    return lambda ids, design: SetStyle(targets=list(ids), style=style)


def _ordered(to: Literal["front", "back", "forward", "backward"]) -> Maker:
    return lambda ids, design: ZOrder(targets=list(ids), to=to)


def _rest(text: str, *patterns: str) -> str:
    for pattern in patterns:
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return text


_VERBS = (
    r"\b(?:make|set|turn|change|colou?r|paint|put|please)\b"
    r"|해\s*줘|해줘|바꿔\s*줘?|바꿔|변경해?|해\s*주세요"
)


def _text_rule(low: str, quoted: str | None) -> Reading | None:
    if quoted is None or not re.search(r"\b(?:text|say|read|to)\b|바꿔|변경|으로|로", low):
        return None
    rest = _rest(
        low,
        r"\b(?:change|set|replace|the text of|text|to say|say|read|to)\b",
        r"(?:으로|로)\s",
        _VERBS,
    )
    return Reading(
        lambda ids, design: SetText(targets=list(ids), text=quoted), rest, f'text "{quoted}"'
    )


def _colour_rule(low: str, quoted: str | None) -> Reading | None:
    for name, (rgb, words) in COLOUR_WORDS.items():
        for word in words:
            if re.search(r"[\uac00-\ud7af]", word):
                span = re.search(rf"{re.escape(word)}\S*\s*(?:색|색깔|색상)?\s*(?:으로|로)", low)
            else:
                span = re.search(
                    rf"\b(?:to |in )?{re.escape(word)}\b(?=\s*$|\s+(?:please)?\s*$)", low
                )
            if span is None:
                continue
            hex_colour = "#{:02x}{:02x}{:02x}".format(*rgb)
            rest = _rest(
                low[: span.start()] + " " + low[span.end() :], _VERBS, r"\bcolou?r\b", r"색깔?을?"
            )
            if re.search(r"\bbackground\b|배경", rest) and not re.search(
                r"box|rect|상자|사각형", rest
            ):
                return Reading(
                    _made(SetBackground(colour=hex_colour)),
                    "",
                    f"background {name}",
                    targeted=False,
                )
            return Reading(
                _styled(Style(fill=hex_colour)),
                rest,
                f"colour {name}",
            )
    return None


def _size_rule(low: str, quoted: str | None) -> Reading | None:
    bigger = re.search(
        r"\b(much |a (?:bit|little) |slightly )?(?:bigger|larger)\b|(?:더\s*)?크게", low
    )
    smaller = re.search(r"\b(much |a (?:bit|little) |slightly )?smaller\b|(?:더\s*)?작게", low)
    found = bigger or smaller
    if found is None:
        return None
    percent = re.search(r"(\d{1,3})\s*%", low)
    amount = (
        int(percent.group(1)) / 100
        if percent
        else {"much ": 0.5}.get(found.group(1) or "", NUDGE * 2 if found.group(1) else STEP)
    )
    if "훨씬" in low:
        amount = 0.5
    scale = 1 + amount if found is bigger else 1 / (1 + amount)
    rest = _rest(
        low[: found.start()] + " " + low[found.end() :], _VERBS, r"\d{1,3}\s*%", r"\bby\b", r"훨씬"
    )
    word = "bigger" if found is bigger else "smaller"
    return Reading(
        lambda ids, design: Resize(targets=list(ids), scale=scale), rest, f"{word} x{scale:.2f}"
    )


_DIRECTIONS = {
    "left": (-1, 0, (r"\bleft\b", r"왼쪽으로")),
    "right": (1, 0, (r"\bright\b", r"오른쪽으로")),
    "up": (0, -1, (r"\bup\b", r"\bhigher\b", r"위로")),
    "down": (0, 1, (r"\bdown\b", r"\blower\b", r"아래로")),
}


def _move_rule(low: str, quoted: str | None) -> Reading | None:
    if not re.search(r"\bmove\b|\bshift\b|\bnudge\b|옮겨|이동", low):
        return None
    for name, (dx, dy, patterns) in _DIRECTIONS.items():
        span = next((m for p in patterns if (m := re.search(p, low))), None)
        if span is None:
            continue
        pixels = re.search(r"(\d{1,4})\s*(?:px|pixels?|픽셀)", low)
        rest = _rest(
            low[: span.start()] + " " + low[span.end() :],
            r"\b(?:move|shift|nudge|to the|by)\b",
            r"옮겨\s*줘?|이동(?:해|시켜)?\s*줘?",
            r"\d{1,4}\s*(?:px|pixels?|픽셀)",
            _VERBS,
        )

        given = float(pixels.group(1)) if pixels else None

        def make(
            ids: tuple[str, ...],
            design: Design,
            dx: int = dx,
            dy: int = dy,
            given: float | None = given,
        ) -> Action:
            step_x = given if given is not None else design.width * NUDGE
            step_y = given if given is not None else design.height * NUDGE
            return Move(targets=list(ids), x=dx * step_x, y=dy * step_y)

        return Reading(make, rest, f"move {name}")
    return None


def _delete_rule(low: str, quoted: str | None) -> Reading | None:
    span = re.search(
        r"\b(?:delete|remove|get rid of|erase)\b|삭제(?:해)?\s*줘?|지워\s*줘?|없애\s*줘?", low
    )
    if span is None:
        return None
    rest = low[: span.start()] + " " + low[span.end() :]
    return Reading(lambda ids, design: DeleteObjects(targets=list(ids)), rest, "delete")


def _rotate_rule(low: str, quoted: str | None) -> Reading | None:
    if not re.search(r"\brotate\b|\bturn\b|\btilt\b|회전|돌려", low):
        return None
    degrees = re.search(r"(-?\d{1,3})\s*(?:°|degrees?|도)", low)
    angle = float(degrees.group(1)) if degrees else 15.0
    if re.search(r"counter-?clockwise|anticlockwise|반시계", low):
        angle = -angle
    rest = _rest(
        low,
        r"\b(?:rotate|turn|tilt|by|counter-?clockwise|anticlockwise|clockwise)\b",
        r"-?\d{1,3}\s*(?:°|degrees?|도)",
        r"반?시계\s*방향으로",
        r"회전(?:해|시켜)?\s*줘?|돌려\s*줘?",
        _VERBS,
    )
    return Reading(
        lambda ids, design: Rotate(targets=list(ids), angle=angle), rest, f"rotate {angle:g}°"
    )


def _order_rule(low: str, quoted: str | None) -> Reading | None:
    table: list[tuple[str, Literal["front", "back", "forward", "backward"]]] = [
        (r"\bto the front\b|\bto front\b|맨\s*앞으로", "front"),
        (r"\bto the back\b|\bto back\b|맨\s*뒤로", "back"),
        (r"\bforward\b|앞으로", "forward"),
        (r"\bbackward\b|뒤로", "backward"),
    ]
    for pattern, to in table:
        span = re.search(pattern, low)
        if span is None:
            continue
        rest = _rest(
            low[: span.start()] + " " + low[span.end() :],
            r"\b(?:bring|send|move)\b",
            r"보내\s*줘?|가져와\s*줘?|옮겨\s*줘?",
            _VERBS,
        )
        return Reading(_ordered(to), rest, f"order {to}")
    return None


def _weight_rule(low: str, quoted: str | None) -> Reading | None:
    span = re.search(r"\bbold\b|굵게|두껍게", low)
    if span is None:
        return None
    rest = _rest(low[: span.start()] + " " + low[span.end() :], _VERBS)
    return Reading(
        lambda ids, design: SetStyle(targets=list(ids), style=Style(font_weight="bold")),
        rest,
        "bold",
    )


def _align_rule(low: str, quoted: str | None) -> Reading | None:
    table = [
        (r"\bcent(?:er|re)\b(?! of)|가운데\s*정렬", "center"),
        (r"\balign (?:\w+ )*left\b|왼쪽\s*정렬", "left"),
        (r"\balign (?:\w+ )*right\b|오른쪽\s*정렬", "right"),
    ]
    for pattern, align in table:
        span = re.search(pattern, low)
        if span is None:
            continue
        rest = _rest(
            low[: span.start()] + " " + low[span.end() :], r"\balign\b", _VERBS, r"해\s*줘"
        )
        return Reading(
            _styled(Style(text_align=align)),
            rest,
            f"align {align}",
        )
    return None


_RULES = (
    _text_rule,
    _delete_rule,
    _order_rule,
    _move_rule,
    _rotate_rule,
    _size_rule,
    _weight_rule,
    _align_rule,
    _colour_rule,
)
