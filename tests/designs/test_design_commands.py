"""Commands that need the model (the deterministic fake provider stands in for it), ambiguous
references, and the version check in the database: two edits made against the same version in
two transactions, exactly one lands."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from icop.api.app import create_app
from icop.auth.principal import Principal, PrincipalKind
from icop.config import Settings
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.designs import service
from icop.designs.actions import Move
from icop.designs.history import StaleVersion
from icop.images.presets import Preset
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.models import Role
from icop.runtime.clients import Runtime
from tests.designs.api_support import PROBLEM, card_design, with_role
from tests.helpers import ApiClient, committed_tenant, fake_providers

TWO_RED_BOXES = [
    {
        "kind": "add",
        "object": {
            "type": "Rect",
            "id": f"box-{n}",
            "left": left,
            "top": 100,
            "width": 100,
            "height": 100,
            "fill": fill,
        },
    }
    for n, (left, fill) in enumerate([(100, "#ff0000"), (600, "#ee1111")])
]


def _editor(request: CompletionRequest) -> FakeReply:
    """The model's answer to the editor task: yellow for a sunny title, nothing else."""
    prompt = "\n".join(message.content for message in request.messages)
    title = re.search(r"([A-Za-z0-9_-]+) \| textbox \| role=title", prompt)
    if "sunshine" not in prompt or title is None:
        return FakeReply(data={"understood": False, "steps": []})
    step = {"kind": "colour", "targets": [title.group(1)], "value": "#ffd400"}
    return FakeReply(data={"understood": True, "steps": [step]})


@pytest.fixture
async def model_client(
    settings: Settings, app_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[ApiClient]:
    providers = {**fake_providers(), "local": FakeProvider("local", script=_editor)}
    runtime = Runtime.from_settings(
        settings, engine=app_engine, sessionmaker=sessionmaker, llm_providers=providers
    )
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield ApiClient(http)


async def _command(client: ApiClient, owner: Any, design: dict[str, Any], text: str) -> Any:
    return await client.post(
        f"/api/v1/designs/{design['id']}/commands",
        headers=owner.headers,
        json={"text": text, "expected_head": design["head"]},
    )


async def test_the_model_path_and_what_it_cannot_do(model_client: ApiClient) -> None:
    owner = await model_client.signup("Design Model")
    design = await card_design(model_client, owner)

    sunny = await _command(model_client, owner, design, "give the headline some sunshine")
    assert sunny.status_code == 200, sunny.text
    result = sunny.json()
    assert result["source"] == "model" and result["design"]["head"] == 2
    assert with_role(result["design"], "title")["fill"] == "#ffd400"

    moved_on = result["design"]
    refused = await _command(model_client, owner, moved_on, "write me a poem about worms")
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == "command_not_understood"
    assert "nothing changed" in refused.json()["detail"]
    again = await model_client.get(f"/api/v1/designs/{design['id']}", headers=owner.headers)
    assert again.json()["head"] == 2 and again.json()["versions"] == 2


async def test_an_ambiguous_reference_returns_the_candidates(client: ApiClient) -> None:
    owner = await client.signup("Design Ambiguous")
    blank = (
        await client.post("/api/v1/designs", headers=owner.headers, json={"preset": "square"})
    ).json()
    boxes = await client.post(
        f"/api/v1/designs/{blank['id']}/actions",
        headers=owner.headers,
        json={"expected_head": 1, "actions": TWO_RED_BOXES},
    )
    assert boxes.status_code == 200, boxes.text
    response = await _command(client, owner, boxes.json(), "delete the red box")
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "ambiguous_reference"
    assert sorted(c["id"] for c in problem["candidates"]) == ["box-0", "box-1"]
    assert {c["type"] for c in problem["candidates"]} == {"Rect"}
    unchanged = await client.get(f"/api/v1/designs/{blank['id']}", headers=owner.headers)
    assert unchanged.json()["head"] == 2


async def test_two_edits_of_one_version_in_two_transactions_one_lands(
    app_engine: AsyncEngine,
) -> None:
    """Both read version 1 before either writes; the database's compare-and-set on the head
    refuses the second, even though its own read still said version 1."""
    sessionmaker = create_sessionmaker(app_engine)
    tenant = await committed_tenant(sessionmaker, "Design Race")
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=tenant, role=Role.OWNER, user_id=uuid.uuid4()
    )
    async with unit_of_work(sessionmaker, tenant) as session:
        made = await service.create_blank(session, principal, Preset.SQUARE)
        await service.change(
            session,
            principal,
            made,
            service.ACTIONS.validate_python(TWO_RED_BOXES),
            1,
            note="boxes",
        )
    design_id = made.record.id
    move = Move(targets=["box-0"], x=10, y=10)
    async with unit_of_work(sessionmaker, tenant) as first:
        mine = await service.load(first, design_id)
        async with unit_of_work(sessionmaker, tenant) as second:
            theirs = await service.load(second, design_id)
            assert mine.history.head == theirs.history.head == 2
            await service.change(second, principal, theirs, [move], 2, note="theirs")
        with pytest.raises(StaleVersion) as refused:
            await service.change(first, principal, mine, [move], 2, note="mine")
    assert refused.value.extra["head"] == 3
    async with unit_of_work(sessionmaker, tenant) as session:
        final = await service.load(session, design_id)
    assert final.history.head == 3 and len(final.history.versions) == 3
    assert final.history.current.note == "theirs"


async def test_versions_are_append_only_for_the_app_role(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Design Append Only")
    design = await card_design(client, owner)
    for statement in ("UPDATE design_versions SET note = 'x'", "DELETE FROM design_versions"):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
                await session.execute(text(statement))
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        loaded = await service.load(session, uuid.UUID(design["id"]))
    assert [version.note for version in loaded.history.versions] == ["created"]
