"""The declarative routing policy (``routing.yaml``) and per-tenant overrides."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from icop.llm.tasks import TaskKind

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


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    defaults: PolicyDefaults = PolicyDefaults()
    tasks: dict[TaskKind, list[Candidate]]

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


def parse_policy(document: dict[str, Any]) -> RoutingPolicy:
    return RoutingPolicy.model_validate(document)


@lru_cache
def default_policy() -> RoutingPolicy:
    return parse_policy(yaml.safe_load(POLICY_FILE.read_text()))
