"""Errors of the agents service, in the one hierarchy (icop.errors)."""

from __future__ import annotations

from icop.agents.schemas.envelope import AgentError, ErrorCode
from icop.errors import ICOPError


class RoleConfigError(ICOPError):
    code = "agent_role_config"
    title = "The agent role definitions are invalid"


class AgentFailure(ICOPError):
    """An agent call failed; ``error`` is the standard error format (schemas.envelope)."""

    status = 503
    code = "agent_failed"
    title = "An agent could not complete its task"

    def __init__(self, error: AgentError) -> None:
        super().__init__(f"{error.agent}: {error.message}", error=error.model_dump(mode="json"))
        self.error = error

    @property
    def retryable(self) -> bool:
        return self.error.retryable

    @classmethod
    def of(
        cls, agent: str, code: ErrorCode, message: str, *, retryable: bool, **details: object
    ) -> AgentFailure:
        return cls(
            AgentError(
                code=code, message=message[:2000], retryable=retryable, agent=agent, details=details
            )
        )


class NoUsableDraft(ICOPError):
    """Every writer failed: there is nothing to edit or merge."""

    status = 503
    code = "agent_no_draft"
    title = "No writer produced a draft"
