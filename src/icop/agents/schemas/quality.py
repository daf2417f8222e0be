"""The publishability gate's findings, kept with the article (and in its checkpoints)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from icop.agents.schemas.common import OutputModel, fit

FindingCode = Literal[
    "scaffolding",
    "label",
    "reference_list",
    "raw_data",
    "repetition",
    "loop",
    "unknown_citation",
    "unsupported_citation",
    "unverified_citation",
    "misplaced_citation",
    "duplicate_title",
    "sentence_heading",
    "empty_section",
    "unfinished",
    "language",
    "too_short",
    "uncited",
    "unsourced",
    "run_together",
    "keyword",
    "hashtag",
    "slug",
    "description",
    "alt_text",
    "foreign_script",
]
Action = Literal["removed", "repaired", "noted", "blocking"]
"""``removed``/``repaired``: fixed in code, the article can go on. ``noted``: kept, for a reviewer
to look at (a citation of a source in another script, which the lexical check cannot judge).
``blocking``: no deterministic repair exists; the article is regenerated or ends
``needs_review``."""


class Finding(OutputModel):
    code: FindingCode
    action: Action
    detail: Annotated[str, fit(300)] = Field(default="", max_length=300)


class GateReport(OutputModel):
    """One pass of the gate over an article: what it found and did."""

    findings: list[Finding] = Field(default_factory=list, max_length=200)
    attempt: int = Field(default=1, ge=1, le=10)
    dropped: list[int] = Field(
        default_factory=list, max_length=50, description="[n] with no such source."
    )
    inferred: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="Sources cited where the text restated them uncited.",
    )

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.action == "blocking"]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def summary(self, limit: int = 1800) -> str:
        """The blocking findings as one line a person can act on."""
        text = "; ".join(f"{f.code}: {f.detail}" if f.detail else f.code for f in self.blocking)
        return text[:limit]
