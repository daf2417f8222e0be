"""Every metric on articles with known answers."""

from __future__ import annotations

from icop.evaluation.dataset import EvalTopic, load_topics
from icop.evaluation.metrics import score_article, score_report
from icop.evaluation.metrics.citations import citation_support, invented_sources
from icop.evaluation.metrics.content import coverage, language, length, repetition, structure
from icop.evaluation.metrics.markdown import ListedSource, listed_sources, split_report, units
from icop.evaluation.metrics.scaffolding import leaks, prompt_templates
from icop.evaluation.metrics.social import social_validity
from icop.evaluation.metrics.usage import usage
from icop.evaluation.records import ArticleRecord, CallRecord, SocialRecord, SourceRef

COMPOSTING = (
    "A compost heap needs a balance of nitrogen-rich greens and carbon-rich browns. Greens are "
    "fruit and vegetable peelings and coffee grounds; browns are dry leaves and cardboard. "
    "Compost should feel as moist as a wrung-out sponge."
)
BALCONY = "Most fruiting vegetables need at least six hours of direct sun a day on a balcony."


def topic(topic_id: str = "home-composting") -> EvalTopic:
    return load_topics([topic_id])[0]


# -- citations ------------------------------------------------------------------------------
def test_a_supported_and_an_unsupported_citation() -> None:
    body = (
        "# Composting\n\n"
        "Your heap needs nitrogen-rich greens balanced with carbon-rich browns [1]. "
        "Tomatoes on a balcony need six hours of direct sun [1]."
    )
    support = citation_support(units(body), {1: COMPOSTING, 2: BALCONY}, "en")
    assert (support.cited, support.supported) == (2, 1)
    assert support.share == 0.5 and support.unsupported == (
        "Tomatoes on a balcony need six hours of direct sun.",
    )
    # Cited to the right passage, the balcony sentence is supported.
    fixed = body.replace("sun [1]", "sun [2]")
    assert citation_support(units(fixed), {1: COMPOSTING, 2: BALCONY}, "en").share == 1.0


def test_a_citation_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    [first, second] = units("Greens bring nitrogen. [1] Browns bring carbon [2].")
    assert (first.text, first.numbers) == ("Greens bring nitrogen.", (1,))
    assert (second.text, second.numbers) == ("Browns bring carbon.", (2,))


def test_invented_sources_unresolved_numbers_and_sources_research_never_found() -> None:
    listed = [ListedSource(1, "Home composting basics", None), ListedSource(2, "A blog", None)]
    found = invented_sources({1, 3}, listed, lambda source: source.number == 1)
    assert found.unresolved == (3,) and found.not_researched == ("A blog",)
    assert found.uncited == (2,) and found.count == 2


def test_the_reference_list_is_split_off_and_parsed() -> None:
    body, references = split_report(
        "---\ntitle: x\n---\n\n# T\n\nText [1].\n\n## Sources\n\n"
        "1. Home composting basics — <https://example.org/a>\n2. [Other](https://example.org/b)\n"
    )
    assert body == "# T\n\nText [1]."
    assert listed_sources(references) == [
        ListedSource(1, "Home composting basics", "https://example.org/a"),
        ListedSource(2, "Other", "https://example.org/b"),
    ]


# -- content ----------------------------------------------------------------------------------
def test_a_repeated_paragraph() -> None:
    paragraph = (
        "Urban rooftop beekeeping gives the most accurate way to learn about bees in the city. "
        "Bees forage up to three kilometres from the hive."
    )
    clean = f"# Bees\n\n{paragraph}\n\n## Water\n\nA colony needs water close to the hive."
    looped = f"# Bees\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}"
    assert repetition(clean, "en").repeated == ()
    looping = repetition(looped, "en")
    assert len(looping.repeated) == 4 and looping.share == 4 / 7
    assert looping.distinct_3 < repetition(clean, "en").distinct_3


