"""The default runtime: one SmartRouter call per role, no agent framework in between.

The system prompt is the role's role/goal/backstory; the instructions are the role's (prompts.py);
the inputs are the role's input model; structured roles get their output schema enforced by the
router (with its one repair attempt), prose roles answer in plain text.
"""

from __future__ import annotations

import time
from uuid import UUID

from icop.agents import prompts
from icop.agents.roles import RoleBook, default_roles
from icop.agents.runtime.base import (
    AgentResult,
    T,
    checked_role,
    failure_of,
    ledger_reference,
    new_request,
    output_of,
    usage_of,
)
from icop.agents.schemas import InputModel, is_prose
from icop.llm.errors import RoutingError
from icop.llm.smart_router import SmartRouter


class NativeRuntime:
    name = "native"

    def __init__(self, router: SmartRouter, roles: RoleBook | None = None) -> None:
        self.router = router
        self.roles = roles or default_roles()

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
    ) -> AgentResult[T]:
        spec = checked_role(self.roles, role, inputs, output)
        request = new_request(spec, self.name, inputs, tenant_id, correlation_id, trace_id)
        started = time.perf_counter()
        try:
            call = await self.router.complete(
                spec.task,
                system=prompts.system_prompt(spec),
                inputs=prompts.router_inputs(inputs),
                output=None if is_prose(output) else output,
                tenant_id=tenant_id,
                instructions=prompts.instructions(spec, instructions),
                max_tokens=max_tokens or spec.max_tokens,
                seed=seed,
                reference=ledger_reference(request),
            )
        except RoutingError as error:
            raise failure_of(spec, error, started) from error
        return AgentResult(
            role=role,
            output=output_of(spec, output, call),
            usage=usage_of(spec, call, request),
            request=request,
        )
