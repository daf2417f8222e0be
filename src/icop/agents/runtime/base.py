"""One interface for running an agent, whichever framework runs it.

``AgentRuntime.run(role, inputs, output=Model, tenant_id=…)`` makes exactly one routed model call
(through the SmartRouter, so fallback, retries, budgets and the cost ledger always apply) and
returns the validated output with what it cost. Failures are ``AgentFailure`` carrying the
standard error format.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast
from uuid import UUID

from pydantic import BaseModel

from icop.agents.exceptions import AgentFailure, RoleConfigError
from icop.agents.roles import RoleBook, RoleSpec
from icop.agents.schemas import (
    AgentRequest,
    AgentResponse,
    AgentUsage,
    ErrorCode,
    InputModel,
    ProseOutput,
)
from icop.llm.errors import RoutingError, StructuredOutputError
from icop.llm.smart_router import RoutedCall

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class AgentResult(Generic[T]):
    role: str
    output: T
    usage: AgentUsage
    request: AgentRequest

    def response(self) -> AgentResponse:
        return AgentResponse(
            agent=self.request.agent,
            version=self.request.version,
            request_id=self.request.request_id,
            trace_id=self.request.trace_id,
            correlation_id=self.request.correlation_id,
            status="ok",
            outputs=self.output.model_dump(mode="json"),
            usage=self.usage,
        )


class AgentRuntime(Protocol):
    name: str
    roles: RoleBook

    async def run(
        self,
        role: str,
        inputs: InputModel,
        *,
        output: type[T],
        tenant_id: UUID,
        correlation_id: str = "",
        trace_id: str = "",
        instructions: str | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> AgentResult[T]: ...


def checked_role(roles: RoleBook, role: str, inputs: InputModel, output: type[T]) -> RoleSpec:
    """The role's spec, after checking the caller passes and expects what roles.yaml says
    (``output`` is the caller's static type; the YAML is the truth)."""
    spec = roles[role]
    if type(inputs) is not spec.input_model:
        raise RoleConfigError(f"{role} takes {spec.input}, got {type(inputs).__name__}")
    if output is not spec.output_model:
        raise RoleConfigError(f"{role} answers {spec.output}, not {output.__name__}")
    return spec


def new_request(
    spec: RoleSpec,
    runtime: str,
    inputs: InputModel,
    tenant_id: UUID,
    correlation_id: str,
    trace_id: str,
) -> AgentRequest:
    return AgentRequest(
        agent=spec.name,
        version=spec.version,
        trace_id=trace_id or correlation_id[:64],
        correlation_id=correlation_id,
        tenant_id=tenant_id,
        runtime=runtime,
        inputs=model_inputs(inputs),
    )


def model_inputs(inputs: InputModel) -> dict[str, Any]:
    # None means "not given": rendering it as null would only cost tokens.
    return inputs.model_dump(mode="json", exclude_none=True)


def ledger_reference(request: AgentRequest) -> str:
    """What the router's ledger stores as ``reference``: the article first, so the cost of
    one article is a prefix query (the column holds 200 characters)."""
    return f"{request.correlation_id[:150]}/{request.agent}"


def output_of(spec: RoleSpec, output: type[T], call: RoutedCall[Any]) -> T:
    if issubclass(output, ProseOutput):
        return cast(T, output.from_text(call.text))
    if call.value is None:  # the router validates structured answers; this is a bug guard
        raise AgentFailure.of(
            spec.name,
            ErrorCode.INVALID_OUTPUT,
            "the model gave no structured answer",
            retryable=True,
        )
    return cast(T, call.value)


def usage_of(spec: RoleSpec, call: RoutedCall[Any], request: AgentRequest) -> AgentUsage:
    return AgentUsage(
        agent=spec.name,
        provider=call.provider,
        model=call.model,
        prompt_tokens=call.prompt_tokens,
        completion_tokens=call.completion_tokens,
        cost_usd=round(float(call.cost_usd), 6),
        latency_ms=round(call.latency_s * 1000, 1),
        attempts=len(call.attempts),
        repaired=call.repaired,
        request_id=request.request_id,
    )


def failure_of(spec: RoleSpec, error: Exception, started: float) -> AgentFailure:
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    if isinstance(error, StructuredOutputError):
        return AgentFailure.of(
            spec.name,
            ErrorCode.INVALID_OUTPUT,
            str(error),
            retryable=True,
            task=spec.task.value,
            attempts=error.attempts,
            elapsed_ms=elapsed_ms,
        )
    if isinstance(error, RoutingError):
        return AgentFailure.of(
            spec.name,
            ErrorCode.MODEL_UNAVAILABLE,
            str(error),
            retryable=True,
            task=spec.task.value,
            attempts=error.attempts,
            elapsed_ms=elapsed_ms,
        )
    return AgentFailure.of(
        spec.name, ErrorCode.INTERNAL, f"{type(error).__name__}: {error}", retryable=False
    )
