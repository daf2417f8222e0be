"""The deterministic checks around models' answers: the editor's pick, the merge, citations,
the Markdown file and English prompts."""

from __future__ import annotations

import yaml

from icop.agents import citations
from icop.agents.gate import document
from icop.agents.review import (
    echoed_inputs,
    for_review,
    judged,
    merged,
    polish_refused,
    unreviewed,
    without_echoed_fields,
)
from icop.agents.schemas import (
    Claim,
    DraftRecord,
    DraftScore,
    EditorJudgement,
    ImageAsset,
    RubricScores,
    SeoMeta,
    Source,
)
from icop.agents.visuals import looks_english
from tests.agents.fakes import SOURCES as COMPOST_SOURCES

DRAFT = "# Soil\n\nGreens and browns [1]. Worms help [2].\n\nKeep it damp [1, 3]."
DRAFTS = {
    "writer_a": DraftRecord(writer="writer_a", text=DRAFT, citations=[1, 2, 3]),
    "writer_c": DraftRecord(writer="writer_c", text=DRAFT.replace("Soil", "Dirt"), citations=[1]),
}
SOURCES = [
    Source(number=1, title="Basics", url="https://e.org/1", snippet="greens and browns"),
    Source(number=2, title="Worms", url=None, snippet="worms"),
    Source(number=3, title="Water", url="https://e.org/3", snippet="damp"),
]


def _scores(total: int) -> RubricScores:
    return RubricScores(structure=total, faithfulness=total, brand_voice=total, readability=total)


def _judgement(chosen: str, scores: dict[str, int]) -> EditorJudgement:
    return EditorJudgement(
        scores=[DraftScore(draft=name, scores=_scores(s)) for name, s in scores.items()],
        chosen=chosen,
        rationale="Clearer structure.",
    )


def test_the_editors_pick_is_kept_when_sound() -> None:
    article = judged(_judgement("writer_a", {"writer_a": 9, "writer_c": 5}), DRAFTS)
    assert (article.chosen, article.text, article.notes) == ("writer_a", DRAFT, [])
    assert article.scores["writer_a"].total == 36 and article.rationale == "Clearer structure."


def test_a_pick_of_a_missing_draft_falls_back_to_the_best_scored_one() -> None:
    article = judged(_judgement("writer_b", {"writer_a": 4, "writer_c": 8}), DRAFTS)
    assert article.chosen == "writer_c" and article.text == DRAFTS["writer_c"].text
    assert "writer_b" in article.notes[0]


FACTS = [
    "Compost should feel as moist as a wrung-out sponge.",
    "A heap needs greens and browns in balance.",
    "Turning the heap every week or two speeds it up.",
]
RICH = (
    "# Compost\n\nA heap needs greens and browns in balance [1]. Compost should feel as moist "
    "as a wrung-out sponge [3]. Turning the heap every week or two speeds it up [1]."
)
THIN = "# Compost\n\nCompost is a wonderful hobby for everyone [1]. It is rewarding [1]."
SOME = "# Compost\n\nA heap needs greens and browns in balance [1]. Enjoy the work [1]."


def _drafts(**texts: str) -> dict[str, DraftRecord]:
    return {
        name: DraftRecord(writer=name, text=text, citations=citations.cited_numbers(text))
        for name, text in texts.items()
    }


def test_a_pick_stating_clearly_fewer_facts_gives_way_to_the_draft_with_the_facts() -> None:
    # From two evaluation runs: the 0.5B editor chose the thinnest draft both times.
    drafts = _drafts(writer_a=THIN, writer_b=RICH, writer_c=SOME)
    scores = {"writer_a": 9, "writer_b": 6, "writer_c": 7}
    article = judged(_judgement("writer_a", scores), drafts, FACTS)
    assert article.chosen == "writer_b" and article.text == RICH
    assert "states 0 of the 3 researched facts; writer_b states 3" in article.notes[0]
    # One fact fewer is a judgement call the editor may make.
    close = judged(_judgement("writer_c", scores), _drafts(writer_b=RICH, writer_c=SOME), FACTS[:2])
    assert close.chosen == "writer_c" and close.notes == []
    # Among the drafts within the margin of the most, the editor's scores decide.
    tied = judged(
        _judgement("writer_a", scores), _drafts(writer_a=THIN, writer_b=RICH, writer_c=RICH), FACTS
    )
    assert tied.chosen == "writer_c"


