"""Target selection: which objects of a design a reference means — "the title", "the red box",
"the image on the left", "all text", "the second line", "제목", "왼쪽 이미지", "빨간 상자".
Deterministic, in English and Korean, and honest: a reference that fits several objects
returns them as candidates instead of a guess, and one that fits none says so.

A reference narrows the design's objects step by step: by role or name ("title", "logo"), by
kind ("text", "box", "circle", "image"), by colour (the nearest named colour of the fill, by
perceptual distance), then picks by position ("left", "top"), size ("biggest") or order
("second", "last": reading order, top to bottom then left to right). "all"/"every"/"모든"
keeps every match.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from icop.designs.document import Circle, Design, DesignObject, Group, Image, Line, Rect, Textbox

# --- vocabulary (English and Korean) -------------------------------------------------------

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "제목", "헤드라인", "타이틀"),
    "subtitle": ("subtitle", "subheading", "tagline", "부제", "부제목", "서브타이틀"),
    "logo": ("logo", "brand mark", "로고"),
    "background": ("background", "backdrop", "배경"),
    "cta": ("button", "call to action", "cta", "버튼"),
    "body": ("body", "paragraph", "본문", "문단"),
}
KIND_WORDS: dict[type[DesignObject], tuple[str, ...]] = {
    Textbox: (
        "text",
        "textbox",
        "words",
        "caption",
        "line",
        "lines",
        "텍스트",
        "글자",
        "글",
        "문구",
        "줄",
    ),
    Rect: (
        "box",
        "rectangle",
        "rect",
        "square",
        "shape",
        "band",
        "사각형",
        "상자",
        "박스",
        "네모",
        "도형",
    ),
    Circle: ("circle", "dot", "round", "원", "동그라미"),
    Line: ("divider", "rule", "선", "구분선"),
    Image: ("image", "picture", "photo", "photograph", "illustration", "이미지", "사진", "그림"),
}
# sRGB of the colour names people use, English and Korean (adjective and noun forms).
COLOUR_WORDS: dict[str, tuple[tuple[int, int, int], tuple[str, ...]]] = {
    "red": ((220, 38, 38), ("red", "빨간", "빨강", "붉은", "레드")),
    "orange": ((234, 88, 12), ("orange", "주황", "오렌지")),
    "yellow": ((250, 204, 21), ("yellow", "gold", "노란", "노랑", "옐로")),
    "green": ((22, 163, 74), ("green", "초록", "녹색", "그린")),
    "blue": ((37, 99, 235), ("blue", "파란", "파랑", "푸른", "블루", "navy", "남색")),
    "purple": ((147, 51, 234), ("purple", "violet", "보라", "퍼플")),
    "pink": ((236, 72, 153), ("pink", "분홍", "핑크")),
    "brown": ((120, 72, 40), ("brown", "갈색")),
    "black": ((17, 17, 17), ("black", "검은", "검정", "까만", "블랙")),
    "white": ((250, 250, 250), ("white", "흰", "하얀", "흰색", "화이트")),
    "grey": ((128, 128, 128), ("grey", "gray", "회색", "그레이")),
}
ALL_WORDS = ("all", "every", "each", "모든", "전부")
ORDINALS: dict[int, tuple[str, ...]] = {
    1: ("first", "1st", "첫", "첫째", "첫 번째"),
    2: ("second", "2nd", "두 번째", "둘째"),
    3: ("third", "3rd", "세 번째", "셋째"),
    4: ("fourth", "4th", "네 번째", "넷째"),
    -1: ("last", "final", "마지막"),
}
POSITION_WORDS: dict[str, tuple[str, ...]] = {
    "left": ("left", "왼쪽", "좌측"),
    "right": ("right", "오른쪽", "우측"),
    "top": ("top", "upper", "above", "위", "위쪽", "상단"),
    "bottom": ("bottom", "lower", "below", "아래", "아래쪽", "하단"),
    "center": ("center", "centre", "middle", "가운데", "중앙"),
}
SIZE_WORDS: dict[str, tuple[str, ...]] = {
    "biggest": ("big", "bigger", "biggest", "large", "larger", "largest", "큰", "가장 큰"),
    "smallest": ("small", "smaller", "smallest", "tiny", "작은", "가장 작은"),
}
_PARTICLE = (
    r"(?:들)?(?:을|를|이|가|은|는|의|에|에서|에게|도|만|으로|로|과|와|색|쪽|들)?"
    r"(?![\uac00-\ud7af])"
)
COLOUR_MATCH_MAX_DELTA_E = 40.0
"""A fill farther than this (CIE76 ΔE) from every named colour matches no colour word."""


@dataclass(frozen=True)
class Resolution:
    status: Literal["found", "ambiguous", "none"]
    ids: tuple[str, ...] = ()
    """``found``: the targets; ``ambiguous``: the candidates to choose from."""
    understood: dict[str, str] = field(default_factory=dict)
    """What the reference was read as (role, kind, colour, position…), for the answer."""


def resolve(design: Design, reference: str) -> Resolution:
    text = f" {reference.lower().strip()} "
    understood: dict[str, str] = {}
    candidates = [item for item in design.walk() if not isinstance(item, Group)]

    role = _first_key(ROLE_WORDS, text)
    if role is not None:
        understood["role"] = role
        by_role: list[DesignObject] = [
            item for item in candidates if item.role == role or _named(item, role)
        ]
        # "the title" in a design without roles: the largest text stands for it.
        if not by_role and role == "title":
            texts = [item for item in candidates if isinstance(item, Textbox)]
            by_role = [*sorted(texts, key=lambda item: -_font(item))[:1]]
        if role == "background" and not by_role:
            by_role = [item for item in candidates if _covers(item, design)]
        candidates = by_role
    kind = next((k for k, words in KIND_WORDS.items() if _mentions(text, words)), None)
    if kind is not None:
        understood["kind"] = kind.__name__.lower()
        candidates = [item for item in candidates if isinstance(item, kind)]
    colour = _first_key({name: words for name, (_, words) in COLOUR_WORDS.items()}, text)
    if colour is not None:
        understood["colour"] = colour
        candidates = [item for item in candidates if colour_name(item) == colour]

    if not candidates:
        return Resolution("none", understood=understood)
    ordinal = next((n for n, words in ORDINALS.items() if _mentions(text, words)), None)
    position = _first_key(POSITION_WORDS, text)
    size = _first_key(SIZE_WORDS, text)
    everything = _mentions(text, ALL_WORDS)
    if not (understood or everything) and ordinal is None and position is None and size is None:
        # "the unicorn": no word of the reference names anything a design has.
        return Resolution("none", understood={"unknown": reference.strip()[:80]})
    if everything:
        understood["quantity"] = "all"
        return Resolution("found", tuple(item.id for item in candidates), understood)
    if ordinal is not None:
        understood["order"] = str(ordinal)
        ordered = sorted(candidates, key=lambda item: (round(item.top), item.left))
        index = ordinal - 1 if ordinal > 0 else len(ordered) - 1
        candidates = [ordered[index]] if 0 <= index < len(ordered) else []
    elif position is not None:
        understood["position"] = position
        candidates = _by_position(candidates, position, design)
    elif size is not None:
        understood["size"] = size
        area = sorted(candidates, key=_area, reverse=size == "biggest")
        candidates = [area[0]] if len(area) == 1 or _area(area[0]) != _area(area[1]) else area
    if not candidates:
        return Resolution("none", understood=understood)
    status: Literal["found", "ambiguous"] = "found" if len(candidates) == 1 else "ambiguous"
    return Resolution(status, tuple(item.id for item in candidates), understood)


# --- helpers -------------------------------------------------------------------------------


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` (padded with spaces) contains one of ``words``: whole English words
    (or their plurals);
    whole Korean words or followed by a particle ("제목을", "로고의", "왼쪽에", "빨강색")."""
    for word in words:
        if re.search(r"[\uac00-\ud7af]", word):
            if re.search(rf"(?<![\uac00-\ud7af]){re.escape(word)}{_PARTICLE}", text):
                return True
        elif re.search(rf"(?<![a-z0-9]){re.escape(word)}(?:s|es)?(?![a-z0-9])", text):
            return True
    return False


