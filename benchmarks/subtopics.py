"""Sub-topic benchmark: 200 candidate angles for one topic → BERTopic clusters → labels, against
a baseline that asks the bundled model directly for the same number of sub-topics.

    .venv/bin/python -m benchmarks.subtopics [--k 8] [--runs 3]

- cluster_s: clustering + c-TF-IDF + representation, warm (the best of the runs after the first
  in this process), with a representation that names clusters after their keywords, so no
  model time is in it; real MiniLM embeddings, computed once beforehand.
- diversity: 1 - mean pairwise cosine similarity (MiniLM) of the sub-topic labels the pipeline
  produces with the bundled model as the representation (task topics.label).
- baseline_diversity: the same for one ``topics.expand`` call that asks for exactly k sub-topics.

The bundled model runs in a temporary ICOP home that is removed afterwards; an already assembled
model file (this checkout's ``.icop`` or ``.icop-test/llm``, or ``ICOP_BENCH_MODEL``) is used in
place instead of assembling 491 MB again.

Last line: RESULT cluster_s=… diversity=… baseline_diversity=… diversity_gain=…
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path
from uuid import UUID

import numpy as np

from icop.embeddings import MiniLMEmbedder
from icop.llm.local import DEFAULT_MODEL, LocalServer, ModelStore, ServerConfig, get_model
from icop.llm.policy import default_policy
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from icop.planning.subtopics import KeywordLabeller, RouterLabeller, cluster_candidates
from icop.planning.subtopics.expansion import distinct
from icop.planning.subtopics.schemas import CandidateAngles

TOPIC = "home composting"
ROOT = Path(__file__).resolve().parents[1]
PHRASES = ROOT / "benchmarks" / "data" / "home_composting_angles.txt"
TENANT = UUID("00000000-0000-4000-8000-00000000be0c")


def load_phrases() -> list[str]:
    lines = PHRASES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def model_reference() -> str:
    """An assembled, verified model file if one is at hand, else the catalog name."""
    if os.environ.get("ICOP_BENCH_MODEL"):
        return os.environ["ICOP_BENCH_MODEL"]
    spec = get_model(DEFAULT_MODEL)
    for home in (ROOT / ".icop", ROOT / ".icop-test" / "llm"):
        store = ModelStore(home, allow_fetch=False)
        if store.is_ready(spec):
            return str(store.path_for(spec))
    return DEFAULT_MODEL


def diversity(vectors: np.ndarray) -> float:
    pairs = list(itertools.combinations(range(len(vectors)), 2))
    if not pairs:
        return 0.0
    return 1.0 - float(np.mean([vectors[a] @ vectors[b] for a, b in pairs]))


async def baseline(router: SmartRouter, k: int) -> list[str]:
    """What a direct request gives: one call asking for exactly k sub-topics."""
    call = await router.complete(
        TaskKind.TOPICS_EXPAND,
        system="You are a content strategist who plans article series.",
        inputs={"topic": TOPIC, "language": "en", "count": k},
        output=CandidateAngles,
        tenant_id=TENANT,
        instructions=(
            f"List exactly {k} distinct sub-topics for a series of articles about `topic`, "
            "each a short title (at most 8 words) covering a different aspect. Answer as JSON "
            "with the list in `angles`."
        ),
        seed=7,
    )
    assert call.value is not None
    return distinct(call.value.angles)[:k]


async def main(k: int, runs: int) -> None:
    phrases = load_phrases()
    assert len(phrases) == 200, len(phrases)
    embedder = MiniLMEmbedder()
    await embedder.embed(["warm up"])

    # Clustering and representation without model calls: the first run pays for imports.
    timings: list[dict[str, float]] = []
    for _ in range(runs):
        result = await cluster_candidates(
            TOPIC, phrases, count=k, language="en", embedder=embedder, labeller=KeywordLabeller()
        )
        timings.append(result.timings)
    warm = (
        min(timing["cluster_s"] for timing in timings[1:]) if runs > 1 else timings[0]["cluster_s"]
    )
    print(
        f"cluster_s first={timings[0]['cluster_s']:.3f} warm={warm:.3f}; "
        f"embed_s={timings[-1]['embed_s']:.3f} dedupe_s={timings[-1]['dedupe_s']:.3f}"
    )
    print("keyword labels:", [s.label for s in result.subtopics])

    home = Path(tempfile.mkdtemp(prefix="icop-bench-subtopics-"))
    server = LocalServer(
        ServerConfig(home=home, model=model_reference(), port=0, parallel=3, ctx_per_slot=2048)
    )
    router = SmartRouter(
        {"local": LocalProvider(server, timeout_s=300)},
        default_policy(),
        Throttle(global_rate_per_minute=10_000, provider_concurrency={"local": 3}),
    )
    try:
        started = time.perf_counter()
        await asyncio.to_thread(server.start)
        print(f"local model ready in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        ours = await cluster_candidates(
            TOPIC,
            phrases,
            count=k,
            language="en",
            embedder=embedder,
            labeller=RouterLabeller(router, TENANT),
        )
        print(f"pipeline with model labels in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        direct = await baseline(router, k)
        print(f"baseline call in {time.perf_counter() - started:.1f}s")
    finally:
        await router.aclose()
        server.stop()
        shutil.rmtree(home, ignore_errors=True)

    labels = [subtopic.label for subtopic in ours.subtopics]
    for subtopic in ours.subtopics:
        print(f"  {subtopic.size:3d}  {subtopic.label}  [{', '.join(subtopic.keywords[:4])}]")
    if ours.warnings:
        print("warnings:", ours.warnings)
    print("baseline:", direct)
    ours_div = diversity(np.asarray(await embedder.embed(labels)))
    base_div = diversity(np.asarray(await embedder.embed(direct)))
    print(
        f"RESULT cluster_s={warm:.3f} diversity={ours_div:.4f} "
        f"baseline_diversity={base_div:.4f} diversity_gain={ours_div / base_div:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="BERTopic sub-topics vs a direct model list")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.k, arguments.runs))
    os._exit(0)
