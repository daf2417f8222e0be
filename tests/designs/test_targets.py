"""Target selection on a table of references, English and Korean, with the expected targets."""

from __future__ import annotations

import pytest

from icop.designs.targets import resolve
from tests.designs.samples import POSTER

FOUND = [
    ("the title", ("title",)),
    ("make the headline bigger", ("title",)),
    ("제목", ("title",)),
    ("제목을 더 크게", ("title",)),
    ("the logo", ("brand",)),
    ("로고의 색", ("brand",)),
    ("the red box", ("cta",)),
    ("빨간 상자", ("cta",)),
    ("the button", ("cta",)),
    ("버튼", ("cta",)),
    ("the blue band", ("band",)),
    ("파란 사각형", ("band",)),
    ("the green circle", ("dot",)),
    ("초록색 원", ("dot",)),
    ("the image on the left", ("photo-left",)),
    ("왼쪽 이미지", ("photo-left",)),
    ("the right picture", ("photo-right",)),
    ("오른쪽 사진", ("photo-right",)),
    ("the bigger photo", ("photo-left",)),
    ("가장 큰 이미지", ("photo-left",)),
    ("the second line", ("line1",)),  # reading order: title, line1, line2, … brand
    ("두 번째 줄", ("line1",)),
    ("the last text", ("brand",)),
    ("마지막 텍스트", ("brand",)),
    ("all text", ("title", "line1", "line2", "brand")),
    ("모든 텍스트", ("title", "line1", "line2", "brand")),
    ("all images", ("photo-left", "photo-right")),
    ("the background", ("bg",)),
    ("배경", ("bg",)),
    ("the black text at the top", ("line1",)),
]


@pytest.mark.parametrize(("reference", "expected"), FOUND)
def test_a_reference_finds_its_objects(reference: str, expected: tuple[str, ...]) -> None:
    resolution = resolve(POSTER, reference)
    assert (resolution.status, resolution.ids) == ("found", expected), resolution


@pytest.mark.parametrize(
    ("reference", "candidates"),
    [
        ("the image", ("photo-left", "photo-right")),
        ("이미지", ("photo-left", "photo-right")),
        ("the black text", ("line1", "line2", "brand")),
    ],
)
def test_an_ambiguous_reference_returns_the_candidates(
    reference: str, candidates: tuple[str, ...]
) -> None:
    resolution = resolve(POSTER, reference)
    assert resolution.status == "ambiguous" and set(resolution.ids) == set(candidates)


@pytest.mark.parametrize("reference", ["the purple star", "the yellow text", "보라색 원"])
def test_a_reference_to_nothing_says_so_and_what_it_understood(reference: str) -> None:
    resolution = resolve(POSTER, reference)
    assert resolution.status == "none" and resolution.ids == ()
    assert resolution.understood  # the answer can say what was looked for


def test_without_roles_the_largest_text_is_the_title() -> None:
    plain = POSTER.model_copy(
        update={"objects": [o.model_copy(update={"role": None}) for o in POSTER.objects]}
    )
    assert resolve(plain, "the title").ids == ("title",)