def test_a_polish_is_refused_when_it_lost_text_citations_or_facts() -> None:
    assert "shorter" in (polish_refused(RICH, "Compost is good.") or "")
    assert "citation" in (polish_refused(RICH, RICH.replace("[", "(")) or "")
    platitude = RICH.replace("should feel as moist as a wrung-out sponge", "needs some care")
    assert "facts" in (polish_refused(RICH, platitude, FACTS) or "")
    assert polish_refused(RICH, RICH + " Enjoy.", FACTS) is None


def test_without_a_judgement_the_draft_stating_the_most_facts_is_picked() -> None:
    drafts = _drafts(writer_a=THIN + " More [1] [2] [3].", writer_b=RICH)
    article = unreviewed(drafts, "compare", "the editor looped", FACTS)
    assert article.chosen == "writer_b" and "looped" in article.notes[0]


def test_a_merge_shorter_than_half_a_draft_is_replaced() -> None:
    assert merged("Too short.", DRAFTS).text == DRAFT
    good = merged(DRAFT + " More.", DRAFTS)
    assert good.text == DRAFT + " More." and good.notes == [] and good.chosen is None


def test_citations_are_found_but_links_and_images_are_not_citations() -> None:
    text = "A [1]. B [2, 7]. C [9]. A link [text](http://x) and ![img](http://y) stay."
    assert citations.cited_numbers(text) == [1, 2, 7, 9]


def test_sources_are_renumbered_for_citing() -> None:
    found = [
        Source(number=7, title="B", snippet="b"),
        Source(number=7, title="  ", snippet="no title"),
        Source(number=2, title="C", snippet="", url="https://c"),
        Source(number=4, title="D", snippet=""),
    ]
    sources = citations.usable_sources(found, limit=5)
    assert [(s.number, s.title) for s in sources] == [(1, "B"), (2, "C")]


def test_the_markdown_file_has_front_matter_sources_and_every_image() -> None:
    seo = SeoMeta(
        title="Compost at home",
        meta_description="How to start.",
        slug="compost-at-home",
        keywords=["compost"],
        hashtags=["compost", "garden"],
    )
    images = [
        ImageAsset(index=0, url="https://cdn/0.jpg", alt="A heap", width=1600, height=900),
        ImageAsset(index=1, url="https://cdn/1.jpg", alt="A bin", width=1080, height=1080),
    ]
    body = "Greens and browns [1]. Damp [3].\n\n## Next\n\nMore text, damp again [3]."
    markdown = document.assemble(body, seo=seo, language="en", sources=SOURCES, images=images)
    _, header, rest = markdown.markdown.split("---\n", 2)
    assert yaml.safe_load(header) == markdown.front_matter
    assert markdown.front_matter["hashtags"] == ["compost", "garden"]
    assert markdown.front_matter["image"] == "https://cdn/0.jpg"
    assert rest.lstrip().startswith("# Compost at home\n\n")  # the title heading was added
    assert rest.index("![A heap](https://cdn/0.jpg)") < rest.index("More text,")
    assert rest.index("## Next") < rest.index("![A bin](https://cdn/1.jpg)")
    # Only cited sources are listed, renumbered in the order the text first cites them.
    assert "Damp [2]." in rest and "damp again [2]." in rest
    assert rest.rstrip().endswith("1. [Basics](https://e.org/1)\n2. [Water](https://e.org/3)")
    assert [c.number for c in markdown.citations] == [1, 2]


def test_a_written_title_naming_what_no_source_does_gives_way_to_the_seo_title() -> None:
    # From the evaluation: "# Growing Vegetables on Small Balloons" over a balcony article.
    seo = SeoMeta(
        title="Growing vegetables on a small balcony",
        meta_description="d",
        slug="balcony",
        keywords=["balcony"],
        hashtags=[],
    )
    sources = [Source(number=1, title="Planning a balcony garden", snippet="Pots need holes.")]

    def title(body: str) -> str:
        markdown = document.assemble(body, seo=seo, language="en", sources=sources, images=[])
        return markdown.markdown.split("\n---\n", 1)[1].strip().splitlines()[0]

    assert title("# Growing Vegetables on Small Balloons\n\nPots need holes [1].") == (
        "# Growing vegetables on a small balcony"
    )
    # The writer's own title stands when every word of it is in the SEO title or a source.
    kept = "# Small balcony, vegetables in pots"
    assert title(f"{kept}\n\nPots need holes [1].") == kept


