"""The declarative routing policy (``routing.yaml``) and per-tenant overrides."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from icop.llm.tasks import CONTESTS, TaskKind
from icop.models.llm import RoutingMode

POLICY_FILE = Path(__file__).with_name("routing.yaml")


class Candidate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(min_length=1, max_length=40)
    model: str = Field(min_length=1, max_length=120)
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=32_000)
    timeout_s: float | None = Field(default=None, gt=0, le=1800)
    max_attempts: int | None = Field(default=None, ge=1, le=5)

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.model}"


class PolicyDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_s: float = 180
    max_attempts: int = 2
    temperature: float = 0.3


class BestJudgedSettings(BaseModel):
    """The ``best_judged`` mode's Thompson sampling (docs/adr/0014-best-judged-writers.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exploration_floor: float = Field(default=0.05, gt=0, le=1)
    """Each slot takes a uniformly random eligible model with this probability, whatever the
    record says: exploration never stops (it cannot be configured to 0)."""
    prior_wins: float = Field(default=1.0, gt=0, le=100)
    prior_losses: float = Field(default=1.0, gt=0, le=100)
    """Beta(prior_wins, prior_losses) before any contest: the uniform prior's mean, 0.5, is
    above a three-way contest's base rate (1/3), so a new model is tried early (optimism)."""


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    defaults: PolicyDefaults = PolicyDefaults()
    tasks: dict[TaskKind, list[Candidate]]
    modes: dict[TaskKind, RoutingMode] = Field(default_factory=dict)
    """A contest pool's mode (default ``ordered``); tenants override it per route."""
    best_judged: BestJudgedSettings = BestJudgedSettings()

    @field_validator("modes")
    @classmethod
    def _modes_on_contests(cls, modes: dict[TaskKind, RoutingMode]) -> dict[TaskKind, RoutingMode]:
        for task, mode in modes.items():
            check_mode(task, mode)
        return modes

    @field_validator("tasks")
    @classmethod
    def _every_task_routed(
        cls, tasks: dict[TaskKind, list[Candidate]]
    ) -> dict[TaskKind, list[Candidate]]:
        missing = set(TaskKind) - set(tasks)
        if missing:
            raise ValueError(f"no candidates for task kinds: {sorted(missing)}")
        empty = [task for task, candidates in tasks.items() if not candidates]
        if empty:
            raise ValueError(f"empty candidate lists: {sorted(empty)}")
        return tasks

    def candidates(
        self, task: TaskKind, overrides: dict[TaskKind, list[Candidate]] | None = None
    ) -> list[Candidate]:
        if overrides and task in overrides:
            return overrides[task]
        return self.tasks[task]

    def mode(
        self, task: TaskKind, overrides: dict[TaskKind, RoutingMode] | None = None
    ) -> RoutingMode:
        if overrides and task in overrides:
            return overrides[task]
        return self.modes.get(task, RoutingMode.ORDERED)


def check_mode(task: TaskKind, mode: RoutingMode) -> None:
    """``best_judged`` needs a judged contest to learn from: only a contest's pool has one."""
    if mode is RoutingMode.BEST_JUDGED and task not in CONTESTS:
        pools = ", ".join(sorted(CONTESTS))
        raise ValueError(
            f"best_judged applies to a judged contest's pool ({pools}), not to {task.value}"
        )


def parse_policy(document: dict[str, Any]) -> RoutingPolicy:
    return RoutingPolicy.model_validate(document)


@lru_cache
def default_policy() -> RoutingPolicy:
    return parse_policy(yaml.safe_load(POLICY_FILE.read_text()))
