"""What every agent test checks, in one place: the output fits its schema (as the graph will
read it), its citations resolve to the sources it was given, and it answered in time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from icop.agents.citations import cited_numbers
from icop.agents.runtime.base import AgentResult


def assert_schema_valid(output: Any, schema: type[BaseModel]) -> BaseModel:
    """``output`` (a model or its JSON form) survives a round trip through ``schema``: what a
    checkpoint or the next node would read back."""
    data = output.model_dump(mode="json") if isinstance(output, BaseModel) else output
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise AssertionError(f"the output does not fit {schema.__name__}:\n{error}") from None


def assert_citations_resolve(text: str, sources: Iterable[int], *, at_least: int = 1) -> set[int]:
    """Every ``[n]`` in ``text`` names one of ``sources``, and at least ``at_least`` do."""
    known = set(sources)
    cited = set(cited_numbers(text))
    unknown = sorted(cited - known)
    assert not unknown, f"citations {unknown} resolve to no source (sources: {sorted(known)})"
    assert len(cited) >= at_least, f"{len(cited)} source(s) cited, expected at least {at_least}"
    return cited


def assert_responds_within(result: AgentResult[Any], seconds: float) -> float:
    """The model call's own latency (recorded with the cassette, so a replay checks the real
    one), not the replay's."""
    taken = result.usage.latency_ms / 1000
    assert taken <= seconds, f"{result.role} answered in {taken:.2f} s, budget {seconds:.2f} s"
    return taken