def test_a_title_or_heading_with_letters_of_another_script_is_repaired() -> None:
    """From a demo run: "… Rainwater Harvesting系统" (the bundled model ended in Chinese)."""
    seo = SeoMeta(
        title="Rainwater harvesting for small gardens",
        meta_description="d",
        slug="rainwater",
        keywords=["rainwater"],
        hashtags=[],
    )
    sources = [Source(number=1, title="Rainwater harvesting systems", snippet="Gardens.")]
    body = (
        "# How to Maintain the Efficiency of a Rainwater Harvesting系统\n\nIntro [1].\n\n"
        "## Cleaning the 过滤器 Filter\n\nClean it [1].\n\n## 结论\n\nDone [1].\n\n"
        "## Small Gardens\n\nGardens need water [1].\n"
    )
    made = document.assemble(body, seo=seo, language="en", sources=sources, images=[])
    text = made.markdown.split("\n---\n", 1)[1]
    assert text.strip().splitlines()[0] == "# Rainwater harvesting for small gardens"
    assert "## Cleaning the Filter" in text and "结论" not in text and "Done [1]." in text
    assert "## Small Gardens" in text  # a clean heading stays as it is
    assert [f.code for f in made.findings] == ["foreign_script", "foreign_script"]


def test_images_are_spread_over_the_sections_never_two_in_a_row() -> None:
    # From a CI run: an article opening with "## Introduction" had both pictures after its
    # first paragraph. The hero follows the first paragraph; the others end later sections.
    seo = SeoMeta(
        title="Compost", meta_description="d", slug="compost", keywords=["compost"], hashtags=[]
    )
    images = [
        ImageAsset(index=i, url=f"https://cdn/{i}.jpg", alt=f"Picture {i}", width=9, height=9)
        for i in range(3)
    ]
    sections = "".join(f"\n\n## Part {n}\n\nText of part {n} [1]." for n in range(2, 5))
    body = f"## Introduction\n\nThe lead [1].\n\nMore of the lead.{sections}"
    text = document.assemble(body, seo=seo, language="en", sources=SOURCES, images=images)
    blocks = text.markdown.split("\n\n")
    hero = blocks.index("![Picture 0](https://cdn/0.jpg)")
    assert blocks[hero - 1] == "The lead [1]."
    second, third = (blocks.index(f"![Picture {i}](https://cdn/{i}.jpg)") for i in (1, 2))
    assert blocks[second - 1] == "Text of part 2 [1]."
    assert blocks[third - 1] == "Text of part 4 [1]."


def test_english_check_is_about_the_script() -> None:
    assert looks_english("A compost heap at dawn, 35mm photo")
    assert not looks_english("퇴비 더미와 정원")
    assert not looks_english("Компостная куча")
    assert looks_english("1:1")


def test_long_drafts_are_cut_to_a_share_of_the_budget_not_dropped() -> None:
    paragraph = "Compost needs air, water and time. " * 20
    long_text = "\n\n".join([paragraph] * 30)  # ~21,000 characters
    drafts = {
        name: DraftRecord(writer=name, text=long_text)
        for name in ("writer_a", "writer_b", "writer_c")
    }
    review = for_review(drafts, budget_tokens=7000)
    assert [d.id for d in review] == ["writer_a", "writer_b", "writer_c"]
    for draft in review:
        assert len(draft.text) <= 7000 * 0.6 / 3 * 4 + 4 and draft.text.endswith(" […]")
    korean = {"writer_a": DraftRecord(writer="writer_a", text="퇴비는 공기가 필요합니다. " * 900)}
    (cut,) = for_review(korean, budget_tokens=7000)
    assert len(cut.text) < 7000 * 0.6 * 1.3  # about a token per Hangul character
    short = {"writer_a": DraftRecord(writer="writer_a", text="Short.")}
    assert for_review(short, budget_tokens=7000)[0].text == "Short."


def test_an_answer_that_echoes_the_prompt_is_recognised_and_not_used() -> None:
    echo = "# Soil\n\n## topic\ncomposting\n\n## language\nen\n\n## research\n{...}"
    assert echoed_inputs(echo)
    assert not echoed_inputs(DRAFT) and not echoed_inputs("## Why compost\n\n## How to start\n")
    assert "repeated" in (polish_refused(DRAFT, echo * 3) or "")
    assert merged(echo * 5, DRAFTS).text in {d.text for d in DRAFTS.values()}


def test_a_string_cut_by_the_decoder_at_its_limit_ends_on_a_word() -> None:
    description = ("Keep the pile as damp as a wrung-out sponge " * 5)[:160]
    assert description.endswith("wrung-out sp") or len(description) == 160
    seo = SeoMeta(title="t", meta_description=description, slug="s", keywords=[], hashtags=[])
    assert len(seo.meta_description) < 160 and seo.meta_description.endswith("damp as a")


