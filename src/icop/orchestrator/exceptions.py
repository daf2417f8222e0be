"""Errors of the orchestration runtime, in the platform's one hierarchy (``icop.errors``) so the
CLI prints them as one line and ``/readyz`` reports them by message."""

from __future__ import annotations

from icop.errors import ConfigurationError, ServiceUnavailable


class TemporalBinaryNotFound(ConfigurationError):
    title = "A Temporal binary is not installed"


class TemporalPortInUse(ConfigurationError):
    title = "The embedded Temporal server's port is taken"


class TemporalStartFailed(ServiceUnavailable):
    title = "The embedded Temporal server did not start"


class TemporalUnavailable(ServiceUnavailable):
    title = "Temporal is unreachable"


class QueuesWithoutPollers(ServiceUnavailable):
    title = "Task queues without a polling worker"

    def __init__(self, detail: str, *, queues: list[str]) -> None:
        super().__init__(detail, queues=queues)
        self.queues = queues
