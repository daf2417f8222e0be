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

from icop.brand.fonts import CATALOG
from icop.brand.palette import DEFAULT_SPEC
from icop.designs.actions import (
    Action,
    Align,
    ApplyBrandKit,
    BrandColours,
    Crop,
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
from icop.designs.document import Design, Image, Textbox
from icop.designs.targets import COLOUR_WORDS, Resolution, resolve
from icop.designs.tree import new_group_id

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
            resolve(design, f"all {reading.reference}" if reading.many else reading.reference)
            if reading.reference.strip() and not _PRONOUN.fullmatch(reading.reference.strip())
            # "… bigger and yellow", "… and move it left": the same targets
            else Resolution("found", last_targets)
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


_PRONOUN = re.compile(
    r"(?:it|them|that|this|those|these|그것\S*|그거\S*|이것\S*)(?:\s+(?:too|also))?"
)

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
    many: bool = False
    """The change is about several objects ("align the photos", "group the texts"): a plural
    reference means every object it fits, not one of them to choose."""


def _canvas_rule(clause: str, brand: BrandColours | None) -> Reading | None:
    """Changes of the whole design: the brand kit, the platform preset."""
    low = f" {clause.lower().strip()} "
    if re.search(r"\bbrand(?:ing)?\b|\bbrand kit\b|브랜드", low) and re.search(
        r"\bapply\b|\buse\b|\bmatch\b|\bon[- ]brand\b|\bcolou?rs\b|적용|맞춰|입혀", low
    ):
        kit = brand or DEFAULT_BRAND_COLOURS
        return Reading(_made(ApplyBrandKit(brand=kit)), "", "brand kit", targeted=False)
    if re.search(r"\bcrop\b|\btrim\b|잘라|자르", low):
        return None  # "crop it to a square" changes a picture, not the canvas
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
        r"|세로\s*(?:형|형식|포맷|비율)|인스타(?:그램)?\s*피드"
    ),
    "square": (
        r"\bsquare (?:format|post|preset|size)\b|\b1:1\b|\binto a square\b"
        r"|\bto (?:a )?square\b|정사각형"
    ),
    "landscape": (
        r"\blandscape\b|\bwide\b|\b1\.91:1\b|\b16:9\b|가로\s*(?:형|형식|포맷|비율)|와이드"
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


_BIGGER = (
    r"\b(?:bigger|larger|increase|enlarge|grow|twice as (?:big|large)|double)\b"
    r"|(?:더\s*)?크게|키워\s*줘?|키우|늘려\s*줘?"
)
_SMALLER = r"\b(?:smaller|decrease|reduce|shrink|half as big)\b|(?:더\s*)?작게|줄여\s*줘?|줄이"


def _size_rule(low: str, quoted: str | None) -> Reading | None:
    bigger = re.search(_BIGGER, low)
    smaller = re.search(_SMALLER, low)
    found = bigger or smaller
    if found is None:
        return None
    percent = re.search(r"(\d{1,3})\s*%", low)
    amount = STEP
    if re.search(r"\bmuch\b|훨씬|많이", low):
        amount = 0.5
    elif re.search(r"\b(?:a (?:bit|little)|slightly|a touch)\b|조금|약간|살짝", low):
        amount = NUDGE * 2
    if re.search(r"\btwice\b|\bdouble\b|\bhalf as\b|두\s*배|2\s*배", low):
        amount = 1.0
    if percent:
        amount = int(percent.group(1)) / 100
    scale = 1 + amount if found is bigger else 1 / (1 + amount)
    rest = _rest(
        low[: found.start()] + " " + low[found.end() :],
        _VERBS,
        r"\d{1,3}\s*%",
        r"\b(?:by|much|a bit|a little|slightly|a touch|twice as|as|the size of|size|font size"
        r"|text size|the size)\b",
        r"훨씬|많이|조금|약간|살짝|두\s*배로?|2\s*배로?|(?:글자|글씨|폰트)?\s*크기\S*",
    )
    word = "bigger" if found is bigger else "smaller"
    return Reading(
        lambda ids, design: Resize(targets=list(ids), scale=scale), rest, f"{word} x{scale:.2f}"
    )


def _opacity_rule(low: str, quoted: str | None) -> Reading | None:
    half = re.search(r"\bsemi-?transparent\b|\btranslucent\b|반투명\S*", low)
    given = re.search(
        r"(\d{1,3})\s*%\s*(?:opacity|opaque)|\bopacity (?:to |of )?(\d{1,3})\s*%"
        r"|불투명도\S*\s*(\d{1,3})\s*%",
        low,
    )
    found = given or half
    if found is None:
        return None
    opacity = 0.5
    if given is not None:
        opacity = min(100, int(next(g for g in given.groups() if g))) / 100
    rest = _rest(
        low[: found.start()] + " " + low[found.end() :],
        r"\b(?:set|the|opacity|to|of)\b",
        r"(?:으로|로)?\s*(?:해|만들어|바꿔)\s*줘?|하게",
        _VERBS,
    )
    return Reading(_styled(Style(opacity=opacity)), rest, f"opacity {opacity:g}")


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
        (
            r"\bto the front\b|\bto front\b|\bin front of everything\b"
            r"|\bon top of everything\b|맨\s*앞으로",
            "front",
        ),
        (r"\bto the back\b|\bto back\b|\bbehind everything\b|맨\s*뒤로", "back"),
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


_FRAME = (
    r"\b(?:canvas|page|edges?|sides?|corner|design|poster|card)\b"
    r"|캔버스|페이지|끝|가장자리|화면"
)
_EDGES: tuple[tuple[str, Literal["left", "center", "right", "top", "middle", "bottom"]], ...] = (
    (r"cent(?:er|re)|가운데|중앙", "center"),
    (r"middle", "middle"),
    (r"left|왼쪽", "left"),
    (r"right|오른쪽", "right"),
    (r"top|위쪽|위|상단", "top"),
    (r"bottom|아래쪽|아래|하단", "bottom"),
)
_PLURAL = (
    r"\b(?:both|all|every|each|the two|texts|images|photos|pictures|boxes|shapes|circles"
    r"|objects|elements)\b|두\s*(?:개|장)|두\s+(?!번)[\uac00-\ud7af]|[\uac00-\ud7af]들|모든|전부|모두"
)


def _edge(low: str) -> tuple[re.Match[str], str] | None:
    """The edge or centre a clause aligns to: the one after "to", before "-align"/"정렬"/
    "맞춰", or else the first named (so "the image on the left to the top" aligns to the
    top)."""
    for shape in (
        r"\bto (?:the )?({edge})\b",
        r"\b({edge})-align",
        r"({edge})\S*\s*(?:쪽|으로|로|에)?\s*(?:끝에|끝으로)?\s*(?:정렬|맞춰|붙여)",
        r"^\s*(?:please )?({edge})\b",
        r"\b({edge})\b",
    ):
        for pattern, edge in _EDGES:
            found = re.search(shape.format(edge=pattern), low)
            if found is not None:
                return found, edge
    return None


def _align_rule(low: str, quoted: str | None) -> Reading | None:
    """ "centre the title" / "제목 가운데 정렬": a text's alignment within its box; "align the
    button to the left edge", "centre the circle on the canvas", "align the photos to the
    top": objects moved to the canvas's edge or centre (one target) or lined up with each
    other (several)."""
    trigger = re.search(
        r"\balign(?:ed)?\b|-align\b|\bline up\b|정렬|맞춰|붙여|^\s*(?:please )?cent(?:er|re)\b",
        low,
    )
    found = _edge(low) if trigger else None
    if found is None:
        return None
    span, edge = found
    framed = re.search(_FRAME, low) is not None
    rest = _rest(
        low[: span.start()] + " " + low[span.end() :],
        r"\b(?:align(?:ed)?|line up|along|to|on|of|in|at|with|the canvas|the page|edges?|sides?"
        r"|each other)\b",
        r"-align\b",
        r"정렬(?:해|시켜)?\s*줘?|맞춰\s*줘?|붙여\s*줘?|끝에|끝으로|캔버스|페이지|화면|기준으로",
        _VERBS,
    )

    def make(
        ids: tuple[str, ...], design: Design, edge: str = edge, framed: bool = framed
    ) -> Action:
        texts = all(isinstance(design.find(i), Textbox) for i in ids)
        if texts and not framed and edge in ("left", "center", "right"):
            return SetStyle(targets=list(ids), style=Style(text_align=edge))
        frame: Literal["canvas", "selection"] = "selection" if len(ids) > 1 else "canvas"
        return Align(targets=list(ids), to=edge, relative_to=frame)

    many = re.search(_PLURAL, rest) is not None
    return Reading(make, rest, f"align {edge}", many=many)


def _distribute_rule(low: str, quoted: str | None) -> Reading | None:
    span = re.search(
        r"\bdistribute\b|\bspace\b|\bevenly\b|균등하?게?|고르게"
        r"|같은\s*간격으로|일정한\s*간격으로",
        low,
    )
    if span is None:
        return None
    vertical = re.search(r"\bvertical(?:ly)?\b|세로로?|위아래로?|수직으로?", low)
    horizontal = re.search(r"\bhorizontal(?:ly)?\b|가로로?|좌우로?|수평으로?", low)
    rest = _rest(
        low[: span.start()] + " " + low[span.end() :],
        r"\b(?:distribute|space|evenly|out|vertically|horizontally|vertical|horizontal)\b",
        r"세로로?|가로로?|위아래로?|좌우로?|수직으로?|수평으로?|배치해?\s*줘?|정렬해?\s*줘?"
        r"|놓아?\s*줘?|나열해?\s*줘?",
        _VERBS,
    )

    def make(ids: tuple[str, ...], design: Design) -> Action:
        direction: Literal["horizontal", "vertical"]
        if vertical or horizontal:
            direction = "vertical" if vertical else "horizontal"
        else:  # along the axis the objects are already spread on
            boxes = [box for i in ids if (item := design.find(i)) for box in [item.box]]
            spread_x = max(b[0] for b in boxes) - min(b[0] for b in boxes)
            spread_y = max(b[1] for b in boxes) - min(b[1] for b in boxes)
            direction = "vertical" if spread_y > spread_x else "horizontal"
        return Distribute(targets=list(ids), direction=direction)

    return Reading(make, rest, "distribute", many=True)


def _group_rule(low: str, quoted: str | None) -> Reading | None:
    ungroup = re.search(r"\bungroup\b|그룹\s*(?:을|를)?\s*(?:해제|풀어)", low)
    if ungroup is not None:
        rest = _rest(low[: ungroup.start()] + " " + low[ungroup.end() :], r"해\s*줘|줘", _VERBS)
        return Reading(lambda ids, design: Ungroup(targets=list(ids)), rest, "ungroup")
    span = re.search(
        r"\bgroup\b(?: together)?|그룹으로\s*묶어\s*줘?|그룹(?:화|으로)?|묶어\s*줘?", low
    )
    if span is None:
        return None
    rest = _rest(
        low[: span.start()] + " " + low[span.end() :], r"\btogether\b", r"해\s*줘|줘", _VERBS
    )

    def make(ids: tuple[str, ...], design: Design) -> Action:
        return GroupObjects(targets=list(ids), id=new_group_id(design))

    return Reading(make, rest, "group", many=True)


def _duplicate_rule(low: str, quoted: str | None) -> Reading | None:
    span = re.search(r"\b(?:duplicate|copy|clone)\b|복제(?:해)?\s*줘?|복사(?:해)?\s*줘?", low)
    if span is None:
        return None
    rest = _rest(low[: span.start()] + " " + low[span.end() :], _VERBS)
    return Reading(lambda ids, design: DuplicateObjects(targets=list(ids)), rest, "duplicate")


def _font_rule(low: str, quoted: str | None) -> Reading | None:
    """ "set the title font to Noto Sans", "use Noto Serif for all the text": a family of the
    catalog named by its label."""
    for spec in CATALOG.values():
        span = re.search(rf"(?<![a-z]){re.escape(spec.label.lower())}(?![a-z])", low)
        if span is None:
            continue
        rest = _rest(
            low[: span.start()] + " " + low[span.end() :],
            r"\b(?:font|typeface|family|to|in|use|for)\b",
            r"글꼴\S*|폰트\S*|서체\S*|^\s*(?:으로|로)|\s(?:으로|로)\s",
            _VERBS,
        )
        family = spec.label
        return Reading(_styled(Style(font_family=family)), rest, f"font {family}")
    return None


_HALVES = (
    (r"\btop half\b|위쪽?\s*절반", "top"),
    (r"\bbottom half\b|아래쪽?\s*절반", "bottom"),
    (r"\bleft half\b|왼쪽\s*절반", "left"),
    (r"\bright half\b|오른쪽\s*절반", "right"),
    (r"\b(?:a |to )?square\b|정사각형(?:으로)?", "square"),
)


def _crop_rule(low: str, quoted: str | None) -> Reading | None:
    verb = re.search(r"\bcrop\b|\btrim\b|잘라\s*줘?|자르", low)
    if verb is None:
        return None
    for pattern, part in _HALVES:
        span = re.search(pattern, low)
        if span is None:
            continue
        rest = _rest(
            low[: span.start()] + " " + low[span.end() :],
            r"\b(?:crop|trim|to|its|it|keep|only|the)\b",
            r"잘라\s*줘?|자르\S*|만\s*남기고|남기고|만",
            _VERBS,
        )

        def make(ids: tuple[str, ...], design: Design, part: str = part) -> Action:
            return _cropped(ids, design, part)

        return Reading(make, rest, f"crop {part}")
    return None


def _cropped(ids: tuple[str, ...], design: Design, part: str) -> Action:
    """The crop keeping ``part`` of what the (first) image shows now."""
    item = design.find(ids[0])
    crop_x, crop_y = (item.crop_x, item.crop_y) if isinstance(item, Image) else (0.0, 0.0)
    width = item.width if item is not None else 0.0
    height = item.height if item is not None else 0.0
    if part == "square":
        side = min(width, height)
        crop_x, crop_y = crop_x + (width - side) / 2, crop_y + (height - side) / 2
        width = height = side
    elif part in ("top", "bottom"):
        height /= 2
        crop_y += height if part == "bottom" else 0.0
    else:
        width /= 2
        crop_x += width if part == "right" else 0.0
    return Crop(
        targets=list(ids),
        crop_x=crop_x,
        crop_y=crop_y,
        width=max(width, 1.0),
        height=max(height, 1.0),
    )


_RULES = (
    _text_rule,
    _crop_rule,
    _group_rule,
    _distribute_rule,
    _duplicate_rule,
    _font_rule,
    _delete_rule,
    _order_rule,
    _move_rule,
    _rotate_rule,
    _opacity_rule,
    _size_rule,
    _weight_rule,
    _align_rule,
    _colour_rule,
)