def test_a_korean_article() -> None:
    korean = topic("ko-home-composting")
    article = (
        "# 집에서 퇴비 만들기\n\n"
        "퇴비에는 질소가 많은 초록 재료와 탄소가 많은 갈색 재료를 함께 넣어야 합니다 [1]. "
        "퇴비 더미는 꼭 짠 스펀지 정도로 촉촉하게 유지합니다.\n\n"
        "## 주의할 점\n\n고기와 생선은 넣지 않습니다."
    )
    assert language(article, "ko").ok and language(article, "ko").share == 1.0
    english = "# Compost\n\nGreens and browns make a good heap, and the heap must stay moist."
    assert not language(english, "ko").ok and language(english, "ko").share == 0.0
    covered = coverage(article, korean.key_facts, "ko")
    assert korean.key_facts[0] in covered.covered
    assert korean.key_facts[2] in covered.covered  # 꼭 짠 스펀지 정도의 습기
    assert korean.key_facts[6] in covered.missed  # 2~6개월: not in the article
    assert length(article, 300, "ko").words == 29  # eojeol, headings included


def test_coverage_needs_the_fact_not_only_its_subject() -> None:
    facts = ["Compost should feel as moist as a wrung-out sponge."]
    assert coverage("Keep the heap as moist as a wrung-out sponge.", facts, "en").share == 1.0
    assert coverage("Compost must never dry out.", facts, "en").share == 0.0


def test_structure_one_title_sections_and_no_empty_section() -> None:
    good = "# T\n\nLead.\n\n## A\n\nText.\n\n## B\n\nMore text."
    assert structure(good).ok
    doubled = "# T\n\n# T\n\n## A\n\nText.\n\n## B\n\n## C\n\nText."
    found = structure(doubled)
    assert (found.titles, found.sections, found.empty_sections) == (2, 3, 1) and not found.ok
    second_list = "# T\n\n## A\n\nText [1].\n\n## B\n\nText.\n\n## Sources\n\n1. Home composting"
    assert structure(second_list).reference_lists == 1 and not structure(second_list).ok


def test_length_against_the_brief() -> None:
    measured = length("# Title here\n\n" + "word " * 298, 300, "en")
    assert measured.words == 300 and measured.ratio == 1.0 and measured.ok
    assert not length("# T\n\nToo short.", 300, "en").ok


# -- scaffolding ------------------------------------------------------------------------------
def test_a_leaked_heading_and_a_copied_instruction() -> None:
    templates = prompt_templates()
    leaked = (
        "# Composting\n\n## Brand Voice\n\nGreens and browns.\n\n## Length Words\n\n300\n\n"
        "Each claim is one statement and cites the numbers of the sources that support it.\n\n"
        "**Sources**: 1"
    )
    found = leaks(leaked, templates, "en")
    assert "## Brand Voice" in found and "## Length Words" in found and "**Sources**: 1" in found
    assert any(text.startswith("Each claim is one statement") for text in found)
    clean = (
        "# Composting\n\n## Why compost\n\nGreens and browns make a heap work.\n\n"
        "## Summary\n\nDo it."
    )
    assert leaks(clean, templates, "en") == []


# -- social and usage -------------------------------------------------------------------------
def test_posts_valid_before_and_after_the_auto_fix() -> None:
    posts = [
        SocialRecord(platform="x", draft_text="Compost!", text="Compost!", ok=True),
        SocialRecord(
            platform="threads", draft_text="Long…", text="Short", ok=True, changes=["shortened"]
        ),
        SocialRecord(platform="instagram", draft_text="Hi", text="", ok=False, problems=["media"]),
    ]
    validity = social_validity(posts)
    assert (validity.valid_before, validity.valid_after, validity.posts) == (1, 2, 3)
    assert validity.problems == ("instagram: media",)


