"""The clean step's drop rules (each drop counted by its reason), duplicate and near-duplicate
removal, language detection, and the cluster step's named trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from icop.embeddings.minilm import MiniLMEmbedder
from icop.emulators.platforms.trend_seed import seeded_items
from icop.trends.clean import CleanRules, DropReason, ItemText, clean_items, strip_boilerplate
from icop.trends.clustering import find_trends, item_score, purity, trend_count, trend_score
from icop.trends.dedupe import (
    NearDuplicateIndex,
    content_hash,
    embedding_near_duplicates,
    hamming,
    simhash,
    to_signed,
    to_unsigned,
)
from icop.trends.embed import embed_texts
from icop.trends.language import detect_language

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
GOOD = "Worm composting bins turn kitchen scraps into rich garden soil within a few months."


def test_every_rule_drops_with_its_reason_and_the_counts_add_up() -> None:
    items = [
        ItemText("Worm bins", GOOD, NOW - timedelta(hours=2)),  # kept
        ItemText("", "   <p> </p> ", NOW),  # empty
        ItemText("Old", GOOD.replace("Worm", "Old worm"), NOW - timedelta(days=40)),  # too old
        ItemText("Tiny", "Compost!", NOW),  # too short
        ItemText("FREE FOLLOWERS", "Get free followers now, link in bio #f4f #follow", NOW),
        ItemText(
            "Kompost",
            "Die Würmer fressen die Küchenabfälle und das ist gut für den Boden, sagt der Verein.",
            NOW,
        ),  # language (de)
        ItemText("Worm bins", GOOD, NOW),  # exact duplicate
        ItemText(
            "WORM BINS", GOOD.lower().replace("months.", "months!"), NOW
        ),  # exact after normalising
        ItemText(
            "Worm bins", f"<p>{GOOD}</p><p>The post Worm bins appeared first on News.</p>", NOW
        ),  # boilerplate stripped → the same text
        ItemText(
            "Seen",
            "Bokashi buckets ferment food waste before it goes into the compost "
            "heap, gardeners report.",
            NOW,
        ),  # seen in an earlier run
    ]
    seen = NearDuplicateIndex()
    earlier = (
        "Seen\nBokashi buckets ferment food waste before it goes into the compost heap, "
        "gardeners report."
    )
    seen.add(content_hash(earlier), simhash(earlier))
    result = clean_items(
        items, CleanRules(min_chars=40, languages=frozenset({"en"})), now=NOW, seen=seen
    )
    assert [kept.index for kept in result.kept] == [0]
    assert result.dropped == {
        1: DropReason.EMPTY,
        2: DropReason.TOO_OLD,
        3: DropReason.TOO_SHORT,
        4: DropReason.SPAM,
        5: DropReason.LANGUAGE,
        6: DropReason.DUPLICATE,
        7: DropReason.DUPLICATE,
        8: DropReason.DUPLICATE,
        9: DropReason.SEEN_BEFORE,
    }
    assert result.counts == {
        "empty": 1,
        "too_old": 1,
        "too_short": 1,
        "spam": 1,
        "language": 1,
        "duplicate": 3,
        "seen_before": 1,
    }
    assert sum(result.counts.values()) + len(result.kept) == len(items)
    assert result.kept[0].language == "en" and result.kept[0].text.startswith("Worm bins\n")


def test_no_language_rule_keeps_every_language_and_a_source_tag_wins() -> None:
    german = ItemText(
        "Kompost",
        "Die Würmer fressen die Küchenabfälle und das ist gut für den Boden, sagt der Verein.",
        NOW,
    )
    tagged = ItemText("Compost", GOOD, NOW, language="fr-FR")
    result = clean_items([german, tagged], CleanRules(), now=NOW)
    assert [kept.language for kept in result.kept] == ["de", "fr"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD, "en"),
        ("Les bacs à vers transforment les déchets de cuisine en compost pour le jardin.", "fr"),
        (
            "Los contenedores de lombrices convierten los restos de la cocina en abono para el "
            "jardín.",
            "es",
        ),
        ("지렁이 퇴비통은 음식물 쓰레기를 몇 달 만에 흙으로 바꿉니다.", "ko"),
        ("ミミズのコンポストは生ごみを数か月で土に変えます。", "ja"),
        ("Компост из червей превращает кухонные отходы в почву.", "ru"),
        ("#compost #worms", None),
    ],
)
def test_language_detection(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "FREE FOLLOWERS AND LIKES FOR EVERYONE WHO SHARES THIS POST TODAY",
        "Visit https://a.example https://b.example https://c.example https://d.example now",
        "#a #b #c #d #e #f #g #h #i #j #k wow",
        "Sooooooooooo good compost in our garden this spring, look at it",
        "Earn $500 per day working from your sofa, worm bins optional",
    ],
)
def test_spam_rules(text: str) -> None:
    result = clean_items([ItemText("", text, NOW)], CleanRules(min_chars=10), now=NOW)
    assert result.dropped == {0: DropReason.SPAM}


def test_boilerplate_lines_are_removed() -> None:
    html = (
        "<nav>Home | About</nav><p>Heat pumps work in old houses.</p>"
        "<p>Read more at our site</p><p>© 2026 Energy News. All rights reserved.</p>"
        "<p>The post Heat pumps appeared first on Energy News.</p><script>x()</script>"
    )
    assert strip_boilerplate(html) == "Heat pumps work in old houses."


def test_simhash_near_duplicates_and_the_band_index() -> None:
    base = (
        "Community compost sites accept coffee grounds and eggshells says the city waste "
        "department in a new program for every district of the city this spring, and residents "
        "can drop off kitchen scraps at twelve collection points every Saturday morning"
    )
    reworded = base.replace("twelve", "ten")
    other = "Trail running shoes need more grip than cushioning on wet rock, says a coach"
    assert hamming(simhash(base), simhash(reworded)) <= 3
    assert hamming(simhash(base), simhash(other)) > 10
    index = NearDuplicateIndex()
    index.add(content_hash(base), simhash(base))
    assert index.is_near(simhash(reworded)) and not index.is_near(simhash(other))
    assert to_unsigned(to_signed(simhash(base))) == simhash(base)
    assert to_signed(2**64 - 1) == -1


def test_embedding_near_duplicates_keep_the_first_of_a_group() -> None:
    a = np.array([1.0, 0.0, 0.0])
    b = np.array([0.99, 0.141, 0.0])  # cosine 0.99 to a
    c = np.array([0.0, 1.0, 0.0])
    vectors = np.stack([a, c, b / np.linalg.norm(b), a])
    assert embedding_near_duplicates(vectors, block=2) == [2, 3]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


async def test_seeded_items_cluster_into_named_pure_trends(embedder: MiniLMEmbedder) -> None:
    """Three feeds of the benchmark's seeds through clean → embed → dedupe → cluster: no copy
    survives, the clusters are pure, and each trend is named by its own words."""
    feeds = seeded_items(
        feeds=3, per_feed=40, now=NOW, themes=["home composting", "balcony solar", "trail running"]
    )
    items = [item for feed in feeds for item in feed]
    cleaned = clean_items(
        [ItemText(i.title, i.body, i.published_at) for i in items], CleanRules(), now=NOW
    )
    assert cleaned.counts.get("duplicate", 0) + cleaned.counts.get("near_duplicate", 0) > 0
    vectors = await embed_texts(embedder, [kept.text for kept in cleaned.kept])
    dropped = set(embedding_near_duplicates(vectors))
    kept = [k for n, k in enumerate(cleaned.kept) if n not in dropped]
    vectors = vectors[[n for n in range(len(cleaned.kept)) if n not in dropped]]
    originals = [items[k.index].original for k in kept]
    assert len(originals) == len(set(originals)), "a copy survived"

    trends = await find_trends([k.text for k in kept], vectors, k=3)
    assigned = [0] * len(kept)
    for number, trend in enumerate(trends):
        for member in trend.members:
            assigned[member] = number
    assert purity(assigned, [items[k.index].theme for k in kept]) >= 0.9
    names = {items[kept[t.members[0]].index].theme: t.label.lower() for t in trends}
    assert any(word in names["home composting"] for word in ("compost", "worm", "bokashi", "bins"))
    assert any(word in names["balcony solar"] for word in ("solar", "balcony", "photovoltaic"))
    assert any(word in names["trail running"] for word in ("trail", "running", "race", "runners"))
    for trend in trends:
        assert abs(float(np.linalg.norm(trend.centroid)) - 1.0) < 1e-3
        assert trend.keywords and 0 < trend.tightness <= 1


def test_scores_and_counts() -> None:
    assert trend_count(0) == 0 and trend_count(5) == 1 and trend_count(100) == 9
    assert trend_count(10_000) == 20
    fresh, stale = item_score(0.5, NOW, NOW), item_score(0.5, NOW - timedelta(days=4), NOW)
    assert fresh == 0.75 and stale == 0.375
    assert trend_score([0.5, 0.5], sources=3) == 1.5
    assert purity([0, 0, 1, 1], ["a", "b", "c", "c"]) == 0.75
