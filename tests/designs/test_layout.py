"""The arranging actions (align, distribute, group/ungroup, replace image, crop, brand kit,
preset switch) and the tenant's checks in ``validate`` (fonts, contrast), on the shared poster."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icop.designs.actions import (
    PRESET_SIZES,
    Align,
    ApplyBrandKit,
    BrandColours,
    Crop,
    Distribute,
    GroupObjects,
    Move,
    ReplaceImage,
    SetBackground,
    SetStyle,
    SetText,
    Style,
    SwitchPreset,
    Ungroup,
)
from icop.designs.apply import InvalidAction, apply
from icop.designs.contrast import text_contrast
from icop.designs.document import Design, Group, Image, Rect, Textbox
from icop.designs.history import History
from icop.designs.interpret import EditContext, default_context, validate
from icop.designs.tree import extent
from tests.designs.samples import POSTER

CONTEXT = EditContext(fonts=frozenset({"DejaVu Sans", "Noto Sans"}), brand=None)


def _box(design: Design, object_id: str) -> tuple[float, float, float, float]:
    item = design.find(object_id)
    assert item is not None
    return extent(item)


@pytest.mark.parametrize(
    ("to", "check"),
    [
        ("left", lambda box, w, h: box[0] == 0),
        ("right", lambda box, w, h: box[2] == w),
        ("center", lambda box, w, h: (box[0] + box[2]) / 2 == w / 2),
        ("top", lambda box, w, h: box[1] == 0),
        ("bottom", lambda box, w, h: box[3] == h),
        ("middle", lambda box, w, h: (box[1] + box[3]) / 2 == h / 2),
    ],
)
def test_align_to_the_canvas_moves_each_edge_or_centre_there(to: str, check: object) -> None:
    design = apply(POSTER, [Align(targets=["cta"], to=to)])
    before, after = _box(POSTER, "cta"), _box(design, "cta")
    assert check(after, design.width, design.height)  # type: ignore[operator]
    # Only the axis aligned on moves.
    axis = 1 if to in ("left", "right", "center") else 0
    assert after[axis] == before[axis] and after[2] - after[0] == before[2] - before[0]


def test_align_to_the_selection_lines_the_targets_up_with_each_other() -> None:
    design = apply(
        POSTER,
        [Align(targets=["line1", "photo-right", "cta"], to="right", relative_to="selection")],
    )
    rights = {_box(design, object_id)[2] for object_id in ("line1", "photo-right", "cta")}
    assert rights == {1000.0}  # photo-right's right edge, the selection's rightmost
    lefts = apply(
        POSTER, [Align(targets=["photo-left", "photo-right"], to="top", relative_to="selection")]
    )
    assert _box(lefts, "photo-left")[1] == _box(lefts, "photo-right")[1] == 700


def test_distribute_leaves_equal_gaps_and_keeps_the_outermost_in_place() -> None:
    design = apply(
        POSTER, [Distribute(targets=["dot", "cta", "photo-right"], direction="horizontal")]
    )
    boxes = sorted((_box(design, i) for i in ("cta", "photo-right", "dot")), key=lambda b: b[0])
    assert boxes[0] == _box(POSTER, "cta") and boxes[2] == _box(POSTER, "dot")
    assert boxes[1][0] - boxes[0][2] == pytest.approx(boxes[2][0] - boxes[1][2])
    vertical = apply(
        POSTER, [Distribute(targets=["title", "line1", "line2"], direction="vertical")]
    )
    tops = sorted(_box(vertical, i)[1] for i in ("title", "line1", "line2"))
    assert tops[0] == 60 and _box(vertical, "line2")[1] == 480
    with pytest.raises(InvalidAction, match="three or more"):
        apply(POSTER, [Distribute(targets=["cta", "cta", "dot"], direction="vertical")])


def test_group_then_ungroup_gives_the_design_back() -> None:
    grouped = apply(POSTER, [GroupObjects(targets=["cta", "dot"], id="footer")])
    group = grouped.find("footer")
    assert isinstance(group, Group) and [m.id for m in group.objects] == ["cta", "dot"]
    assert (group.left, group.top) == (80, 1180) and group.objects[0].left == 0
    assert [item.id for item in grouped.objects][-2:] == ["footer", "brand"]  # its place in order
    assert apply(grouped, [Ungroup(targets=["footer"])]) == POSTER


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([GroupObjects(targets=["cta", "nope"], id="g")], "no object with the id 'nope'"),
        ([GroupObjects(targets=["cta", "dot"], id="title")], "the id 'title' is taken"),
        (
            [
                GroupObjects(targets=["cta", "dot"], id="g"),
                GroupObjects(targets=["g", "brand"], id="h"),
            ],
            "groups do not nest",
        ),
        ([Ungroup(targets=["cta"])], "'cta' is not a group"),
        ([Crop(targets=["cta"], width=10, height=10)], "not an image"),
    ],
)
def test_arranging_actions_that_cannot_apply_are_refused(
    actions: list[object], message: str
) -> None:
    with pytest.raises(InvalidAction, match=message):
        apply(POSTER, actions)  # type: ignore[arg-type]


def test_a_replaced_picture_covers_the_same_frame_and_crops_within_its_size() -> None:
    design = apply(
        POSTER,
        [
            ReplaceImage(
                targets=["photo-left"], src="media/new.jpg", natural_width=1600, natural_height=900
            )
        ],
    )
    picture = design.find("photo-left")
    assert isinstance(picture, Image) and picture.src == "media/new.jpg"
    assert _box(design, "photo-left") == pytest.approx(_box(POSTER, "photo-left"))
    # A 16:9 picture in a square frame: its middle 900 x 900 shows.
    assert (picture.crop_x, picture.crop_y, picture.width, picture.height) == pytest.approx(
        (350, 0, 900, 900)
    )
    cropped = apply(
        design, [Crop(targets=["photo-left"], crop_x=100, crop_y=50, width=800, height=600)]
    )
    shown = cropped.find("photo-left")
    assert isinstance(shown, Image) and (shown.crop_x, shown.width) == (100, 800)
    with pytest.raises(InvalidAction, match="beyond the picture's width 1600"):
        apply(design, [Crop(targets=["photo-left"], crop_x=1000, width=800, height=600)])
    with pytest.raises(InvalidAction, match="beyond the picture's height 900"):
        apply(design, [Crop(targets=["photo-left"], crop_y=400, width=800, height=600)])


def test_the_brand_kit_recolours_the_design_and_keeps_every_text_legible() -> None:
    kit = BrandColours(
        background="#fef3c7", accent="#1e3a8a", text="#fbbf24", font_family="Noto Sans"
    )
    design = apply(POSTER, [ApplyBrandKit(brand=kit)])
    assert design.background == "#fef3c7"
    bg, cta, dot = design.find("bg"), design.find("cta"), design.find("dot")
    assert isinstance(bg, Rect) and bg.fill == "#fef3c7"  # covers the canvas: the background
    assert cta is not None and cta.fill == "#1e3a8a" and dot is not None and dot.fill == "#1e3a8a"
    texts = [item for item in design.walk() if isinstance(item, Textbox)]
    assert {text.font_family for text in texts} == {"Noto Sans"}
    # Amber text on the cream background would fail: those texts take the next kit colour
    # that passes (the accent); the title on the (accent-coloured) band keeps the kit's text.
    for text in texts:
        ratio = text_contrast(design, text.id)
        assert ratio is not None and ratio >= 4.5, (text.id, text.fill, ratio)
    line = design.find("line1")
    title = design.find("title")
    assert isinstance(line, Textbox) and line.fill == "#1e3a8a"
    assert isinstance(title, Textbox) and title.fill == "#fbbf24"
    validate(POSTER, [ApplyBrandKit(brand=kit)], CONTEXT)


@pytest.mark.parametrize("preset", ["square", "landscape", "portrait"])
def test_switching_the_preset_re_lays_out_the_design_on_the_new_canvas(preset: str) -> None:
    design = apply(POSTER, [SwitchPreset(preset=preset)])
    width, height = PRESET_SIZES[preset]
    assert (design.width, design.height) == (width, height)
    assert _box(design, "bg") == (0, 0, width, height)  # the full-canvas layer still covers it
    for item in design.walk():
        left, top, right, bottom = extent(item)
        assert left >= -0.01 and top >= -0.01, item.id
        assert right <= width + 0.01 and bottom <= height + 0.01, item.id
        if isinstance(item, Textbox):
            assert item.font_size >= min(0.022 * min(width, height), 36), item.id
    # Positions stay proportional: the left photo is still left of the right one.
    assert _box(design, "photo-left")[0] < _box(design, "photo-right")[0]
    title = design.find("title")
    assert isinstance(title, Textbox) and title.text == "Compost at home"


def test_validate_refuses_an_unknown_font_and_unreadable_text_naming_the_object() -> None:
    with pytest.raises(InvalidAction, match=r"'title': the font 'Comic Sans' is not one"):
        validate(
            POSTER, [SetStyle(targets=["title"], style=Style(font_family="Comic Sans"))], CONTEXT
        )
    with pytest.raises(InvalidAction, match=r"'line1': #ffffff on #f5f5f4 has a contrast of 1\.0"):
        validate(POSTER, [SetStyle(targets=["line1"], style=Style(fill="#ffffff"))], CONTEXT)
    # Moving a dark text onto the blue band makes it unreadable there.
    with pytest.raises(InvalidAction, match=r"'line1'.*on #1d4ed8"):
        validate(POSTER, [Move(targets=["line1"], x=0, y=-300)], CONTEXT)
    # A darker background under white text fails too, though the text itself did not change.
    with pytest.raises(InvalidAction, match="'title'"):
        validate(POSTER, [SetStyle(targets=["band"], style=Style(fill="#fde047"))], CONTEXT)
    # Large text needs 3:1 (WCAG AA): yellow on the blue band (4.4:1) is fine for the title.
    assert validate(POSTER, [SetStyle(targets=["title"], style=Style(fill="#facc15"))], CONTEXT)
    # What the design already had stays allowed: its font is not in the context, and edits
    # elsewhere do not trip over it.
    changed = validate(POSTER, [SetText(targets=["title"], text="Compost")], CONTEXT)
    assert changed.find("title") is not None
    assert validate(
        POSTER, [SetStyle(targets=["title"], style=Style(font_family="noto-sans"))], CONTEXT
    )


def test_the_default_context_offers_the_installed_catalog_fonts() -> None:
    context = default_context()
    assert "DejaVu Sans" in context.fonts and context.brand is not None
    assert context.brand.background == "#111827" and context.min_contrast == 4.5


ARRANGING = st.one_of(
    st.builds(
        Align,
        targets=st.sampled_from([["cta"], ["dot", "cta"], ["photo-left", "photo-right"]]),
        to=st.sampled_from(["left", "center", "right", "top", "middle", "bottom"]),
        relative_to=st.sampled_from(["canvas", "selection"]),
    ),
    st.builds(
        Distribute,
        targets=st.just(["cta", "dot", "photo-right"]),
        direction=st.sampled_from(["horizontal", "vertical"]),
    ),
    st.builds(SwitchPreset, preset=st.sampled_from(["portrait", "square", "landscape"])),
    st.builds(
        ApplyBrandKit,
        brand=st.sampled_from(
            [
                BrandColours(background="#111827", accent="#f97316", text="#f8fafc"),
                BrandColours(background="#ffffff", accent="#16a34a", text="#111111"),
            ]
        ),
    ),
    st.builds(SetBackground, colour=st.sampled_from(["#000000", "#abcdef"])),
    st.builds(Move, targets=st.just(["title"]), x=st.integers(-40, 40), y=st.integers(-40, 40)),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(ARRANGING, min_size=1, max_size=4), st.booleans())
def test_the_history_laws_hold_for_the_arranging_actions(
    actions: list[object], branch: bool
) -> None:
    history = History.start(POSTER)
    designs = [POSTER]
    for action in actions:
        try:
            history = history.change(history.head, [action])  # type: ignore[list-item]
        except InvalidAction:
            continue
        designs.append(history.current.design)
    for expected in reversed(designs[:-1]):  # apply then undo is the identity
        history = history.undo()
        assert history.current.design == expected
    for expected in designs[1:]:  # redo restores
        history = history.redo()
        assert history.current.design == expected
    if branch and len(designs) > 1:  # a change after undo branches; the old branch stays
        undone = history.undo()
        branched = undone.change(undone.head, [SetBackground(colour="#123456")])
        assert (
            branched.undone == () and branched.versions[: len(history.versions)] == history.versions
        )
        assert branched.current.parent == undone.head
