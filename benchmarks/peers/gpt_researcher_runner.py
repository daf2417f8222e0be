"""Runs GPT-Researcher (``gpt-researcher``) on one topic. Executed INSIDE GPT-Researcher's own
virtual environment (``.icop/peers/gpt_researcher/venv``, Python 3.12: gpt-researcher 0.16
requires it) by ``python -m benchmarks.peers``; never imports icop.

    <venv>/bin/python benchmarks/peers/gpt_researcher_runner.py WORK_DIR

``WORK_DIR/request.json`` names the topic, the reference documents and the local llama.cpp
server; ``WORK_DIR/result.json`` is written whatever happens.

Configuration (a config file, as GPT-Researcher documents it; see docs/peers.md):
- ``REPORT_SOURCE=local`` with ``DOC_PATH`` = the topic's reference documents, loaded by
  GPT-Researcher's own loader; they are written as ``.txt`` (same bytes): its ``.md`` loader is
  unstructured's, which downloads spaCy's ``en_core_web_sm`` from GitHub on first use;
- every LLM role (fast, smart, strategic) = ``openai:<the bundled model>`` with
  ``OPENAI_BASE_URL`` at the local llama.cpp server;
- its default context filter (``auto`` = BM25 keyword ranking without a TypeSafe key) needs no
  embeddings; the embedding client is still pointed at a closed loopback port so a call to it
  would fail loudly instead of reaching a cloud service;
- local mode still asks the configured web retriever for "initial search results" to plan its
  sub-queries: the retriever is the ``custom`` one pointed at a closed loopback port, so that
  search returns nothing (offline there is no web), and planning proceeds without it;
- ``TOTAL_WORDS`` and ``SMART_TOKEN_LIMIT`` cap the report at about the topic's length;
- tiktoken's BPE files come from the copies that litellm ships.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

# Run by the peer's own interpreter: the repository root makes ``benchmarks`` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.peers.native import (
    GPT_RESEARCHER_REPORT,
    REQUEST_FILE,
    PeerReport,
    parse_gpt_researcher,
)

GPT_RESEARCHER_VERSION = "0.16.1"
CLOSED_PORT_URL = "http://127.0.0.1:9"
LANGUAGES = {"en": "english", "ko": "korean"}


def offline_environment(work_dir: Path) -> None:
    litellm = importlib.util.find_spec("litellm")
    assert litellm is not None and litellm.origin is not None
    tokenizers = Path(litellm.origin).parent / "litellm_core_utils" / "tokenizers"
    os.environ.update(
        {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TIKTOKEN_CACHE_DIR": str(tokenizers),
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "HOME": str(work_dir / "home"),
            "NLTK_DATA": str(work_dir / "home" / "nltk_data"),
            "ANONYMIZED_TELEMETRY": "False",
            "HTTP_PROXY": CLOSED_PORT_URL,
            "HTTPS_PROXY": CLOSED_PORT_URL,
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    for name in ("http_proxy", "https_proxy", "no_proxy"):
        os.environ[name] = os.environ[name.upper()]


def write_config(request: dict[str, Any], work_dir: Path, docs_dir: Path) -> Path:
    topic = request["topic"]
    settings = request["gpt_researcher"]
    llm = f"openai:{request['model']}"
    config = {
        "REPORT_SOURCE": "local",
        "DOC_PATH": str(docs_dir),
        "FAST_LLM": llm,
        "SMART_LLM": llm,
        "STRATEGIC_LLM": llm,
        "FAST_TOKEN_LIMIT": settings["fast_token_limit"],
        "SMART_TOKEN_LIMIT": settings["smart_token_limit"],
        "STRATEGIC_TOKEN_LIMIT": settings["strategic_token_limit"],
        "TEMPERATURE": settings["temperature"],
        "TOTAL_WORDS": int(topic["length_words"]),
        "LANGUAGE": LANGUAGES.get(topic["language"], topic["language"]),
        "MAX_SUBTOPICS": settings["max_subtopics"],
        "MAX_ITERATIONS": settings["max_iterations"],
        "RETRIEVER": "custom",
        "EMBEDDING": "openai:text-embedding-unavailable",
        "EMBEDDING_KWARGS": {"openai_api_base": f"{CLOSED_PORT_URL}/v1"},
        "REASONING_EFFORT": None,
        "VERBOSE": False,
    }
    path = work_dir / "gpt_researcher.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


async def research(request: dict[str, Any], work_dir: Path, report: PeerReport) -> None:
    step = "write the documents and the configuration"
    try:
        documents: dict[str, str] = request["documents"]
        docs_dir = work_dir / "docs"
        docs_dir.mkdir(exist_ok=True)
        for name, text in documents.items():
            # Same bytes, ``.txt``: GPT-Researcher reads ``.md`` through unstructured, which
            # downloads spaCy's en_core_web_sm from GitHub on first use (unreachable offline).
            (docs_dir / name).with_suffix(".txt").write_text(text, encoding="utf-8")
        config_path = write_config(request, work_dir, docs_dir)
        os.environ.update(
            {
                "OPENAI_BASE_URL": f"{request['base_url']}/v1",
                "OPENAI_API_KEY": "local",
                "RETRIEVER_ENDPOINT": f"{CLOSED_PORT_URL}/search",
            }
        )

        step = "import gpt_researcher"
        from gpt_researcher import GPTResearcher

        researcher = GPTResearcher(
            query=request["topic"]["topic"],
            report_type="research_report",
            report_source="local",
            config_path=str(config_path),
            verbose=True,
        )
        started = time.perf_counter()
        try:
            step = "conduct_research"
            await researcher.conduct_research()
            step = "write_report"
            markdown = await researcher.write_report()
        finally:
            report.seconds = time.perf_counter() - started

        step = "read the report"
        (work_dir / GPT_RESEARCHER_REPORT).write_text(markdown, encoding="utf-8")
        report.text, report.sources = parse_gpt_researcher(markdown, documents)
        report.notes.append(f"sources visited: {sorted(researcher.visited_urls)}")
    except Exception as error:
        report.error = f"{step}: {type(error).__name__}: {error}"
        traceback.print_exc()


def main() -> int:
    work_dir = Path(sys.argv[1]).resolve()
    request = json.loads((work_dir / REQUEST_FILE).read_text(encoding="utf-8"))
    offline_environment(work_dir)
    (work_dir / "home").mkdir(exist_ok=True)
    report = PeerReport(peer="gpt_researcher", topic_id=request["topic"]["id"])
    report.notes.append(f"gpt-researcher {GPT_RESEARCHER_VERSION}")
    total = time.perf_counter()
    asyncio.run(research(request, work_dir, report))
    if not report.seconds:
        report.seconds = time.perf_counter() - total
    report.write(work_dir)
    return 0 if report.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
