"""The optional CrewAI runtime (extra ``icop[crewai]``, ADR 0006).

Each run builds a CrewAI Agent (role/goal/backstory from roles.yaml), a Task (the role's
instructions, with ``output_pydantic`` for structured roles) and a one-task Crew, and kicks it
off. The Agent's LLM is ``RouterLLM``, a ``crewai.BaseLLM`` that hands every call to the
SmartRouter: CrewAI shapes the prompt, our router picks the model, falls back, enforces the
schema and records the cost, exactly as for the native runtime.

CrewAI is imported lazily, after its telemetry, tracing and version check are switched off
(it phones home otherwise) and its storage is pointed under ICOP_HOME; it is imported through
importlib so that the type checker and the default install never need it.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

from icop.agents import prompts
from icop.agents.exceptions import AgentFailure
from icop.agents.roles import RoleBook, RoleSpec, default_roles
from icop.agents.runtime.base import (
    AgentResult,
    T,
    checked_role,
    failure_of,
    ledger_reference,
    new_request,
    usage_of,
)
from icop.agents.schemas import (
    AgentRequest,
    AgentUsage,
    ErrorCode,
    InputModel,
    ProseOutput,
    is_prose,
)
from icop.llm.errors import RoutingError
from icop.llm.smart_router import RoutedCall, SmartRouter

# Forced: an offline, self-hosted product must not phone home, whatever the environment says.
CREWAI_ENV = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
    "CREWAI_TRACING_ENABLED": "false",
}
# Not OTEL_SDK_DISABLED: it would switch off every OpenTelemetry SDK in the process, ours
# included; with CREWAI_DISABLE_TELEMETRY CrewAI installs no tracer provider and sends nothing.

_import_lock = threading.Lock()


def crewai_installed() -> bool:
    return importlib.util.find_spec("crewai") is not None


def import_crewai(storage_dir: Path | None = None) -> ModuleType:
    """Import crewai with telemetry off and its files under ``storage_dir``.

    CrewAI takes ``CREWAI_STORAGE_DIR`` as the name of its data directory and joins it to the
    user's data directory, so an absolute path replaces ``~/.local/share/<project>``."""
    with _import_lock:
        os.environ.update(CREWAI_ENV)
        if storage_dir is not None:
            storage_dir.mkdir(parents=True, exist_ok=True)
            os.environ.setdefault("CREWAI_STORAGE_DIR", str(storage_dir.resolve()))
        return importlib.import_module("crewai")


def _split_messages(messages: str | list[dict[str, Any]]) -> tuple[str, str]:
    if isinstance(messages, str):
        return "", messages
    system = "\n\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "system")
    rest = [m for m in messages if m.get("role") != "system"]
    if len(rest) == 1:
        return system, str(rest[0].get("content", ""))
    # A multi-turn exchange (CrewAI asking again after an unparsable answer): keep the turns.
    user = "\n\n".join(f"[{m.get('role')}]\n{m.get('content', '')}" for m in rest)
    return system, user


def _router_llm_class(crewai: ModuleType) -> type[Any]:
    base: type[Any] = crewai.BaseLLM

    class RouterLLM(base):  # type: ignore[misc]
        """A CrewAI LLM whose every call is a SmartRouter call for one role's task kind.

        CrewAI runs the agent loop in a worker thread and calls ``call`` there; the router
        (its throttle and circuit breakers) lives on the event loop that started the run, so
        the call is handed back to that loop."""

        def bind(
            self,
            *,
            router: SmartRouter,
            spec: RoleSpec,
            inputs: dict[str, Any],
            tenant_id: UUID,
            reference: str,
            seed: int | None,
            loop: asyncio.AbstractEventLoop,
            max_tokens: int | None = None,
        ) -> None:
            # Private state set after pydantic's __init__: BaseLLM is a pydantic model.
            object.__setattr__(
                self,
                "_icop",
                {
                    "router": router,
                    "spec": spec,
                    "inputs": inputs,
                    "tenant_id": tenant_id,
                    "reference": reference,
                    "seed": seed,
                    "max_tokens": max_tokens,
                    "loop": loop,
                    "calls": [],
                },
            )

        @property
        def routed_calls(self) -> list[RoutedCall[Any]]:
            calls: list[RoutedCall[Any]] = self._icop["calls"]
            return calls

        async def _complete(self, messages: Any, response_model: Any) -> Any:
            bound = self._icop
            spec: RoleSpec = bound["spec"]
            system, user = _split_messages(messages)
            call = await bound["router"].complete(
                spec.task,
                system=system or prompts.system_prompt(spec),
                inputs=bound["inputs"],
                output=response_model,
                tenant_id=bound["tenant_id"],
                instructions=user,
                max_tokens=bound["max_tokens"] or spec.max_tokens,
                seed=bound["seed"],
                reference=bound["reference"],
            )
            bound["calls"].append(call)
            return call.value if response_model is not None else call.text

        def call(
            self,
            messages: Any,
            tools: Any = None,
            callbacks: Any = None,
            available_functions: Any = None,
            from_task: Any = None,
            from_agent: Any = None,
            response_model: Any = None,
        ) -> Any:
            loop: asyncio.AbstractEventLoop = self._icop["loop"]
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                raise RuntimeError("RouterLLM.call would block the event loop; use acall")
            future = asyncio.run_coroutine_threadsafe(
                self._complete(messages, response_model), loop
            )
            return future.result()

        async def acall(
            self,
            messages: Any,
            tools: Any = None,
            callbacks: Any = None,
            available_functions: Any = None,
            from_task: Any = None,
            from_agent: Any = None,
            response_model: Any = None,
        ) -> Any:
            loop: asyncio.AbstractEventLoop = self._icop["loop"]
            if asyncio.get_running_loop() is loop:
                return await self._complete(messages, response_model)
            return await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(self._complete(messages, response_model), loop)
            )

        def supports_function_calling(self) -> bool:
            return False  # tools run in the graph's nodes, never in the model's loop

        def get_context_window_size(self) -> int:
            # The router trims to each task's budget and skips models that cannot fit it;
            # CrewAI's own summarisation must never kick in first.
            return 128_000

    return RouterLLM