def _first_key(table: dict[str, tuple[str, ...]], text: str) -> str | None:
    return next((key for key, words in table.items() if _mentions(text, words)), None)


def _named(item: DesignObject, role: str) -> bool:
    return item.name is not None and _mentions(f" {item.name.lower()} ", ROLE_WORDS[role])


def _font(item: Textbox) -> float:
    return item.font_size * item.scale_y


def _area(item: DesignObject) -> float:
    left, top, right, bottom = item.box
    if isinstance(item, Textbox):
        return (right - left) * _font(item)
    return (right - left) * (bottom - top)


def _covers(item: DesignObject, design: Design) -> bool:
    left, top, right, bottom = item.box
    return left <= 0 and top <= 0 and right >= design.width and bottom >= design.height


def _centre(item: DesignObject) -> tuple[float, float]:
    left, top, right, bottom = item.box
    if isinstance(item, Textbox) and bottom == top:
        bottom = top + _font(item)
    return (left + right) / 2, (top + bottom) / 2


def _by_position(
    candidates: list[DesignObject], position: str, design: Design
) -> list[DesignObject]:
    """The candidate farthest toward ``position``; ties (within 2 % of the canvas) stay
    ambiguous."""

    def score(item: DesignObject) -> float:
        x, y = _centre(item)
        return {
            "left": -x,
            "right": x,
            "top": -y,
            "bottom": y,
            "center": -math.hypot(x - design.width / 2, y - design.height / 2),
        }[position]

    ranked = sorted(candidates, key=score, reverse=True)
    tolerance = 0.02 * max(design.width, design.height)
    return [item for item in ranked if score(ranked[0]) - score(item) <= tolerance]


def colour_name(item: DesignObject) -> str | None:
    rgb = _rgb(item.fill or item.stroke)
    if rgb is None:
        return None
    lab = _lab(rgb)
    name, (reference, _) = min(
        COLOUR_WORDS.items(), key=lambda entry: math.dist(lab, _lab(entry[1][0]))
    )
    return name if math.dist(lab, _lab(reference)) <= COLOUR_MATCH_MAX_DELTA_E else None


def _rgb(value: str | None) -> tuple[int, int, int] | None:
    if value is None:
        return None
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    numbers = [int(n) for n in re.findall(r"\d+", value)[:3]]
    return (numbers[0], numbers[1], numbers[2]) if len(numbers) == 3 else None


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour: distances there follow what people see."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
