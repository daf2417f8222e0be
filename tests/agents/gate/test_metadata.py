"""Keywords, hashtags and alt texts checked against the article (the demo's fused keywords and
an alt text describing another picture, copied from the bundled model's output)."""

from __future__ import annotations

from icop.agents import prompts
from icop.agents.gate.metadata import clean_seo, fit_alts
from icop.agents.roles import default_roles
from icop.agents.schemas import ImagePrompt, SeoMeta, SocialCopyDraft
from icop.agents.social import fit_post
from icop.platforms import Platform
from tests.agents.fakes import ARTICLE_TEXT, KOREAN_ARTICLE_TEXT


def seo(keywords: list[str], hashtags: list[str]) -> SeoMeta:
    return SeoMeta(
        title="Composting at home",
        meta_description="Start a compost pile.",
        slug="compost",
        keywords=keywords,
        hashtags=hashtags,
    )


def test_fused_keywords_and_hashtags_are_dropped_and_real_ones_kept() -> None:
    cleaned, findings = clean_seo(
        seo(
            ["compost pile", "balancingcompostwithfood", "worm bin", "consumingcompost"],
            ["compost", "wormbin", "consumingcompost", "brown", "balconygarden"],
        ),
        ARTICLE_TEXT,
        "en",
    )
    assert cleaned.keywords == ["compost pile", "worm bin"]
    assert cleaned.hashtags == ["compost", "wormbin"]
    assert {f.detail for f in findings} == {
        "balancingcompostwithfood",
        "consumingcompost",
        "balconygarden",
        "brown",  # a word the article uses twice, not what it is about
    }


def test_when_nothing_survives_the_briefs_keywords_that_the_article_uses_stand_in() -> None:
    cleaned, _ = clean_seo(
        seo(["xyzzy"], ["plugh"]), ARTICLE_TEXT, "en", keywords=["worm bin", "solar"]
    )
    assert cleaned.keywords == ["worm bin"] and cleaned.hashtags == ["wormbin"]


def test_korean_keywords_and_hashtags_are_matched_without_spaces() -> None:
    cleaned, _ = clean_seo(
        seo(["지렁이 상자", "퇴비", "초콜릿 케이크"], ["지렁이상자", "초콜릿케이크"]),
        KOREAN_ARTICLE_TEXT,
        "ko",
    )
    assert cleaned.keywords == ["지렁이 상자", "퇴비"] and cleaned.hashtags == ["지렁이상자"]


def test_keywords_name_the_subject_not_an_adjective_used_once_or_a_number() -> None:
    """From the evaluation's articles: "crumbly" and "caveats" (used once), "집" (one
    syllable), "1 2주" and "#12주" (numbers) for a Korean article on composting."""
    cleaned, _ = clean_seo(
        seo(["crumbly", "compost", "pile", "kitchen scraps"], ["crumbly", "compostpile"]),
        ARTICLE_TEXT,
        "en",
    )
    assert cleaned.keywords == ["compost", "pile", "kitchen scraps"]
    assert cleaned.hashtags == ["compostpile"]
    korean, _ = clean_seo(
        seo(["집", "1 2주", "퇴비", "재료"], ["12주", "퇴비"]), KOREAN_ARTICLE_TEXT, "ko"
    )
    assert korean.keywords == ["퇴비", "재료"] and korean.hashtags == ["퇴비"]


def test_a_slug_of_fused_words_or_numbers_is_made_from_the_title() -> None:
    def slug_of(slug: str, title: str, body: str, language: str) -> str:
        meta = seo(["compost"], ["compost"]).model_copy(update={"slug": slug, "title": title})
        return clean_seo(meta, body, language)[0].slug

    title = "Composting at home"
    assert slug_of("compost-pile", title, ARTICLE_TEXT, "en") == "compost-pile"
    assert slug_of("growingcompostathome", title, ARTICLE_TEXT, "en") == "composting-at-home"
    assert slug_of("1-2", "집에서 퇴비 만들기", KOREAN_ARTICLE_TEXT, "ko") == ""  # → the id


def test_a_description_cut_off_or_made_of_a_list_is_the_articles_first_sentences() -> None:
    def described(description: str) -> str:
        meta = seo(["compost"], ["compost"]).model_copy(update={"meta_description": description})
        return clean_seo(meta, ARTICLE_TEXT, "en")[0].meta_description

    whole = "Mix greens and browns, keep the pile damp, and let worms do the work."
    assert described(whole) == whole
    made = described(
        "Home composting for beginners needs to know: 1. Home composting Basics: This article"
    )
    assert made.startswith("Mix greens and browns.") and len(made) <= 160
    assert made.endswith(".") and "[1]" not in made


