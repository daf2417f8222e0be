"""The editor's model path with the real bundled model: product guarantees only (whatever the
small model writes, the answer is one of the three outcomes, and an applied answer is valid)."""

from __future__ import annotations

from uuid import UUID

import pytest

from icop.designs.interpret import default_context, interpret, validate
from icop.llm.local.server import LocalServer
from icop.llm.policy import default_policy
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle
from tests.designs.samples import POSTER

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "command",
    ["put the logo in the bottom right corner", "제목을 페이지 상단에 배치해줘"],
)
async def test_a_command_for_the_model_is_answered_and_never_breaks_the_design(
    session_server: LocalServer, command: str
) -> None:
    router = SmartRouter(
        {"local": LocalProvider(session_server, timeout_s=240)},
        default_policy(),
        Throttle(global_rate_per_minute=600, provider_concurrency={"local": 3}),
    )
    context = default_context()
    try:
        result = await interpret(
            POSTER,
            command,
            router=router,
            tenant_id=UUID("00000000-0000-4000-8000-0000000000e1"),
            context=context,
        )
    finally:
        await router.aclose()
    assert result.source == "model"  # the fast path leaves these commands
    assert result.status in ("ok", "ambiguous", "not_understood")
    assert result.description
    if result.status == "ok":
        assert result.actions
        validate(POSTER, result.actions, context)  # raises if the answer did not validate
    else:
        assert result.actions == ()
    if result.status == "ambiguous":
        assert len(result.candidates) >= 2
