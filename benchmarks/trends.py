"""TrendPipeline throughput and quality: 10,000 seeded items from 20 feeds through the
pipeline's own clean → embed → dedupe → cluster code (icop.trends), on the bundled MiniLM.

The items are the emulator's seeded themes (icop.emulators.platforms.trend_seed): eight themes,
15 % of the items near or exact copies of another feed's item (a tracking suffix, the feed's
"appeared first on" line, changed case and punctuation, a word swapped).

- items_per_s: input items over the wall time of clean + embed + dedupe + cluster (target ≥ 200).
- duplicates_kept: kept items that copy another kept item (same seeded original, or the same
  normalised text) — target 0.
- trend_purity: cluster purity of the kept items against their seeded theme (target ≥ 0.8).

Last line: RESULT items_per_s=… duplicates_kept=… trend_purity=…
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

from icop.embeddings.config import EmbeddingConfig
from icop.embeddings.minilm import MiniLMEmbedder
from icop.emulators.platforms.trend_seed import seeded_items
from icop.trends.clean import CleanRules, ItemText, clean_items
from icop.trends.clustering import find_trends, purity
from icop.trends.dedupe import content_hash
from icop.trends.embed import embed_texts, near_duplicates


async def run(feeds: int, per_feed: int, batch_size: int) -> None:
    now = datetime.now(UTC)
    items = [
        item for feed in seeded_items(feeds=feeds, per_feed=per_feed, now=now) for item in feed
    ]
    embedder = MiniLMEmbedder(batch_size=batch_size)
    # A worker loads the model and imports BERTopic once; neither is per-item throughput.
    warm = [f"{item.title}. {item.body}" for item in items[:40]]
    await find_trends(warm, await embed_texts(embedder, warm), k=2)

    started = time.perf_counter()
    cleaned = clean_items(
        [ItemText(item.title, item.body, item.published_at) for item in items],
        CleanRules(min_chars=40, languages=frozenset({"en"})),
        now=now,
    )
    clean_s = time.perf_counter() - started
    vectors = await embed_texts(embedder, [kept.text for kept in cleaned.kept])
    embed_s = time.perf_counter() - started - clean_s
    dropped = set(near_duplicates(vectors))
    survivors = [i for i in range(len(cleaned.kept)) if i not in dropped]
    vectors = vectors[survivors]
    kept = [cleaned.kept[i] for i in survivors]
    dedupe_s = time.perf_counter() - started - clean_s - embed_s
    trends = await find_trends([k.text for k in kept], vectors)
    total_s = time.perf_counter() - started
    cluster_s = total_s - clean_s - embed_s - dedupe_s

    originals = Counter(items[k.index].original for k in kept)
    texts = Counter(content_hash(k.text) for k in kept)
    duplicates_kept = sum(n - 1 for n in originals.values()) + sum(n - 1 for n in texts.values())
    assigned = [0] * len(kept)
    for number, trend in enumerate(trends):
        for member in trend.members:
            assigned[member] = number
    score = purity(assigned, [items[k.index].theme for k in kept])
    print(
        f"items={len(items)} kept={len(kept)} dropped={dict(cleaned.counts)} "
        f"embedding_near_duplicates={len(dropped)} trends={len(trends)}"
    )
    for trend in trends[:10]:
        themes = Counter(items[kept[m].index].theme for m in trend.members).most_common(1)[0]
        print(f"  {trend.label!r:60} size={len(trend.members)} theme={themes}")
    print(
        f"clean_s={clean_s:.2f} embed_s={embed_s:.2f} dedupe_s={dedupe_s:.2f} "
        f"cluster_s={cluster_s:.2f} total_s={total_s:.2f}"
    )
    print(
        f"RESULT items_per_s={len(items) / total_s:.0f} duplicates_kept={duplicates_kept} "
        f"trend_purity={score:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--per-feed", type=int, default=500)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=EmbeddingConfig().batch_size,
        help="texts per forward pass (default: the embedding_batch_size default)",
    )
    args = parser.parse_args()
    asyncio.run(run(args.feeds, args.per_feed, args.batch_size))


if __name__ == "__main__":
    main()
