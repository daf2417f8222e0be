"""Research: the sources a Researcher found, and the researcher agent's cited summary."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from icop.agents.schemas.common import InputModel, Language, OutputModel, fit

MAX_SOURCES = 20
MAX_CLAIMS = 12
SourceNumber = Annotated[int, Field(ge=1, le=MAX_SOURCES)]


class Source(OutputModel):
    """One numbered source. Articles cite it as ``[number]``; numbers are 1..n in the order
    the Researcher ranked them (the research node renumbers anything else)."""

    number: SourceNumber
    title: str = Field(min_length=1, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    snippet: str = Field(
        default="", max_length=4000, description="The passage that supports claims."
    )
    origin: str = Field(
        default="knowledge", max_length=40, description="knowledge | web | trend | …"
    )
    published: str | None = Field(default=None, max_length=40)
    score: float | None = Field(default=None, description="Relevance, higher is better.")


class SourceExcerpt(InputModel):
    """A source as the models see it: the URL costs tokens and proves nothing to them."""

    number: SourceNumber
    title: str = Field(max_length=300)
    snippet: str = Field(max_length=4000)


class ResearcherInput(InputModel):
    topic: str = Field(min_length=1, max_length=500)
    language: Language
    sources: list[SourceExcerpt] = Field(min_length=1, max_length=MAX_SOURCES)
    question: str = Field(max_length=1000, description="What the article needs to know.")


class Claim(OutputModel):
    text: Annotated[str, fit(400)] = Field(min_length=1, max_length=400)
    sources: list[SourceNumber] = Field(
        min_length=1, max_length=5, description="Numbers of the sources that support it."
    )


class ResearchSummary(OutputModel):
    """The researcher agent's answer: a summary and claims, each citing source numbers."""

    summary: Annotated[str, fit(2000)] = Field(max_length=2000)
    claims: list[Claim] = Field(default_factory=list, max_length=MAX_CLAIMS)


class CitedSource(InputModel):
    number: SourceNumber
    title: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=2000)


class ResearchDigest(InputModel):
    """What writers, the editor and the merger get as ``research``: only claims whose
    citations point at real sources, and the list those numbers resolve to."""

    summary: str = Field(max_length=2000)
    claims: list[Claim] = Field(max_length=MAX_CLAIMS)
    sources: list[CitedSource] = Field(max_length=MAX_SOURCES)
