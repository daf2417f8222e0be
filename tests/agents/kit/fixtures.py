"""Per-agent inputs from files: a brief, a brand kit and research, under
``tests/agents/fixtures/<name>/`` (``brief.json``, ``brand_kit.json``, ``research.json``). The
builders turn them into each role's input schema, so a test states which agent it runs and
never assembles inputs by hand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icop.agents.schemas import (
    CitedSource,
    Claim,
    ResearchDigest,
    SeoInput,
    SourceExcerpt,
    WriterInput,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class AgentFixture:
    name: str
    brief: dict[str, Any]
    brand_kit: dict[str, Any]
    research: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.brief["language"])

    def digest(self) -> ResearchDigest:
        """The research as writers, the editor and the merger get it."""
        return ResearchDigest(
            summary=self.research["summary"],
            claims=[Claim.model_validate(claim) for claim in self.research["claims"]],
            sources=[
                CitedSource(number=s["number"], title=s["title"], url=s.get("url"))
                for s in self.research["sources"]
            ],
        )

    def excerpts(self) -> list[SourceExcerpt]:
        """The sources as the researcher gets them."""
        return [
            SourceExcerpt(number=s["number"], title=s["title"], snippet=s["snippet"])
            for s in self.research["sources"]
        ]

    def source_numbers(self) -> set[int]:
        return {int(s["number"]) for s in self.research["sources"]}

    def writer_input(self) -> WriterInput:
        return WriterInput(
            topic=self.brief["topic"],
            language=self.language,
            outline=self.brief.get("outline", []),
            research=self.digest(),
            brand_voice=self.brand_kit.get("voice_samples", []),
            length_words=self.brief["length_words"],
            audience=self.brief.get("audience"),
        )

    def seo_input(self, article: str) -> SeoInput:
        return SeoInput(
            title=self.brief["topic"],
            article=article,
            language=self.language,
            keywords=self.brief.get("keywords", []),
        )


def load_fixture(name: str) -> AgentFixture:
    folder = FIXTURES / name
    if not folder.is_dir():
        known = ", ".join(sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
        raise FileNotFoundError(f"no agent fixture {name!r} under {FIXTURES} (known: {known})")

    def read(file: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((folder / file).read_text(encoding="utf-8"))
        return data

    return AgentFixture(name, read("brief.json"), read("brand_kit.json"), read("research.json"))
