"""The gate on hand-made articles: every defect the bundled model produced on a fresh clone's
demo (issue #10, copied from the real output) is caught and repaired or blocks the article; a
clean article passes untouched."""

from __future__ import annotations

from icop.agents import prompts
from icop.agents.gate import document, scaffolding
from icop.agents.gate.content import GateContext, review
from icop.agents.roles import default_roles
from icop.agents.schemas import Claim, SeoMeta, Source
from tests.agents.fakes import ARTICLE_TEXT, BRAND_SAMPLES, KOREAN_ARTICLE_TEXT
from tests.agents.fakes import SOURCES as COMPOST

SOURCES = [
    Source(
        number=1,
        title="Home composting basics",
        snippet="Compost needs a mix of greens such as food scraps and browns such as dry "
        "leaves. Turn the pile weekly and keep it as moist as a wrung-out sponge.",
    ),
    Source(
        number=2,
        title="Rainwater harvesting",
        snippet="A rain barrel collects water from the roof downspout for watering plants.",
    ),
]
CLAIMS = [Claim(text="A compost pile needs greens and browns in balance.", sources=[1])]


def context(
    language: str = "en", length_words: int = 60, sources: list[Source] = SOURCES
) -> GateContext:
    references = prompts.every_prompt(default_roles().all())
    return GateContext(
        language=language,
        length_words=length_words,
        sources=sources,
        claims=CLAIMS,
        references=[*references, *BRAND_SAMPLES],
        labels=scaffolding.labels_of(prompts.INPUT_LABELS),
        material=["Composting turns scraps into soil.", *(c.text for c in CLAIMS)],
    )


BODY = (
    "Composting at home turns kitchen scraps into rich, dark soil for pots and beds. A compost "
    "pile needs greens such as food scraps and browns such as dry leaves [1]. Turn the pile "
    "weekly and keep it as moist as a wrung-out sponge [1]."
)


def codes(result: object) -> list[tuple[str, str]]:
    return [(f.code, f.action) for f in result.findings]  # type: ignore[attr-defined]


def test_a_clean_article_passes_untouched() -> None:
    result = review(ARTICLE_TEXT, context(sources=COMPOST, length_words=150))
    assert result.text == ARTICLE_TEXT and result.findings == []
    korean = review(KOREAN_ARTICLE_TEXT, context("ko", 60, COMPOST))
    assert korean.text == KOREAN_ARTICLE_TEXT
    assert {f.code for f in korean.findings} == {"unverified_citation"}  # English sources
    assert not korean.blocking


def test_input_sections_and_their_content_are_removed() -> None:
    text = (
        f"# Composting at Home\n\n## Outline\n1. Why compost\n3 [1]. Small Spaces\n\n{BODY}\n\n"
        "## Research\n### Summary\nComposting turns scraps into soil.\n### Claims\n"
        "1. **A compost pile needs greens and browns in balance.**\n**Sources**: 1\n\n"
        f"## Brand Voice\n### Sample 1\n{BRAND_SAMPLES[0]}\n### Sample 2\n{BRAND_SAMPLES[0]}\n\n"
        "## Length Words\n300\n"
    )
    result = review(text, context())
    assert result.text == f"# Composting at Home\n\n{BODY}"
    assert ("label", "removed") in codes(result) and not result.blocking


def test_a_heading_taken_from_the_brief_is_removed() -> None:
    result = review(f"# Compost\n\n## What the Research Established\n\n{BODY}", context())
    assert result.text == f"# Compost\n\n{BODY}"


def test_instructions_copied_as_prose_are_removed() -> None:
    copied = (
        "Each claim is one statement and cites the numbers of the sources that support it. "
        "Use only the numbers the facts carry. Write in the language given as `language` "
        "(a BCP 47 tag) unless told otherwise."
    )
    result = review(f"# Compost\n\n{BODY} {copied}", context())
    assert result.text == f"# Compost\n\n{BODY}"
    assert ("scaffolding", "removed") in codes(result)


def test_a_citation_its_source_does_not_support_is_moved_or_dropped() -> None:
    wrong = "Balcony plants need six hours of direct sun every single day [1]."
    moved = "A rain barrel on the downspout collects roof water for the plants [1]."
    result = review(f"# Balcony\n\n{BODY} {wrong} {moved}", context())
    assert "every single day." in result.text  # kept, uncited: the finding names it
    assert "collects roof water for the plants [2]." in result.text
    assert ("unsupported_citation", "removed") in codes(result)
    assert ("unsupported_citation", "repaired") in codes(result)


