"""Step 3 and 4: BERTopic over the candidates' embeddings, labelled by our representation.

Settings for small sets (tens to a few hundred short phrases), measured (PRODUCT.md §8):
- the embeddings are precomputed (MiniLM through ``icop.embeddings``), so BERTopic never loads
  a sentence-transformer;
- no UMAP: its first fit in a process costs ~16 s of numba JIT, and KMeans on 384 dimensions
  of a few hundred unit vectors takes milliseconds; BERTopic's ``BaseDimensionalityReduction``
  passes the embeddings through;
- KMeans with k = the number of sub-topics asked for, in the ``hdbscan_model`` slot: HDBSCAN
  finds two topics in ~150 phrases, KMeans finds the themes;
- a CountVectorizer over ``tokens.KeywordAnalyzer`` (any script, Hangul stems, stop words
  and the topic's own words, which every cluster shares) and a c-TF-IDF that damps frequent
  words, so the keywords say what sets a cluster apart;
- BERTopic's ``language="multilingual"``: its English preprocessing deletes non-ASCII text.

bertopic and scikit-learn are imported inside ``_fit``: importing them takes seconds, and the
API process that merely imports this package must not pay for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from icop.observability.tracing import stage_span
from icop.planning.subtopics.labels import Labeller
from icop.planning.subtopics.schemas import Cluster
from icop.planning.subtopics.tokens import KeywordAnalyzer

KMEANS_SEED = 42
KMEANS_RESTARTS = 10


@dataclass(frozen=True, slots=True)
class Clustering:
    clusters: list[Cluster]
    """Largest first (BERTopic numbers topics by size)."""
    labels: dict[int, str | None]
    analyze: Callable[[str], list[str]]
    """The fitted vectorizer's analyzer: a phrase's keywords as the clusters' were found."""
    fit_s: float
    label_s: float


async def cluster(
    candidates: list[str],
    embeddings: np.ndarray[Any, Any],
    *,
    k: int,
    topic: str,
    language: str,
    labeller: Labeller,
) -> Clustering:
    """Cluster ``candidates`` into ``k`` groups and label each through ``labeller``.

    The fit runs in a worker thread: it is CPU work, and the labeller's calls must run on this
    event loop while BERTopic waits for them."""
    if not 1 <= k <= len(candidates):
        raise ValueError(f"k={k} must be between 1 and the {len(candidates)} candidates")
    loop = asyncio.get_running_loop()
    with stage_span("sub-topics: BERTopic fit (imports it on first use)"):
        return await asyncio.to_thread(
            _fit, candidates, embeddings, k, topic, language, labeller, loop
        )


async def warm_up() -> None:
    """Import BERTopic and scikit-learn now (a worker's start-up): seconds to tens of
    seconds on a busy small machine (BERTopic pulls in sentence-transformers and transformers),
    which the first row's sub-topics would otherwise wait for."""
    with stage_span("model load: BERTopic, scikit-learn (imports)"):
        await asyncio.to_thread(_import_clustering)


def _import_clustering() -> None:
    import bertopic  # noqa: F401
    import sklearn.cluster
    import sklearn.feature_extraction.text  # noqa: F401

    import icop.planning.subtopics.representation  # noqa: F401


def _fit(
    candidates: list[str],
    embeddings: np.ndarray[Any, Any],
    k: int,
    topic: str,
    language: str,
    labeller: Labeller,
    loop: asyncio.AbstractEventLoop,
) -> Clustering:
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer

    from icop.planning.subtopics.representation import RouterRepresentation, SafeClassTfidf

    started = time.perf_counter()
    # Phrases of stop words only (the topic's own words, "how to …") leave the vocabulary
    # empty; then every word counts. Without stop words it is never empty (see tokens).
    for stop_words in (True, False):
        analyzer = KeywordAnalyzer(candidates, topic, stop_words=stop_words)
        vectorizer = CountVectorizer(analyzer=analyzer, min_df=1)
        representation = RouterRepresentation(
            labeller, loop, embeddings, topic=topic, language=language
        )
        model = BERTopic(
            # Not "english": that preprocessing deletes every non-ASCII character (Hangul).
            language="multilingual",
            embedding_model=None,
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=KMEANS_SEED),
            vectorizer_model=vectorizer,
            ctfidf_model=SafeClassTfidf(reduce_frequent_words=True),
            representation_model=representation,
            top_n_words=10,
            calculate_probabilities=False,
        )
        try:
            model.fit_transform(candidates, embeddings)
        except ValueError as error:
            if "empty vocabulary" in str(error) and stop_words:
                continue
            raise
        break
    return Clustering(
        clusters=representation.clusters,
        labels=representation.labels,
        analyze=lambda text: list(dict.fromkeys(analyzer(text))),
        fit_s=time.perf_counter() - started,
        label_s=representation.label_s,
    )
