"""The evaluation's ``fake`` model: deterministic, and it reads. The researcher states the first
sentences of each numbered source as claims citing it; the writers and the merger write the
brief's facts out as an article. Everything else gets the fake provider's schema-shaped answer.

A purely random fake would be stopped by the publishability gate every time (its prose cites
nothing and says nothing the sources say), so a fake run would measure the harness on a path no
real article takes. This one takes the ready path, in any language the sources are written in.
"""

from __future__ import annotations

import json
import re

from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply

_SOURCES = re.compile(r"^## sources\n(.*?)(?=^## |\Z)", re.M | re.S)
_SENTENCE = re.compile(r"(?<=[.!?\u3002])\s+")
_FACT = re.compile(r"^- (.+)$", re.M)
_TOPIC = re.compile(r" on: (.+?)\.\n")
_SECTIONS = ("In practice", "What to watch", "Going further", "Good to know")
MAX_CLAIMS = 12


def extractive(request: CompletionRequest) -> FakeReply:
    user = request.messages[-1].content
    schema = request.json_schema.name if request.json_schema else None
    if schema == "ResearchSummary":
        return FakeReply(data=_research(user))
    if schema is None and user.startswith("Write an article"):
        return FakeReply(text=_article(user))
    return FakeReply()


def _research(prompt: str) -> dict[str, object]:
    found = _SOURCES.search(prompt)
    sources = json.loads(found.group(1)) if found else []
    per_source = [
        [s for s in _SENTENCE.split(source.get("snippet", "").strip()) if len(s.split()) > 3]
        for source in sources
    ]
    # Round robin over the sources, so every source is cited before any gets a second claim.
    claims = [
        {"text": sentences[turn][:400], "sources": [source["number"]]}
        for turn in range(max(map(len, per_source), default=0))
        for source, sentences in zip(sources, per_source, strict=True)
        if turn < len(sentences)
    ][:MAX_CLAIMS]
    summary = " ".join(claim["text"] for claim in claims[:2])  # type: ignore[misc]
    return {"summary": summary[:2000], "claims": claims}


def _article(brief: str) -> str:
    topic = _TOPIC.search(brief)
    facts = [fact.strip() for fact in _FACT.findall(brief)]
    blocks = [f"# {topic.group(1) if topic else 'Article'}"]
    for index in range(0, len(facts), 3):
        if index:
            blocks.append(f"## {_SECTIONS[(index // 3 - 1) % len(_SECTIONS)]}")
        blocks.append(" ".join(facts[index : index + 3]))
    return "\n\n".join(blocks)
