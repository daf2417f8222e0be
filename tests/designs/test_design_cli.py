"""``icop design command`` and ``icop design render`` against the real embedded database
(committed rows: the CLI is another unit of work's view). The model is the deterministic fake
provider, so a sentence the fast path does not read gets a clear refusal, not a model run."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from PIL import Image as PILImage
from typer.testing import CliRunner

from icop.auth.principal import Principal, PrincipalKind
from icop.cli.main import app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.designs import service
from icop.images.presets import Preset
from icop.llm.providers.base import LLMProvider
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.models import Role
from tests.helpers import committed_tenant, fake_providers

runner = CliRunner()
OBJECTS = [
    {
        "kind": "add",
        "object": {
            "type": "Textbox",
            "id": "title",
            "role": "title",
            "text": "Compost at home",
            "left": 100,
            "top": 100,
            "width": 800,
            "height": 120,
            "fontSize": 80,
            "fill": "#111827",
        },
    },
    *(
        {
            "kind": "add",
            "object": {
                "type": "Rect",
                "id": f"box-{n}",
                "left": left,
                "top": 600,
                "width": 100,
                "height": 100,
                "fill": fill,
            },
        }
        for n, (left, fill) in enumerate([(100, "#ff0000"), (600, "#ee1111")])
    ),
]


async def _design(urls: DatabaseUrls, settings: Settings) -> tuple[uuid.UUID, uuid.UUID]:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        tenant = await committed_tenant(sessionmaker, "CLI Designs")
        principal = Principal(
            kind=PrincipalKind.USER, tenant_id=tenant, role=Role.OWNER, user_id=uuid.uuid4()
        )
        async with unit_of_work(sessionmaker, tenant) as session:
            made = await service.create_blank(session, principal, Preset.SQUARE)
            actions = service.ACTIONS.validate_python(OBJECTS)
            await service.change(session, principal, made, actions, 1, note="objects")
        return tenant, made.record.id
    finally:
        await engine.dispose()


def _no_model() -> dict[str, LLMProvider]:
    # The editor task's answer when asked: not an edit of this design.
    refusing = FakeProvider(
        "local", script=lambda request: FakeReply(data={"understood": False, "steps": []})
    )
    return {**fake_providers(), "local": refusing}


def test_command_and_render(
    database_urls: DatabaseUrls,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("icop.cli.design.default_providers", lambda current: _no_model())
    tenant, design_id = asyncio.run(_design(database_urls, settings))
    scope = ["--tenant", str(tenant)]

    done = runner.invoke(
        app, ["design", "command", str(design_id), "make the title bigger", *scope]
    )
    assert done.exit_code == 0, done.output
    assert f"version 3 of design {design_id}" in done.output and "fast path" in done.output

    korean = runner.invoke(app, ["design", "command", str(design_id), "제목을 더 크게", *scope])
    assert korean.exit_code == 0, korean.output
    assert "version 4" in korean.output

    unclear = runner.invoke(
        app, ["design", "command", str(design_id), "write a poem about worms", *scope]
    )
    assert unclear.exit_code == 1 and "not understood" in unclear.output
    assert "Traceback" not in unclear.output
    ambiguous = runner.invoke(
        app, ["design", "command", str(design_id), "delete the red box", *scope]
    )
    assert ambiguous.exit_code == 1 and "ambiguous" in ambiguous.output
    assert "box-0" in ambiguous.output and "box-1" in ambiguous.output
    missing = runner.invoke(app, ["design", "command", str(uuid.uuid4()), "make it red", *scope])
    assert missing.exit_code == 1 and "design not found" in missing.output
    assert "Traceback" not in missing.output

    out = tmp_path / "card.jpg"
    rendered = runner.invoke(
        app,
        [
            "design",
            "render",
            str(design_id),
            str(out),
            "--platform",
            "instagram",
            "--version",
            "2",
            *scope,
        ],
    )
    assert rendered.exit_code == 0, rendered.output
    assert "version 2" in rendered.output
    with PILImage.open(out) as image:
        assert image.format == "JPEG" and image.size == (1080, 1080)
    head = tmp_path / "head.jpg"
    assert (
        runner.invoke(app, ["design", "render", str(design_id), str(head), *scope]).exit_code == 0
    )
    assert head.read_bytes() != out.read_bytes()  # the head's title is bigger than version 2's
    beyond = runner.invoke(
        app, ["design", "render", str(design_id), str(head), "--version", "9", *scope]
    )
    assert beyond.exit_code == 1 and "no version 9" in beyond.output