def test_uncited_paragraphs_that_restate_the_research_are_cited() -> None:
    claims = [Claim(text="A compost pile needs green and brown material in balance.", sources=[1])]
    body = (
        "# Compost\n\n"
        "Start small. Every compost pile needs green and brown material, kept in balance.\n\n"
        "Already cited: a pile should feel damp [3].\n\n"
        "Your pile should feel like a wrung-out sponge when you squeeze it!\n\n"
        "Invite the neighbours over for tea.\n\n"
        "```\nthe pile feel wrung-out sponge\n```"
    )
    grounded, added = citations.ground(body, citations.evidence(claims, COMPOST_SOURCES))
    paragraphs = grounded.split("\n\n")
    assert paragraphs[1] == (
        "Start small. Every compost pile needs green and brown material, kept in balance [1]."
    )
    assert paragraphs[2] == "Already cited: a pile should feel damp [3]."  # left as written
    assert paragraphs[3].endswith("wrung-out sponge when you squeeze it [3]!")
    assert paragraphs[4] == "Invite the neighbours over for tea."  # a shared topic is not enough
    assert paragraphs[5] == "```\nthe pile feel wrung-out sponge\n```"  # code is not prose
    assert added == [1, 3]


def test_uncited_korean_list_items_that_restate_a_source_are_cited() -> None:
    # From the evaluation (ko-home-composting): the source's sentences listed as bullets, the
    # last one cited by the model, the others not.
    support = [
        citations.Evidence(
            "퇴비는 음식물 찌꺼기와 낙엽 같은 유기물이 미생물에 의해 분해되어 만들어지는 검고 "
            "부슬부슬한 흙입니다. 1주에 한 번 뒤집어 주면 공기가 들어가 냄새가 줄어들고 분해도 "
            "빨라집니다.",
            (1,),
        ),
        citations.Evidence("여름철 건강한 꿀벌 군집에는 3만에서 5만 마리의 벌이 삽니다.", (2,)),
        citations.Evidence("옥상 벌통은 아이들이 곤충을 배우는 교실이 됩니다.", (2,)),
        citations.Evidence("도시에는 봄부터 가을까지 꽃이 이어서 핍니다.", (3,)),
    ]
    body = (
        "# 집에서 하는 퇴비 만들기\n\n"
        "- 1주에 한 번 뒤집어 주면 공기가 들어가 냄새가 줄어들고 분해도 빨라집니다.\n"
        "- 퇴비는 음식물 찌꺼기와 낙엽 같은 유기물이 미생물에 의해 분해되어 만들어지는 "
        "흙입니다.\n"
        "- 퇴비 더미는 꼭 짠 스펀지 정도의 습기를 유지해야 합니다 [4].\n"
        "- 텃밭을 가꾸는 일은 즐겁습니다."
    )
    grounded, added = citations.ground(body, support)
    assert grounded.splitlines()[2:] == [
        "- 1주에 한 번 뒤집어 주면 공기가 들어가 냄새가 줄어들고 분해도 빨라집니다 [1].",
        "- 퇴비는 음식물 찌꺼기와 낙엽 같은 유기물이 미생물에 의해 분해되어 만들어지는 "
        "흙입니다 [1].",
        "- 퇴비 더미는 꼭 짠 스펀지 정도의 습기를 유지해야 합니다 [4].",  # the model's own
        "- 텃밭을 가꾸는 일은 즐겁습니다.",  # shares only endings ("니다") with the sources
    ]
    assert added == [1]


def test_a_citation_code_adds_lands_after_the_sentence_not_inside_an_abbreviation() -> None:
    """From the evaluation: "Organic matter (e [1].g., leaves, stems)"."""
    claims = [Claim(text="A compost pile needs green and brown material in balance.", sources=[1])]
    body = (
        "A pile needs green and brown material (e.g. leaves, peelings) in balance, about 3.5 "
        "parts brown to one part green. Turn it.\n"
        "- Water\n- Microorganisms"
    )
    grounded, added = citations.ground(body, citations.evidence(claims, COMPOST_SOURCES))
    assert grounded.startswith(
        "A pile needs green and brown material (e.g. leaves, peelings) in balance, about 3.5 "
        "parts brown to one part green [1]. Turn it.\n- Water"
    )
    assert added == [1]


def test_input_labels_a_small_model_copies_are_removed_and_real_headings_kept() -> None:
    text = (
        "## topic: composting at home\n\n## language: en\n\n## outline\n## ## 1. Introduction\n"
        "Composting is easy.\n\n## Outline of a good pile\n\n## topics for beginners\nGo."
    )
    assert without_echoed_fields(text) == (
        "## 1. Introduction\nComposting is easy.\n\n## Outline of a good pile\n\n"
        "## topics for beginners\nGo."
    )
