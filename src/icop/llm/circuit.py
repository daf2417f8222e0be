"""A circuit breaker per provider.

Closed: calls flow. After ``failure_threshold`` consecutive failures the circuit opens and the
router skips the provider for ``reset_timeout_s``; then it is half-open and lets exactly one
probe through: success closes it, failure opens it again. Only failures that say something
about the provider's health count (timeouts, 5xx, unreachable), not a refused request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int = 3
    reset_timeout_s: float = 30.0
    clock: Callable[[], float] = time.monotonic
    on_change: Callable[[bool], None] | None = None
    """Told ``True`` when the circuit opens and ``False`` when it closes again (metrics)."""
    _failures: int = 0
    _opened_at: float | None = None
    _probe_in_flight: bool = False
    transitions: list[tuple[CircuitState, CircuitState]] = field(default_factory=list)

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self.clock() - self._opened_at >= self.reset_timeout_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def allow(self) -> bool:
        """May a call go through now? In half-open state, only one probe at a time."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def release(self) -> None:
        """A call ended without saying anything about health (e.g. a refused request)."""
        self._probe_in_flight = False

    def record_success(self) -> None:
        if self._opened_at is not None:
            self.transitions.append((self.state, CircuitState.CLOSED))
            if self.on_change is not None:
                self.on_change(False)
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        previous = self.state
        self._probe_in_flight = False
        if previous is CircuitState.HALF_OPEN:
            self._opened_at = self.clock()
            self.transitions.append((previous, CircuitState.OPEN))
            return
        self._failures += 1
        if previous is CircuitState.CLOSED and self._failures >= self.failure_threshold:
            self._opened_at = self.clock()
            self.transitions.append((previous, CircuitState.OPEN))
            if self.on_change is not None:
                self.on_change(True)
