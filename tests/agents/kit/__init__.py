"""The agent test kit (docs/agent-test-kit.md): fixtures, cassettes and assertions for a test of
one agent against real model responses, recorded once and replayed offline."""

from tests.agents.kit.assertions import (
    assert_citations_resolve,
    assert_responds_within,
    assert_schema_valid,
)
from tests.agents.kit.cassettes import (
    MODE_VARIABLE,
    CassetteMissing,
    CassetteProvider,
    cassette_router,
    request_key,
)
from tests.agents.kit.fixtures import AgentFixture, load_fixture

__all__ = [
    "MODE_VARIABLE",
    "AgentFixture",
    "CassetteMissing",
    "CassetteProvider",
    "assert_citations_resolve",
    "assert_responds_within",
    "assert_schema_valid",
    "cassette_router",
    "load_fixture",
    "request_key",
]
