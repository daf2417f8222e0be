"""Brand learning without a database: colours from generated images with known palettes,
fonts and colours declared in HTML/CSS, tone measured and described (fake provider), and the
tone reaching the writers' brief."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from icop.agents import prompts
from icop.agents.schemas import ResearchDigest, WriterInput
from icop.brand.fonts import BrandFont
from icop.brand.learning import colours, styles, tone
from icop.brand.learning.agent import BrandLearningAgent, BrandMaterial
from icop.brand.learning.guide import tone_guide
from icop.brand.learning.schemas import ToneDescription, ToneProfile
from icop.brand.palette import DEFAULT_SPEC, contrast_ratio, hex_to_rgb
from icop.embeddings import HashingEmbedder
from icop.embeddings.base import cosine
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.tasks import TaskKind, spec_for
from tests.planning.subtopics.fakes import router_for

GREEN, YELLOW, WHITE, RED = (20, 83, 45), (250, 204, 21), (248, 250, 252), (220, 38, 38)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def flat_logo() -> bytes:
    """Green 60%, yellow 25%, white 15% on a transparent background."""
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 119, 99], fill=(*GREEN, 255))
    draw.rectangle([120, 0, 169, 99], fill=(*YELLOW, 255))
    draw.rectangle([170, 0, 199, 99], fill=(*WHITE, 255))
    return _png(image)


def noisy_photo(seed: int = 7) -> bytes:
    """Four colour bands, each pixel jittered by up to ±6 per channel and blurred at the
    edges: thousands of distinct colours that k-means must fold back into four."""
    rng = np.random.default_rng(seed)
    bands = np.zeros((120, 160, 3), dtype=np.int16)
    for index, colour in enumerate((GREEN, YELLOW, WHITE, RED)):
        bands[:, index * 40 : (index + 1) * 40] = colour
    # The true colour stays the most frequent one in each band: half the pixels keep it.
    jitter = rng.integers(-6, 7, size=bands.shape) * (rng.random(bands.shape[:2]) < 0.5)[..., None]
    pixels = np.clip(bands + jitter, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB").filter(ImageFilter.SMOOTH_MORE)
    clean = Image.fromarray(np.clip(bands, 0, 255).astype(np.uint8), "RGB")
    # Keep the band centres exact so each band's mode is its true colour.
    image.paste(clean.crop((0, 0, 160, 40)), (0, 0))
    return _png(image)


def test_a_flat_logo_gives_exactly_its_colours_and_shares() -> None:
    palette = colours.extract_palette([flat_logo()])
    assert [colour.hex for colour in palette] == ["#14532d", "#facc15", "#f8fafc"]
    assert [colour.share for colour in palette] == pytest.approx([0.6, 0.25, 0.15], abs=0.01)
    # Chroma orders saturation: the yellow is the most colourful, the white nearly grey.
    assert palette[1].chroma > palette[0].chroma > palette[2].chroma


def test_noisy_bands_cluster_back_to_the_four_true_colours() -> None:
    palette = colours.extract_palette([noisy_photo()])
    assert sorted(colour.hex for colour in palette) == sorted(
        ["#14532d", "#facc15", "#f8fafc", "#dc2626"]
    )
    assert all(colour.share == pytest.approx(0.25, abs=0.03) for colour in palette)


def test_transparent_pixels_and_tiny_details_are_not_brand_colours() -> None:
    image = Image.new("RGBA", (100, 100), (255, 0, 255, 0))  # magenta, fully transparent
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 99, 99], fill=(*GREEN, 255))
    draw.point([(0, 0)], fill=(*RED, 255))  # one pixel: under 1%
    assert [colour.hex for colour in colours.extract_palette([_png(image)])] == ["#14532d"]


def test_oklab_matches_the_reference_values() -> None:
    # Ottosson's published values: white L=1, a=b=0; sRGB red L=0.628, a=0.225, b=0.126.
    lab = colours.srgb_to_oklab(np.array([[255.0, 255.0, 255.0], [255.0, 0.0, 0.0]]))
    assert lab[0] == pytest.approx([1.0, 0.0, 0.0], abs=1e-3)
    assert lab[1] == pytest.approx([0.628, 0.2249, 0.1258], abs=1e-3)


def test_contrast_pairs_list_legible_pairs_best_first() -> None:
    pairs = colours.contrast_pairs(["#14532d", "#facc15", "#f8fafc", "#86efac"])
    assert pairs[0].background == "#14532d" and pairs[0].foreground == "#f8fafc"
    assert [pair.ratio for pair in pairs] == sorted((pair.ratio for pair in pairs), reverse=True)
    assert all(pair.ratio >= 3.0 for pair in pairs)
    assert ("#facc15", "#f8fafc") not in {(p.foreground, p.background) for p in pairs}


PAGE = """<!doctype html><html><head>
<meta name="theme-color" content="#14532D">
<link rel="stylesheet"
 href="https://fonts.googleapis.com/css2?family=Playfair+Display:wght@700&family=Inter:wght@400">
