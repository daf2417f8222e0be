"""One short line saying what a list of actions will change, in the command's language
("title: bigger x1.25; title: colour #facc15" / "제목: 크기 x1.25; 제목: 색 #facc15")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from icop.designs.actions import (
    Action,
    AddObject,
    Align,
    ApplyBrandKit,
    Crop,
    DeleteObjects,
    Distribute,
    DuplicateObjects,
    GroupObjects,
    Move,
    ReplaceImage,
    Resize,
    Rotate,
    SetBackground,
    SetStyle,
    SetText,
    SwitchPreset,
    Ungroup,
    ZOrder,
)
from icop.designs.document import Design

_HANGUL = re.compile(r"[\uac00-\ud7af]")
_ROLES_KO = {
    "title": "제목",
    "subtitle": "부제목",
    "body": "본문",
    "logo": "로고",
    "background": "배경",
    "image": "이미지",
    "decoration": "장식",
    "cta": "버튼",
}


def is_korean(sentence: str) -> bool:
    return _HANGUL.search(sentence) is not None


def describe(design: Design, actions: Sequence[Action], korean: bool) -> str:
    return "; ".join(_one(design, action, korean) for action in actions)[:300]


def _names(design: Design, ids: Sequence[str], korean: bool) -> str:
    names = []
    for object_id in ids:
        item = design.find(object_id)
        role = item.role if item is not None else None
        names.append(_ROLES_KO.get(role or "", object_id) if korean else (role or object_id))
    unique = list(dict.fromkeys(names))
    return ", ".join(unique[:4]) + (" …" if len(unique) > 4 else "")


def _one(design: Design, action: Action, korean: bool) -> str:
    who = _names(design, getattr(action, "targets", ()), korean)
    ko = korean
    if isinstance(action, Resize):
        size = f"x{action.scale:.2f}" if action.scale else f"{action.width}x{action.height}"
        return f"{who}: {'크기' if ko else 'size'} {size}"
    if isinstance(action, SetStyle):
        style = action.style.model_dump(exclude_none=True, by_alias=True)
        parts = ", ".join(f"{key} {value}" for key, value in style.items())
        return f"{who}: {parts}"
    if isinstance(action, SetText):
        return f'{who}: {"텍스트" if ko else "text"} "{action.text[:40]}"'
    if isinstance(action, Move):
        if action.relative:
            return f"{who}: {'이동' if ko else 'move'} ({action.x:+g}, {action.y:+g})"
        return f"{who}: {'이동' if ko else 'move to'} ({action.x:g}, {action.y:g})"
    if isinstance(action, Rotate):
        return f"{who}: {'회전' if ko else 'rotate'} {action.angle:g}°"
    if isinstance(action, DeleteObjects):
        return f"{who}: {'삭제' if ko else 'delete'}"
    if isinstance(action, DuplicateObjects):
        return f"{who}: {'복제' if ko else 'duplicate'}"
    if isinstance(action, ZOrder):
        return f"{who}: {'순서' if ko else 'order'} {action.to}"
    if isinstance(action, SetBackground):
        return f"{'배경색' if ko else 'background'} {action.colour}"
    if isinstance(action, AddObject):
        return f"{'추가' if ko else 'add'} {action.object.id}"
    if isinstance(action, Align):
        frame = (
            ("캔버스" if ko else "canvas")
            if action.relative_to == "canvas"
            else ("선택 영역" if ko else "selection")
        )
        return f"{who}: {'정렬' if ko else 'align'} {action.to} ({frame})"
    if isinstance(action, Distribute):
        return f"{who}: {'균등 배치' if ko else 'distribute'} {action.direction}"
    if isinstance(action, GroupObjects):
        return f"{who}: {'그룹' if ko else 'group'} → {action.id}"
    if isinstance(action, Ungroup):
        return f"{who}: {'그룹 해제' if ko else 'ungroup'}"
    if isinstance(action, ReplaceImage):
        return f"{who}: {'이미지 교체' if ko else 'replace image'}"
    if isinstance(action, Crop):
        return f"{who}: {'자르기' if ko else 'crop'} {action.width:g}x{action.height:g}"
    if isinstance(action, ApplyBrandKit):
        return "브랜드 키트 적용" if ko else "apply the brand kit"
    if isinstance(action, SwitchPreset):
        return f"{'프리셋' if ko else 'preset'} {action.preset}"
    return action.kind
