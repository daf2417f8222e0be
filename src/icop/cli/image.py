"""``icop image``: generate an image from a prompt (the local renderer works offline), and
convert any image file into a platform-ready JPEG.

``icop image "PROMPT"`` is short for ``icop image generate "PROMPT"``: the group routes any
first argument that is not one of its commands to ``generate`` (for a prompt that is literally
"convert", spell out ``generate``).
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from icop.cli.common import console, error_console, settings
from icop.errors import ICOPError
from icop.images.generation import produce_with_fallback, resolve_chain
from icop.images.jpeg import to_platform_jpeg
from icop.images.presets import Preset
from icop.images.providers.base import GenerationRequest
from icop.images.providers.registry import build_providers
from icop.images.schemas import MAX_SEED, ProviderName
from icop.images.settings import ImageSettings
from icop.platforms import Platform

DEFAULT_COMMAND = "generate"


def fail(message: str) -> typer.Exit:
    """One line, however long: scripts read the reason with ``head -1``."""
    error_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=1)


class _DefaultToGenerate(TyperGroup):
    # ``ctx`` is Typer's vendored click Context, which Typer does not export under its name.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToGenerate,
    help='Images: `icop image "PROMPT"` generates one, `icop image convert IN OUT` converts.',
    no_args_is_help=True,
)


@app.command(DEFAULT_COMMAND)
def generate(
    prompt: str = typer.Argument(..., help="What to picture (English works best)."),
    provider: ProviderName | None = typer.Option(
        None, "--provider", "-p", help="Try this provider first; the others follow."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Where to write the JPEG (default: ./image-<hash>.jpg)."
    ),
    size: Preset = typer.Option(Preset.PORTRAIT, "--size", help="Size preset."),
    platform: Platform | None = typer.Option(
        None, "--platform", help="Fit the JPEG to this platform's rules."
    ),
    title: str | None = typer.Option(None, "--title", help="Text of the local renderer's card."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=MAX_SEED),
) -> None:
    """Generate an image with the configured providers, falling back in order."""
    current = settings()
    images = ImageSettings()
    chain = resolve_chain(
        images.image_providers,
        requested=provider.value if provider else None,
        local_last_resort=images.image_local_last_resort,
    )
    request = GenerationRequest(
        prompt=prompt,
        preset=size,
        seed=seed if seed is not None else int(hashlib.sha256(prompt.encode()).hexdigest()[:7], 16),
        title=title,
    )

    async def run() -> Any:
        providers = build_providers(current, images)
        try:
            with console.status("generating …") as status:

                def progress(message: str, fraction: float | None) -> None:
                    done = f" {fraction:.0%}" if fraction is not None else ""
                    status.update(f"{message}{done}")

                return await produce_with_fallback(
                    providers, chain, request, platform=platform, progress=progress
                )
        finally:
            for item in providers.values():
                await item.aclose()

    try:
        produced, attempts = asyncio.run(run())
    except ICOPError as error:
        raise fail(error.detail) from None
    for attempt in attempts[:-1]:
        # Unconfigured providers are normal (no keys offline), unless asked for by name.
        if attempt.outcome != "not_configured" or (provider and attempt.provider == provider):
            error_console.print(
                f"[yellow]{attempt.provider}:[/] {attempt.detail or attempt.outcome}"
            )
    target = out or Path(f"image-{hashlib.sha256(produced.jpeg).hexdigest()[:12]}.jpg")
    try:
        target.write_bytes(produced.jpeg)
    except OSError as error:
        raise fail(f"{target}: {error.strerror or error}") from None
    console.print(
        f"wrote {target} ({produced.width}x{produced.height}, {len(produced.jpeg) / 1024:.0f} KB)"
        f" with {produced.provider} ({produced.model})"
    )


@app.command("convert")
def convert(
    source: Path = typer.Argument(..., help="Any image: PNG, WEBP, GIF, TIFF, JPEG …"),
    target: Path = typer.Argument(..., help="Where to write the JPEG."),
    platform: Platform | None = typer.Option(
        None, "--platform", help="Fit the platform's rules (aspect, width, size cap)."
    ),
) -> None:
    """Convert an image to a progressive sRGB JPEG (exit 1 and one line when it cannot)."""
    try:
        data = source.read_bytes()
    except OSError as error:
        raise fail(f"{source}: {error.strerror or error}") from None
    try:
        result = to_platform_jpeg(data, platform=platform)
    except ValueError as error:  # ImageRejected is a ValueError too
        raise fail(f"{source}: {getattr(error, 'detail', error)}") from None
    try:
        target.write_bytes(result.data)
    except OSError as error:
        raise fail(f"{target}: {error.strerror or error}") from None
    changes = "; ".join(result.changes) or "no changes needed"
    console.print(
        f"wrote {target} ({result.width}x{result.height}, quality {result.quality}, "
        f"{len(result.data) / 1024:.0f} KB): {changes}"
    )
