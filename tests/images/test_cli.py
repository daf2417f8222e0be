"""``icop image``: generate offline with the local renderer, and convert files, with one-line
errors and a non-zero exit for input that cannot be converted. The app is mounted here as
``icop`` mounts it (``add_typer(app, name="image")``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from icop.cli.image import app as image_app
from tests.images.corpus import compressible_bomb, encode, photo

root = typer.Typer()
root.add_typer(image_app, name="image")


@root.command("noop")
def _noop() -> None:
    """Keeps ``root`` a group, as the real ``icop`` command is."""


runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (
        "OPENAI_API_KEY",
        "ICOP_OPENAI_API_KEY",
        "FAL_KEY",
        "ICOP_FAL_KEY",
        "ICOP_COMFYUI_URL",
        "ICOP_IMAGE_PROVIDERS",
    ):
        monkeypatch.delenv(variable, raising=False)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(root, ["image", *args])
    return result.exit_code, result.output


def jpeg(path: Path) -> Image.Image:
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.format == "JPEG"
    return image


def test_generate_offline_writes_a_card(tmp_path: Path) -> None:
    out = tmp_path / "card.jpg"
    code, output = invoke("Green tea, three ways", "--out", str(out), "--size", "landscape")
    assert code == 0, output
    assert "with local (pillow-card)" in output
    assert jpeg(out).size == (1200, 630)


def test_generate_is_the_default_command_and_names_the_file_by_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke("generate", "A quiet harbour", "--seed", "5")
    assert code == 0, output
    files = list(tmp_path.glob("image-*.jpg"))
    assert len(files) == 1 and jpeg(files[0]).size == (1080, 1350)


def test_requested_but_unconfigured_provider_is_reported(tmp_path: Path) -> None:
    code, output = invoke("Harbour", "--provider", "openai", "-o", str(tmp_path / "h.jpg"))
    assert code == 0, output
    assert "openai: not_configured" in output
    assert "with local" in output


def test_convert_png_with_alpha_for_instagram(tmp_path: Path) -> None:
    source = tmp_path / "wide.png"
    source.write_bytes(encode(photo(1500, 500).convert("RGBA"), "PNG"))
    target = tmp_path / "wide.jpg"
    code, output = invoke("convert", str(source), str(target), "--platform", "instagram")
    assert code == 0, output
    image = jpeg(target)
    assert abs(image.width / image.height - 1.91) < 0.01
    assert "cropped" in output


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"<html>hello</html>", "not a recognised image"),
        (encode(photo(200, 200), "PNG")[:300], "damaged"),
        (compressible_bomb(30_000, 30_000), "pixels"),
    ],
)
def test_convert_rejects_bad_input_in_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    source = tmp_path / "bad.bin"
    source.write_bytes(content)
    code, output = invoke("convert", str(source), str(tmp_path / "out.jpg"))
    assert code == 1
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], output
    assert not (tmp_path / "out.jpg").exists()


def test_convert_missing_file_and_unwritable_target(tmp_path: Path) -> None:
    code, output = invoke("convert", str(tmp_path / "nope.png"), str(tmp_path / "x.jpg"))
    assert code == 1 and "No such file" in output
    source = tmp_path / "ok.png"
    source.write_bytes(encode(photo(50, 50), "PNG"))
    code, output = invoke("convert", str(source), str(tmp_path / "missing-dir" / "x.jpg"))
    assert code == 1 and output.startswith("error: ")


def test_help_lists_both_commands() -> None:
    code, output = invoke("--help")
    assert code == 0 and "generate" in output and "convert" in output


def test_generate_fails_in_one_line_when_no_provider_can(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICOP_IMAGE_PROVIDERS", "openai")
    monkeypatch.setenv("ICOP_IMAGE_LOCAL_LAST_RESORT", "false")
    code, output = invoke("A harbour", "-o", str(tmp_path / "x.jpg"))
    assert code == 1
    assert output.startswith("error: every image provider failed: openai: not_configured")
    assert len(output.strip().splitlines()) == 1