def test_alt_texts_off_topic_or_in_another_language_are_replaced() -> None:
    images = [
        ImagePrompt(prompt="p", alt="A compost heap with dry leaves in a garden"),
        ImagePrompt(
            prompt="p", alt="a landscape where people can walk, eat, and play", aspect="1:1"
        ),
    ]
    fitted, findings = fit_alts(images, "Composting at home", ARTICLE_TEXT, "en")
    assert fitted[0].alt == images[0].alt
    assert fitted[1].alt == "Illustration for “Composting at home” (2)"
    assert [f.code for f in findings] == ["alt_text"]
    twice, _ = fit_alts([images[0], images[0]], "Composting at home", ARTICLE_TEXT, "en")
    assert twice[1].alt == "Illustration for “Composting at home” (2)"  # not the same alt
    copied, _ = fit_alts(
        [ImagePrompt(prompt="p", alt="A concrete subject, setting, light, composition, style")],
        "Compost composition",
        "Compost composition: a balance of greens and browns.",
        "en",
        prompts.every_prompt(default_roles().all()),
    )
    assert copied[0].alt == "Illustration for “Compost composition”"  # the director's words
    korean, _ = fit_alts(
        [ImagePrompt(prompt="p", alt="A compost heap in soft morning light")],
        "집에서 퇴비 만들기",
        KOREAN_ARTICLE_TEXT,
        "ko",
    )
    assert korean[0].alt == "집에서 퇴비 만들기 관련 이미지"


RAINWATER = (
    "# How to Maintain the Efficiency of a Rainwater Harvesting System\n\n"
    "A rainwater harvesting system collects rain from a roof into a large water tank [1]. "
    "Clean the gutters and the leaf filter each season so the water tank stays clean.\n"
)
LEAKED = "How to Maintain the Efficiency of a Rainwater Harvesting系统"


def test_a_title_with_letters_of_another_script_gives_way_to_the_articles_own_title() -> None:
    """From a demo run: the bundled model ended an English SEO title in Chinese ("系统")."""
    meta = seo(["rainwater harvesting"], ["rainwaterharvesting"])
    cleaned, findings = clean_seo(meta.model_copy(update={"title": LEAKED}), RAINWATER, "en")
    assert cleaned.title == "How to Maintain the Efficiency of a Rainwater Harvesting System"
    assert [f.code for f in findings if f.code == "foreign_script"] == ["foreign_script"]
    # No clean heading or subject: the foreign run goes.
    bare, _ = clean_seo(
        meta.model_copy(update={"title": LEAKED}), "# Rainwater 系统\n\nText.", "en"
    )
    assert bare.title == "How to Maintain the Efficiency of a Rainwater Harvesting"
    # A clean title stays as it is; a Korean title may name a brand in Latin.
    good, findings = clean_seo(
        meta.model_copy(update={"title": "Rainwater at home"}), RAINWATER, "en"
    )
    assert good.title == "Rainwater at home"
    assert not [f for f in findings if f.code == "foreign_script"]
    korean, findings = clean_seo(
        meta.model_copy(update={"title": "IKEA 상자로 집에서 퇴비 만들기"}),
        KOREAN_ARTICLE_TEXT,
        "ko",
    )
    assert korean.title == "IKEA 상자로 집에서 퇴비 만들기"
    assert not [f for f in findings if f.code == "foreign_script"]


def test_a_description_with_letters_of_another_script_is_the_articles_sentences() -> None:
    meta = seo(["rainwater harvesting"], ["rainwaterharvesting"]).model_copy(
        update={"meta_description": "Rainwater harvesting系统 saves water."}
    )
    cleaned, _ = clean_seo(meta, RAINWATER, "en")
    assert cleaned.meta_description.startswith("A rainwater harvesting system collects rain")


def test_an_alt_text_in_a_loop_or_too_long_or_in_another_script_is_replaced() -> None:
    """From a demo run: a phrase repeated to the 250-character limit."""
    looped = (
        "A small garden with a large water tank, a concrete subject, a large water tank, "
        "a concrete subject, a large water tank, a concrete subject, a large water tank, "
        "a concrete subject, a large water tank, a concrete subject, a large water tank, a"
    )
    good = "A small garden with a large water tank beside the roof gutters"
    title = "Rainwater harvesting"
    images = [
        ImagePrompt(prompt="p", alt=good),
        ImagePrompt(prompt="p", alt=looped),
        ImagePrompt(prompt="p", alt="A large water tank in a garden, " + "clean gutters " * 12),
        ImagePrompt(prompt="p", alt="A large water tank in a 花园 garden"),
    ]
    fitted, findings = fit_alts(images, title, RAINWATER, "en")
    assert fitted[0].alt == good
    assert [image.alt for image in fitted[1:]] == [
        f"Illustration for “{title}” ({n})" for n in (2, 3, 4)
    ]
    assert [f.code for f in findings] == ["alt_text"] * 3


def test_a_post_that_is_the_title_and_hashtags_gets_the_summary_and_the_link() -> None:
    draft = SocialCopyDraft(
        text="Composting at Home #compost #balancingcompostwithfood",
        hashtags=["compost", "soil", "garden", "worms", "zero", "waste", "green", "home", "diy"],
    )
    post = fit_post(
        draft,
        Platform.X,
        url="https://blog.example.com/compost",
        images=[],
        title="Composting at Home",
        summary="Mix greens and browns, keep the pile damp, and compost is ready in a season.",
    )
    assert post.ok, post.problems
    assert "keep the pile damp" in post.text and "https://blog.example.com/compost" in post.text
    assert len(post.hashtags) == 3
    assert any("nothing beyond the title" in change for change in post.changes)
