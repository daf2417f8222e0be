"""Designs: the document subset, every action, and the history's laws (property-tested)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from icop.designs.actions import (
    AddObject,
    DeleteObjects,
    DuplicateObjects,
    Move,
    Resize,
    Rotate,
    SetBackground,
    SetStyle,
    SetText,
    Style,
    ZOrder,
)
from icop.designs.apply import InvalidAction, apply
from icop.designs.document import Design, Rect, Textbox
from icop.designs.history import History, NothingToRedo, NothingToUndo, StaleVersion
from icop.errors import NotFound

CARD = Design.model_validate(
    {
        "width": 1080,
        "height": 1350,
        "background": "#FFFFFF",
        "objects": [
            {
                "type": "Rect",
                "id": "band",
                "role": "decoration",
                "width": 1080,
                "height": 300,
                "fill": "#1d4ed8",
            },
            {
                "type": "Textbox",
                "id": "title",
                "role": "title",
                "text": "Compost at home",
                "left": 80,
                "top": 80,
                "width": 900,
                "fontSize": 72,
                "fill": "#ffffff",
            },
            {
                "type": "Group",
                "id": "footer",
                "left": 80,
                "top": 1200,
                "width": 900,
                "height": 80,
                "objects": [
                    {
                        "type": "Textbox",
                        "id": "brand",
                        "role": "logo",
                        "text": "ICOP",
                        "width": 200,
                        "fontSize": 32,
                    },
                ],
            },
        ],
    }
)


def test_a_fabric_document_round_trips_and_bad_ones_are_refused() -> None:
    document = CARD.fabric_json()
    assert Design.model_validate(document) == CARD
    assert document["objects"][1]["fontSize"] == 72 and document["background"] == "#ffffff"
    duplicate = {**document, "objects": [*document["objects"], document["objects"][0]]}
    with pytest.raises(ValidationError, match="share the id"):
        Design.model_validate(duplicate)
    with pytest.raises(ValidationError, match="not a colour"):
        Design.model_validate({**document, "background": "javascript:alert(1)"})
    with pytest.raises(ValidationError):  # an object type outside the subset
        Design.model_validate({**document, "objects": [{"type": "Path", "id": "p"}]})


def test_every_action_changes_what_it_names_and_nothing_else() -> None:
    note = Textbox(id="note", text="Start small", left=80, top=600, width=400)
    design = apply(
        CARD,
        [
            AddObject(object=note),
            SetText(targets=["title"], text="Compost in 4 steps"),
            SetStyle(targets=["title"], style=Style(fill="#FFD700", font_weight="bold")),
            Move(targets=["note"], x=10, y=-20),
            Resize(targets=["title"], scale=1.5),
            Resize(targets=["band"], height=400),
            Rotate(targets=["note"], angle=-200),
            DuplicateObjects(targets=["note"]),
            ZOrder(targets=["band"], to="front"),
            SetBackground(colour="#000"),
        ],
    )
    title = design.find("title")
    assert isinstance(title, Textbox) and title.text == "Compost in 4 steps"
    assert (title.fill, title.font_weight, title.font_size, title.width) == (
        "#ffd700",
        "bold",
        108,
        1350,
    )
    moved = design.find("note")
    assert moved is not None and (moved.left, moved.top, moved.angle) == (90, 580, 160)
    copy = design.find("note-2")
    assert copy is not None and (copy.left, copy.top) == (110, 600)
    band = design.find("band")
    assert isinstance(band, Rect) and band.height == 400
    assert [item.id for item in design.objects][-1] == "band" and design.background == "#000"
    assert apply(design, [DeleteObjects(targets=["note-2", "brand"])]).find("brand") is None
    assert CARD.find("note") is None  # the original design is untouched


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (SetText(targets=["band"], text="x"), "not text"),
        (SetText(targets=["nope"], text="x"), "no object with the id 'nope'"),
        (SetStyle(targets=["band"], style=Style(font_size=30)), "no text"),
        (SetStyle(targets=["title"], style=Style(fill="red; x")), "not a colour"),
        (Move(targets=["title"], x=5000, y=0, relative=False), "off the canvas"),
        (Resize(targets=["title"], scale=20), "not a valid design"),
        (ZOrder(targets=["brand"], to="front"), "ungroup first"),
        (Resize(targets=["title"]), "needs a scale"),
    ],
)
def test_an_action_that_cannot_apply_is_refused_and_changes_nothing(
    action: object, message: str
) -> None:
    with pytest.raises(InvalidAction, match=message):
        apply(CARD, [SetText(targets=["title"], text="changed"), action])  # type: ignore[list-item]


ACTIONS = st.one_of(
    st.builds(Move, targets=st.just(["title"]), x=st.integers(-50, 50), y=st.integers(-50, 50)),
    st.builds(SetText, targets=st.just(["title"]), text=st.text(max_size=30)),
    st.builds(Rotate, targets=st.sampled_from([["band"], ["title"]]), angle=st.integers(-90, 90)),
    st.builds(
        ZOrder,
        targets=st.sampled_from([["band"], ["footer"]]),
        to=st.sampled_from(["front", "back", "forward", "backward"]),
    ),
    st.builds(SetBackground, colour=st.sampled_from(["#000000", "#ffffff", "#123456"])),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ACTIONS, min_size=1, max_size=3), min_size=1, max_size=5))
def test_undo_redo_and_branches_obey_their_laws(changes: list[list[object]]) -> None:
    history = History.start(CARD)
    heads = [history.current.design]
    for actions in changes:
        try:
            history = history.change(history.head, actions)  # type: ignore[arg-type]
        except InvalidAction:  # moved off the canvas: refused, the history as it was
            continue
        heads.append(history.current.design)
    for expected in reversed(heads[:-1]):  # undo walks back through every version
        history = history.undo()
        assert history.current.design == expected
    with pytest.raises(NothingToUndo):
        history.undo()
    if len(heads) == 1:
        return
    for expected in heads[1:]:  # redo walks forward again
        history = history.redo()
        assert history.current.design == expected
    with pytest.raises(NothingToRedo):
        history.redo()
    # A change after an undo branches: redo cannot reach the old branch, which stays listed.
    branched = history.undo().change(history.head - 1, [SetBackground(colour="#abcdef")])
    assert branched.current.design.background == "#abcdef"
    assert len(branched.versions) == len(heads) + 1 and branched.undone == ()
    with pytest.raises(NothingToRedo):
        branched.redo()


def test_a_change_against_an_old_head_is_refused_not_merged() -> None:
    history = History.start(CARD).change(1, [SetText(targets=["title"], text="A")])
    with pytest.raises(StaleVersion, match="at version 2, not 1"):
        history.change(1, [SetText(targets=["title"], text="B")])
    restored = history.restore(1, expected_head=2)
    assert restored.current.design == CARD and restored.current.note == "restored 1"
    assert restored.current.parent == 2 and len(restored.versions) == 3
    with pytest.raises(NotFound):
        history.restore(9, expected_head=2)