<style>
/* a comment with #ff00ff that must not count */
:root { --brand-primary: #14532d; --brand-accent: rgb(250, 204, 21); }
body, p { font-family: "Inter", Arial, sans-serif; color: #1f2937; background: #FFFFFF; }
h1, h2 { font-family: 'Playfair Display', Georgia, serif; color: #14532d; }
.btn { border: 1px solid #d1d5db; }
</style></head>
<body><p style="color: #facc15">Hi</p></body></html>"""


def test_html_and_css_declarations_give_fonts_and_weighted_colours() -> None:
    declared = styles.parse_html(PAGE)
    assert declared.heading_font() == "Playfair Display"
    assert declared.body_font() == "Inter"
    assert set(declared.top_fonts()) == {"Playfair Display", "Inter"}
    top = declared.top_colours()
    assert top[0] == "#14532d"  # a custom property, theme-color and a heading colour
    assert {"#facc15", "#ffffff", "#1f2937", "#d1d5db"} <= set(top)
    assert "#ff00ff" not in top  # comments are not declarations
    # The renderer has no Playfair: its stack says serif, so a serif it is.
    assert styles.renderer_font("Playfair Display", declared.generic["Playfair Display"]) == (
        BrandFont.NOTO_SERIF
    )
    assert styles.renderer_font("Noto Serif") == BrandFont.NOTO_SERIF
    assert styles.renderer_font("JetBrains Mono") == BrandFont.DEJAVU_SANS_MONO
    assert styles.renderer_font("Inter", "sans-serif") == BrandFont.NOTO_SANS


def test_css_file_font_shorthand_and_google_font_link() -> None:
    declared = styles.parse_css(".title { font: italic 700 32px/1.2 'Lora', serif; }")
    assert declared.heading_font() == "Lora" and declared.generic["Lora"] == "serif"
    assert styles.google_font_families(
        "https://fonts.googleapis.com/css?family=Open+Sans:400,700|Roboto+Slab"
    ) == ["Open Sans", "Roboto Slab"]


CASUAL = [
    "We love compost! You'll see it's easy: grab a bucket and start today. Grow your own soil.",
    "Don't overthink it. We toss in scraps, you turn the pile, and grow your own soil by spring!",
    "You can do this. We've helped thousands of gardeners grow your own soil at home.",
]
FORMAL = [
    "Municipal composting programmes substantially reduce methane emissions from landfill "
    "sites. Implementation requires consistent participation and appropriate infrastructure.",
    "The decomposition process depends on temperature, moisture and the carbon-to-nitrogen "
    "ratio. Regulatory frameworks increasingly encourage organic waste separation.",
]


def test_tone_measures_separate_casual_from_formal_writing() -> None:
    casual, formal = tone.measure(CASUAL), tone.measure(FORMAL)
    assert casual.person in {"first_plural", "second"} and formal.person == "third"
    assert casual.formality < 0.4 < 0.65 <= formal.formality
    assert tone.formality_label(casual.formality) == "casual"
    assert tone.formality_label(formal.formality) == "formal"
    assert casual.mean_sentence_words < formal.mean_sentence_words
    assert casual.contractions_per_100_words > 0 == formal.contractions_per_100_words
    assert "grow your own soil" in casual.recurring_phrases
    assert (casual.samples, casual.sentences) == (3, 7)


def _tone_answer(request: CompletionRequest) -> FakeReply:
    assert request.json_schema is not None and request.json_schema.name == "ToneDescription"
    return FakeReply(
        data={
            "description": "Warm and encouraging; speaks to the reader as a friend.",
            "formality": "casual",
            "do_phrases": ["grow your own soil"],
            "dont_phrases": ["leverage synergies"],
        }
    )


async def test_the_agent_proposes_a_kit_with_palette_fonts_tone_and_voice() -> None:
    provider = FakeProvider("local", script=_tone_answer)
    embedder = HashingEmbedder()
    agent = BrandLearningAgent(router_for(provider), embedder)
    learned = await agent.learn(
        BrandMaterial(name="Green Thumbs", images=[flat_logo()], pages=[PAGE], samples=CASUAL),
        tenant_id=None,
        current=DEFAULT_SPEC,
    )
    kit = learned.proposal
    assert (kit.background, kit.accent) == ("#14532d", "#facc15")
    assert contrast_ratio(hex_to_rgb(kit.text), hex_to_rgb(kit.background)) >= 4.5
    assert kit.font == BrandFont.NOTO_SERIF and kit.heading_font == "Playfair Display"
    assert [entry.source for entry in kit.palette][:3] == ["image"] * 3
    assert kit.tone is not None and kit.tone.formality == "casual"
    assert kit.tone.dont_phrases == ["leverage synergies"]
    assert kit.tone.described_by == "local/default"
    assert kit.tone.formality_score == tone.measure(CASUAL).formality  # measured, not asked
    # The model was asked once, for brand.tone, with the measured figures in its input.
    [call] = provider.calls
    assert any("formality score" in str(message.content) for message in call.messages)
    # The voice is the centroid of the samples: closer to each of them than to formal text.
    assert learned.voice_embedding is not None
    [casual_vector] = await embedder.embed([CASUAL[0]])
    [formal_vector] = await embedder.embed([FORMAL[0]])
    assert cosine(learned.voice_embedding, casual_vector) > cosine(
        learned.voice_embedding, formal_vector
    )
    ToneDescription.model_validate(_tone_answer(call).data)  # the schema the call asked for


async def test_without_a_model_answer_the_measured_tone_stands() -> None:
    agent = BrandLearningAgent(None, HashingEmbedder())
    profile = await agent.learn_tone(FORMAL, None)
    assert profile.formality == "formal" and profile.described_by is None
    assert "third person" in profile.description


def test_the_tone_profile_reaches_the_writers_brief() -> None:
    profile = tone.measure(CASUAL)
    guide_text = tone_guide(
        ToneProfile(
            formality="casual",
            formality_score=profile.formality,
            person="second",
            mean_sentence_words=profile.mean_sentence_words,
            sentence_words_stdev=0.0,
            type_token_ratio=0.5,
            do_phrases=["grow your own soil"],
            dont_phrases=["leverage synergies"],
            description="Warm and encouraging.",
        )
    )
    assert guide_text.startswith("Casual; address the reader as 'you'; sentences of about")
    brief = prompts.writer_brief(
        WriterInput(
            topic="Compost",
            language="en",
            outline=[],
            research=ResearchDigest(summary="", claims=[], sources=[]),
            brand_voice=[],
            brand_tone=guide_text,
            length_words=300,
        )
    )
    assert "The brand's tone of voice: Casual;" in brief
    assert 'Never write: "leverage synergies".' in brief
    # The router keeps the field: the writers' task kinds consume it.
    assert "brand_tone" in spec_for(TaskKind.WRITE_DRAFT_A).consumes