def test_a_citation_that_barely_passes_moves_to_the_source_it_was_taken_from() -> None:
    # From the evaluation (balcony gardening): the drainage sentence, verbatim from the
    # containers document, cited the planning document, which shares "need", "water" and
    # "container" with it, and a research claim had pinned it there too.
    sources = [
        Source(
            number=1,
            title="Planning a balcony vegetable garden",
            snippet="Most vegetables need six hours of sun. A wet container can weigh several "
            "times its dry weight. Water slowly so nothing runs over the edge.",
        ),
        Source(
            number=2,
            title="Containers, soil and watering",
            snippet="Containers need drainage holes so roots do not sit in water; a pot "
            "without holes fills up after heavy rain and the roots rot.",
        ),
    ]
    sentence = "Containers need drainage holes so roots do not sit in water"
    gate = context(sources=sources)
    misattributed = [Claim(text=f"{sentence}.", sources=[1])]
    gate = GateContext(**{**gate.__dict__, "claims": misattributed})
    result = review(f"# Balcony\n\nGrowing food on a balcony is easy. {sentence} [1].", gate)
    assert f"{sentence} [2]." in result.text
    assert ("unsupported_citation", "repaired") in codes(result)


def test_a_sentence_the_draft_was_cut_off_in_is_removed() -> None:
    # From a CI run: the draft ran out of tokens in "…can be diluted and used as a".
    cut = "- Bokashi ferments scraps in a bucket [1]. The liquid can be diluted and used as a"
    result = review(f"# Compost\n\n{BODY}\n\n{cut}", context())
    assert result.text.endswith("- Bokashi ferments scraps in a bucket.")  # uncited: not in [1]
    assert ("unfinished", "removed") in codes(result)
    # A short last entry without a full stop is a list item, not a cut-off sentence.
    short = review(f"# Compost\n\n{BODY}\n\n- Greens and browns", context())
    assert short.text.endswith("- Greens and browns") and "unfinished" not in str(codes(short))
    # From a `make run`: the last entry stopped inside its bold label.
    bold = review(f"# Compost\n\n{BODY}\n\n- **Turning:** weekly.\n- **Mixing", context())
    assert bold.text.endswith("- **Turning:** weekly.") and ("unfinished", "removed") in codes(bold)


def test_the_title_written_again_as_a_heading_is_not_rendered_twice() -> None:
    seo = SeoMeta(
        title="Compost at home: a guide", meta_description="d", slug="c", keywords=[], hashtags=[]
    )
    body = "### Compost at Home: A Guide\n\nGreens and browns [1].\n\n## Next\n\nMore [1]."
    markdown = document.assemble(body, seo=seo, language="en", sources=SOURCES, images=[])
    _, _, rest = markdown.markdown.split("---\n", 2)
    assert rest.count("Compost at") == 1 and "## Next" in rest


def test_citations_of_unknown_sources_and_in_headings_are_removed() -> None:
    text = f"# Compost [1]\n\n## Why it works [2]\n\n{BODY} Made-up figures say 90 % [7]."
    result = review(text, context())
    assert "[7]" not in result.text and result.dropped == {7}
    assert "# Compost\n" in result.text and "## Why it works\n" in result.text


def test_model_written_reference_lists_are_removed() -> None:
    text = (
        f"# Compost\n\n{BODY}\n\n[1] Home Composting Basics. [BCP 47]. [Online].\n\n"
        "## Sources\n1. Home composting basics — https://example.org\n2. Rainwater harvesting\n"
    )
    result = review(text, context())
    assert result.text == f"# Compost\n\n{BODY}"
    assert ("reference_list", "removed") in codes(result)


def test_headings_repeating_the_article_and_numbered_links_are_removed() -> None:
    """From a `make run` in CI: a "### Topic: …" heading, the article's sentences again as
    headings, each over a "- [1](https://www.theguardian.com/…)" link the model invented."""
    sentence = "A compost pile needs greens such as food scraps and browns such as dry leaves [1]."
    text = (
        f"### Topic: How to Compost at Home\n\n{BODY}\n\n"
        f"### 1. {sentence}\n\n- [1](https://www.theguardian.com/news/2023/composting) [1]\n\n"
        "### 2. Turn the pile weekly.\n\n- [2](https://www.culture.co.uk/news/composting-in- [1]\n"
    )
    result = review(text, context())
    assert result.text == f"### How to Compost at Home\n\n{BODY}"
    found = codes(result)
    assert ("label", "removed") in found and ("repetition", "removed") in found
    assert ("reference_list", "removed") in found and not result.blocking
    article = document.assemble(
        result.text,
        seo=SeoMeta(
            title="How to compost at home",
            meta_description="d",
            slug="s",
            keywords=[],
            hashtags=[],
        ),
        language="en",
        sources=SOURCES,
        images=[],
        findings=[],
    )
    assert (
        article.markdown.count("How to compost at home")
        + article.markdown.count("How to Compost at Home")
        == 2
    )  # the front matter's title and the page's title, not a heading again


