from __future__ import annotations

from typing import Any

from icop.errors import ICOPError


class RoutingError(ICOPError):
    """No candidate produced an answer. ``attempts`` says what happened to each."""

    status = 503
    code = "llm_unavailable"
    title = "No language model could answer"

    def __init__(self, detail: str, attempts: list[dict[str, Any]]) -> None:
        super().__init__(detail, attempts=attempts)
        self.attempts = attempts


class StructuredOutputError(RoutingError):
    code = "llm_structured_output_invalid"
    title = "The model's answer did not match the required schema"


class UnboundedSchemaError(ICOPError):
    code = "llm_unbounded_schema"
    title = "Output schemas must bound every array and string"
