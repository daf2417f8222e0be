"""The engine's errors (problem+json through ``icop.errors``)."""

from __future__ import annotations

from icop.errors import ValidationFailed


class InvalidAction(ValidationFailed):
    code = "invalid_design_action"
    title = "The action cannot apply to this design"