def test_one_title_and_no_empty_section() -> None:
    text = f"# Compost at home\n\n# Compost at home\n\n{BODY}\n\n## Compost at home\n\n## Empty\n"
    result = review(text, context())
    assert result.text == f"# Compost at home\n\n{BODY}"
    assert {"duplicate_title", "empty_section"} <= {code for code, _ in codes(result)}


def test_a_step_heading_that_repeats_an_earlier_step_goes() -> None:
    # From a make run article: "Step 6" repeated "Step 3" under another number.
    text = (
        f"# Compost\n\n## Step 3: Use a Well-Managed Heap\n\n{BODY}\n\n"
        "## Step 6: Use a well-managed heap\n\nKeep the lid on when it rains hard.\n\n"
        "## 2단계: 물 주기\n\nWater it weekly.\n\n## 5단계: 물 주기\n\nNot too much."
    )
    result = review(text, context())
    headings = [line for line in result.text.splitlines() if line.startswith("## ")]
    assert headings == ["## Step 3: Use a Well-Managed Heap", "## 2단계: 물 주기"]
    assert "Keep the lid on when it rains hard." in result.text  # the section's text stays
    assert ("repetition", "removed") in codes(result)
    # Numbered steps with different subjects are all kept.
    steps = f"# Compost\n\n## 1. Collect scraps\n\n{BODY}\n\n## 2. Turn the heap\n\nWeekly."
    assert review(steps, context()).text.count("\n## ") == 2


INVENTED = [
    "Balloons create a comfortable environment, reducing the need for air conditioning.",
    "Vegetables are a significant source of carbon dioxide emitted by human activities.",
    "Balloons help absorb this carbon dioxide and store it deep in the ground.",
    "Reduced waste means landfills receive fewer vegetables every single year.",
    "Improved health follows because vitamins stay locked inside the balloons.",
    "Enhanced nutrition comes from carbohydrates, fats and proteins in the air.",
    "Saving water happens because vegetables prevent flooding across the city.",
    "Vertical balloons carry plants three levels above any apartment roof.",
]


GUIDE = Source(
    number=3,
    title="A beginner's guide to the compost heap",
    snippet=(
        "Choose a shady, level spot with bare soil underneath so that earthworms, beetles, "
        "woodlice and springtails can climb up from below. Build the heap in layers about "
        "fifteen centimetres deep, alternating kitchen peelings, coffee grounds, tea bags and "
        "fresh lawn clippings with shredded cardboard, newspaper, straw, sawdust and autumn "
        "leaves. Bacteria and fungi do most of the decomposing; in summer the centre of a large "
        "heap reaches sixty degrees Celsius, which kills many weed seeds and pathogens. Cover the "
        "top with an old carpet, a tarpaulin or a wooden lid to keep heavy rain out and warmth "
        "in. Avoid meat, fish, bones, dairy, cooked oily leftovers, cat litter and dog faeces, "
        "which attract rats, foxes and flies or carry parasites. Ammonia smells mean too much "
        "nitrogen; a dry, cold heap needs water and fresh greens. After six to twelve months the "
        "bottom becomes dark, crumbly humus smelling of forest floor, ready to sieve and spread "
        "on vegetable beds, flower borders, fruit trees and containers as mulch or potting mix."
    ),
)


