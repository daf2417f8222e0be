"""The standard agent-to-agent envelope (Sparklio §1.6: A2A request/response template and the
error format).

Every agent call, whichever runtime runs it, is described by one ``AgentRequest`` and answered
by one ``AgentResponse``; the ids tie a call to its article (correlation) and to the trace of
the whole workflow, so a log line, a ledger row and a span can be joined.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, model_validator

from icop.agents.schemas.common import SCHEMA_VERSION


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    agent: str = Field(min_length=1, max_length=40, description="Role name, e.g. writer_a.")
    version: str = Field(max_length=20, description="Version of the role's definition.")
    request_id: UUID = Field(default_factory=uuid4)
    trace_id: str = Field(max_length=64, description="The workflow's trace (W3C trace id).")
    correlation_id: str = Field(max_length=200, description="The article (graph thread) id.")


class AgentRequest(Envelope):
    tenant_id: UUID
    runtime: str = Field(max_length=20, description="native | crewai")
    inputs: dict[str, Any] = Field(description="The role's input model, as JSON.")
    created_at: datetime = Field(default_factory=_now)


class AgentUsage(BaseModel):
    """What one call cost. ``provider``/``model`` are the ones that actually answered (after
    fallback); cost is in US dollars, as the router's ledger records it."""

    model_config = ConfigDict(extra="forbid")

    agent: str = Field(max_length=40)
    provider: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=120)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    attempts: int = Field(default=0, ge=0, description="Provider attempts, incl. skips.")
    repaired: bool = False
    request_id: UUID | None = None


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    MODEL_UNAVAILABLE = "model_unavailable"  # no candidate answered (router fallback exhausted)
    INVALID_OUTPUT = "invalid_output"  # answered twice without matching the schema
    RUNTIME_UNAVAILABLE = "runtime_unavailable"  # e.g. the crewai extra is not installed
    INTERNAL = "internal"


class AgentError(BaseModel):
    """The one error format: a stable code to branch on, words for people, and whether the
    same call may succeed if retried."""

    model_config = ConfigDict(extra="forbid")

    code: ErrorCode
    message: str = Field(max_length=2000)
    retryable: bool
    agent: str = Field(max_length=40)
    details: dict[str, Any] = Field(default_factory=dict)


class AgentResponse(Envelope):
    status: Literal["ok", "error"]
    outputs: dict[str, Any] | None = None
    usage: AgentUsage | None = None
    error: AgentError | None = None
    finished_at: datetime = Field(default_factory=_now)

    @model_validator(mode="after")
    def _either_outputs_or_error(self) -> AgentResponse:
        if self.status == "ok" and (self.outputs is None or self.error is not None):
            raise ValueError("an ok response carries outputs and no error")
        if self.status == "error" and self.error is None:
            raise ValueError("an error response carries an error")
        return self