def test_usage_counts_retries_and_failures() -> None:
    calls = [
        CallRecord(role="seo", prompt_tokens=100, completion_tokens=40, attempts=1),
        CallRecord(role="editor", completion_tokens=400, attempts=3, repaired=True),
        CallRecord(role="writer_a", ok=False, attempts=2, error="timeout"),
    ]
    measured = usage(calls)
    assert (measured.calls, measured.failed_calls, measured.retries) == (3, 1, 3)
    assert (measured.completion_tokens, measured.repaired) == (440, 1)


# -- whole reports ----------------------------------------------------------------------------
def test_a_peer_report_scored_against_the_topics_documents() -> None:
    composting = topic()
    report = (
        "# Composting at home\n\n"
        "A compost heap needs a balance of nitrogen-rich greens and carbon-rich browns [1]. "
        "A hot heap reaches 55 to 65 degrees Celsius in its centre [2]. "
        "Compost bins are sold in garden centres [3].\n\n"
        "## References\n\n[1] Home composting basics\n[2] Hot and cold composting compared\n"
        "[3] https://example.com/shop\n"
    )
    sources = [
        SourceRef(number=1, title="Home composting basics"),
        SourceRef(number=2, title="Hot and cold composting compared"),
        SourceRef(number=3, title="Compost shop", url="https://example.com/shop"),
    ]
    scores = score_report(report, sources, composting)
    assert scores.invented_sources == 1 and scores.not_researched_sources == ["Compost shop"]
    assert (scores.cited_sentences, scores.supported_sentences) == (2, 2)
    assert scores.model_cited_sentences == 2 and scores.inferred_cited_sentences == 0
    assert scores.coverage == round(2 / 7, 3)


def test_an_icop_article_keeps_model_and_code_citations_apart() -> None:
    composting = topic()
    text = (
        "# Composting\n\nA compost heap needs nitrogen-rich greens and carbon-rich browns [1].\n\n"
        "## Moisture\n\nCompost should feel as moist as a wrung-out sponge."
    )
    final = text.replace("wrung-out sponge.", "wrung-out sponge [1].")
    record = ArticleRecord(
        topic_id=composting.id,
        language="en",
        provider="fake",
        model="fake",
        mode="compare",
        status="ready",
        markdown=(
            f"---\ntitle: Composting\n---\n\n{final}\n\n## Sources\n\n1. Home composting basics\n"
        ),
        article_text=text,
        sources=[SourceRef(number=1, title="Home composting basics", snippet=COMPOSTING)],
        references=[SourceRef(number=1, title="Home composting basics", snippet=COMPOSTING)],
        cited_sources=[1],
        inferred_citations=[1],
    )
    scores = score_article(record, composting, prompt_templates())
    assert (scores.model_cited_sentences, scores.inferred_cited_sentences) == (1, 1)
    assert scores.model_citation_support == 1.0 and scores.inferred_citation_support == 1.0
    assert scores.invented_sources == 0 and scores.scaffolding_leaks == 0
    assert scores.titles == 1 and scores.status == "ready"


def test_an_article_sent_to_review_is_scored_on_the_text_the_product_keeps() -> None:
    composting = topic()
    text = "# Composting\n\nA compost heap needs nitrogen-rich greens and carbon-rich browns [2]."
    sources = [
        SourceRef(number=1, title="Hot and cold composting compared", snippet="Hot heaps."),
        SourceRef(number=2, title="Home composting basics", snippet=COMPOSTING),
    ]
    record = ArticleRecord(
        topic_id=composting.id,
        language="en",
        provider="fake",
        model="fake",
        mode="compare",
        status="needs_review",
        markdown=text,  # no assembled file: no front matter, no list, research's numbers
        sources=sources,
    )
    scores = score_article(record, composting, prompt_templates())
    assert scores.invented_sources == 0 and scores.unresolved_citations == []
    assert (scores.cited_sentences, scores.supported_sentences) == (1, 1)
    assert scores.status == "needs_review"