class CrewAIRuntime:
    name = "crewai"

    def __init__(
        self,
        router: SmartRouter,
        roles: RoleBook | None = None,
        *,
        storage_dir: Path | None = None,
    ) -> None:
        if not crewai_installed():
            raise AgentFailure.of(
                "runtime",
                ErrorCode.RUNTIME_UNAVAILABLE,
                "ICOP_AGENT_RUNTIME=crewai needs the optional extra: install icop[crewai]",
                retryable=False,
            )
        self.router = router
        self.roles = roles or default_roles()
        self.crewai = import_crewai(storage_dir)
        self._llm_class = _router_llm_class(self.crewai)

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
        llm = self._llm_class(model=f"icop-router/{spec.task.value}", provider="icop")
        llm.bind(
            router=self.router,
            spec=spec,
            inputs=prompts.router_inputs(inputs),
            tenant_id=tenant_id,
            reference=ledger_reference(request),
            seed=seed,
            loop=asyncio.get_running_loop(),
            max_tokens=max_tokens,
        )
        crew = self._crew(spec, llm, output, prompts.instructions(spec, instructions))
        started = time.perf_counter()
        try:
            result = await crew.akickoff()
        except RoutingError as error:
            raise failure_of(spec, error, started) from error
        calls: list[RoutedCall[Any]] = llm.routed_calls
        if not calls:
            raise AgentFailure.of(
                spec.name,
                ErrorCode.INTERNAL,
                "CrewAI finished without a model call",
                retryable=True,
            )
        return AgentResult(
            role=role,
            output=self._output(spec, output, result),
            usage=_summed_usage(spec, calls, request),
            request=request,
        )

    def _crew(self, spec: RoleSpec, llm: Any, output: type[T], instructions: str) -> Any:
        crewai = self.crewai
        agent = crewai.Agent(
            role=spec.role,
            goal=spec.goal,
            backstory=spec.backstory,
            llm=llm,
            tools=[],
            allow_delegation=False,
            max_iter=1,
            # The router has already retried and fallen back; a CrewAI retry would double it.
            max_retry_limit=0,
            verbose=False,
        )
        task = crewai.Task(
            description=instructions + "\nThe inputs follow.",
            expected_output=(
                "Plain text, as instructed."
                if is_prose(output)
                else f"A JSON document matching the {output.__name__} schema."
            ),
            agent=agent,
            output_pydantic=None if is_prose(output) else output,
        )
        return crewai.Crew(agents=[agent], tasks=[task], verbose=False)

    @staticmethod
    def _output(spec: RoleSpec, output: type[T], result: Any) -> T:
        if issubclass(output, ProseOutput):
            value: Any = output.from_text(str(result.raw))
        else:
            value = result.pydantic
            if not isinstance(value, output):
                value = output.model_validate_json(str(result.raw))
        if not isinstance(value, output):  # pragma: no cover - guarded above
            raise AgentFailure.of(
                spec.name, ErrorCode.INVALID_OUTPUT, "unexpected CrewAI output", retryable=True
            )
        return value


def _summed_usage(
    spec: RoleSpec, calls: list[RoutedCall[Any]], request: AgentRequest
) -> AgentUsage:
    usage = usage_of(spec, calls[-1], request)
    if len(calls) == 1:
        return usage
    return usage.model_copy(
        update={
            "prompt_tokens": sum(c.prompt_tokens for c in calls),
            "completion_tokens": sum(c.completion_tokens for c in calls),
            "cost_usd": round(sum(float(c.cost_usd) for c in calls), 6),
            "latency_ms": round(sum(c.latency_s for c in calls) * 1000, 1),
            "attempts": sum(len(c.attempts) for c in calls),
        }
    )
