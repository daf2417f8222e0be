"""BERTopic's representation step, answered by our labeller (normally the router, task
``topics.label``). Imported only by ``clustering`` when it runs: bertopic is slow to import.

BERTopic calls ``extract_topics`` synchronously from inside ``fit_transform``, which runs in a
worker thread (see clustering); the labeller is async and the router lives on the event loop,
so every cluster's label call is handed to that loop at once and awaited from the thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from bertopic.representation import BaseRepresentation
from bertopic.vectorizers import ClassTfidfTransformer

from icop.planning.subtopics.labels import Labeller
from icop.planning.subtopics.schemas import Cluster

_LABEL_TIMEOUT_S = 900.0
"""Upper bound for all of one fit's label calls together (the router has its own per-call
timeouts and fallbacks; this only keeps a lost loop from hanging the worker thread)."""


class SafeClassTfidf(ClassTfidfTransformer):  # type: ignore[misc]
    """BERTopic's c-TF-IDF, also for a vocabulary of one word (all candidates alike but for
    stop words): the original squeezes the document frequencies to a scalar, and scipy's
    ``diags`` fails on it with "object of type 'numpy.float64' has no len()"."""

    def fit(self, X: Any, multiplier: np.ndarray[Any, Any] | None = None) -> SafeClassTfidf:
        matrix = sp.csr_matrix(X, dtype=np.float64)
        _, features = matrix.shape
        frequencies = np.atleast_1d(np.asarray(matrix.sum(axis=0)).ravel())
        average = int(matrix.sum(axis=1).mean())
        if self.bm25_weighting:
            idf = np.log(1 + ((average - frequencies + 0.5) / (frequencies + 0.5)))
        else:
            idf = np.log((average / np.maximum(frequencies, 1.0)) + 1)
        if multiplier is not None:
            idf = idf * multiplier
        self._idf_diag = sp.diags(
            np.atleast_1d(idf), offsets=0, shape=(features, features), format="csr"
        )
        return self


class RouterRepresentation(BaseRepresentation):  # type: ignore[misc]
    """Labels every cluster with one labeller call, given its c-TF-IDF keywords and its most
    central members (by embedding, not c-TF-IDF: short phrases share too few words)."""

    def __init__(
        self,
        labeller: Labeller,
        loop: asyncio.AbstractEventLoop,
        embeddings: np.ndarray[Any, Any],
        *,
        topic: str,
        language: str,
        keywords: int = 8,
        representative: int = 5,
    ) -> None:
        self.labeller = labeller
        self.loop = loop
        self.embeddings = embeddings
        self.topic = topic
        self.language = language
        self.keywords = keywords
        self.representative = representative
        self.clusters: list[Cluster] = []
        self.labels: dict[int, str | None] = {}
        self.label_s = 0.0

    def extract_topics(
        self,
        topic_model: Any,
        documents: Any,
        c_tf_idf: Any,
        topics: Mapping[int, list[tuple[str, float]]],
    ) -> dict[int, list[tuple[str, float]]]:
        phrases: list[str] = documents["Document"].tolist()
        clusters = [
            self._cluster(int(topic_id), documents, words)
            for topic_id, words in sorted(topics.items())
        ]
        started = time.perf_counter()
        future = asyncio.run_coroutine_threadsafe(self._label_all(clusters, phrases), self.loop)
        labels = future.result(timeout=_LABEL_TIMEOUT_S)
        self.label_s = time.perf_counter() - started
        self.clusters = clusters
        self.labels = {
            cluster.topic_id: label for cluster, label in zip(clusters, labels, strict=True)
        }
        width = max((len(words) for words in topics.values()), default=1)
        # BERTopic's convention for generated labels (as its OpenAI representation does): the
        # label as the only "word", padded to the usual width.
        return {
            cluster.topic_id: [(label or "", 1.0)] + [("", 0.0)] * (width - 1)
            for cluster, label in zip(clusters, labels, strict=True)
        }

    def _cluster(self, topic_id: int, documents: Any, words: list[tuple[str, float]]) -> Cluster:
        ids = documents.loc[documents["Topic"] == topic_id, "ID"].to_numpy(dtype=np.int64)
        vectors = self.embeddings[ids]
        centroid = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        similarity = vectors @ (centroid / norm) if norm else np.zeros(len(ids))
        # Stable sort with the index as tie-breaker: equal inputs give equal member orders.
        order = np.lexsort((ids, -similarity))
        return Cluster(
            topic_id=topic_id,
            keywords=[word for word, weight in words if word and weight > 0][: self.keywords],
            members=[int(ids[i]) for i in order],
            centroid_similarity=round(float(similarity.mean()), 4) if len(ids) else 0.0,
        )

    async def _label_all(self, clusters: list[Cluster], phrases: list[str]) -> list[str | None]:
        return list(
            await asyncio.gather(
                *(
                    self.labeller.label(
                        topic=self.topic,
                        language=self.language,
                        keywords=cluster.keywords,
                        phrases=cluster.representative(phrases, self.representative),
                        contrast=[
                            ", ".join(other.keywords[:3])
                            for other in clusters
                            if other is not cluster and other.keywords
                        ],
                    )
                    for cluster in clusters
                )
            )
        )