def test_statements_in_none_of_the_sources_are_noted_and_an_article_of_them_blocked() -> None:
    sources = [*SOURCES, GUIDE]
    sourced = BODY + " Browns such as dry leaves balance the greens [1]."
    one = review(f"# Compost\n\n{sourced}\n\n## Extra\n\n{INVENTED[0]}", context(sources=sources))
    noted = [f.detail for f in one.findings if f.code == "unsourced"]
    assert noted == [INVENTED[0]] and not one.blocking  # one invention: for the reviewer
    # From an evaluation article on balconies: most statements were the model's own.
    mostly = "\n\n".join([sourced, *INVENTED])
    result = review(f"# Compost\n\n{mostly}", context(sources=sources))
    blocking = [f.detail for f in result.findings if f.action == "blocking"]
    assert blocking == ["8 of 12 statements are in none of the sources"]
    # A Korean article from English sources: lexical support cannot judge across scripts.
    korean = "\n\n".join(
        ["퇴비 더미는 일주일에 한 번 뒤집어 주면 냄새가 줄어듭니다."] * 1
        + [f"{n}번째 문장은 정원 가꾸기에 관한 이야기를 합니다 {n}." for n in range(1, 12)]
    )
    across = review(f"# 퇴비\n\n{korean}", context("ko", 60, sources))
    assert not [f for f in across.findings if f.code == "unsourced"]
    # Sources of a line or two cannot say what is not in them: nothing is judged.
    assert not [
        f for f in review(f"# Compost\n\n{mostly}", context()).findings if f.code == "unsourced"
    ]


def test_a_repeated_sentence_is_dropped_and_a_loop_blocks_the_article() -> None:
    once = review(f"# Compost\n\n{BODY} {BODY.split('. ')[0]}.", context())
    assert once.text == f"# Compost\n\n{BODY}" and ("repetition", "removed") in codes(once)
    assert not once.blocking
    loop = "도시 옥상에서 꿀벌 키우기는 가장 정확한 방법을 제공합니다. " * 20
    result = review(f"# 도시 양봉\n\n{loop}", context("ko", 300))
    blocking = {f.code for f in result.findings if f.action == "blocking"}
    assert {"loop", "too_short", "uncited"} <= blocking


def test_the_wrong_language_blocks_the_article() -> None:
    result = review(f"# Compost\n\n{BODY}", context("ko"))
    assert [f.code for f in result.findings if f.action == "blocking"] == ["language"]


def test_an_article_that_cites_nothing_is_cited_where_it_restates_the_research() -> None:
    uncited = BODY.replace(" [1]", "")
    result = review(f"# Compost\n\n{uncited}\n\n[{{\n\n}}", context())
    assert "[1]" in result.text and result.inferred == [1]
    assert ("raw_data", "removed") in codes(result) and not result.blocking
    nothing = review(
        "# Compost\n\n" + "Gardening is a joy for everyone who tries it. " * 3,
        context(length_words=10),
    )
    assert ("uncited", "blocking") in codes(nothing)


def test_a_fact_written_as_a_heading_goes_on_as_a_sentence() -> None:
    """From the evaluation (claims read from the sources): the 0.5B made each fact a heading —
    in Korean inside bold ("**## …**", which Markdown renders as bold "## …"), in English in
    Title Case over a different fact."""
    korean = (
        "# 옥상 양봉 시작하기\n\n"
        "**## 여름철 건강한 꿀벌 군집에는 3만에서 5만 마리의 벌이 삽니다.**\n"
        "**## 옥상 양봉을 시작하기 전에 건물 관리자와 이웃의 동의를 구하는 것이 좋습니다.** [1]\n"
        "## 벌통 두기\n\n벌통은 바람이 약한 곳에 둡니다."
    )
    result = review(korean, context("ko", 40))
    assert result.text.splitlines()[:4] == [
        "# 옥상 양봉 시작하기",
        "",
        "여름철 건강한 꿀벌 군집에는 3만에서 5만 마리의 벌이 삽니다.",
        "옥상 양봉을 시작하기 전에 건물 관리자와 이웃의 동의를 구하는 것이 좋습니다 [1].",
    ]
    assert "## 벌통 두기" in result.text  # a real heading stays
    assert codes(result).count(("sentence_heading", "repaired")) == 2
    english = (
        f"# Compost at home\n\n{BODY}\n\n"
        "### Meat, Fish, Dairy and oily Food attract pests and should stay out of the home heap, "
        "and so should Diseased Plants and weeds that have set seed [1]\n"
        "Keep the lid on.\n\n"
        "## 2. Turn the pile weekly.\n\nA fork helps."
    )
    result = review(english, context())
    assert (
        "Meat, fish, dairy and oily food attract pests and should stay out of the home heap, "
        "and so should diseased plants and weeds that have set seed.\nKeep the lid on."
    ) in result.text  # its [1] went: the composting passage does not say it
    assert "## 2. Turn the pile weekly." in result.text  # a short step heading stays
