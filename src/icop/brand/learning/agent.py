"""``BrandLearningAgent``: a kit proposed from a tenant's material.

Colours come from the images (``colours``) and the declared CSS (``styles``); the font from
the declared families, mapped to the renderer's catalog; the tone is measured (``tone``) and
described by the router's model (task ``brand.tone``) for what counting cannot say; the voice
embedding is the normalised centroid of the samples' embeddings. Nothing here stores anything:
the caller stores the proposal for a person to accept, edit or reject.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from uuid import UUID

import numpy as np
from numpy.typing import NDArray

from icop.brand.fonts import BrandFont
from icop.brand.learning import colours, echo, styles, tone
from icop.brand.learning.schemas import (
    BrandKitProposal,
    ContrastPairOut,
    PaletteEntry,
    ToneDescription,
    ToneDescriptionInput,
    ToneProfile,
)
from icop.brand.palette import DEFAULT_SPEC, BrandSpec, contrast_ratio, hex_to_rgb
from icop.embeddings.base import Embedder, mean_vector
from icop.errors import ValidationFailed
from icop.knowledge.chunking import chunk_text
from icop.llm.errors import RoutingError
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind

logger = logging.getLogger(__name__)

MIN_ACCENT_CONTRAST = 1.5  # an accent that vanishes into the background is no accent
BODY_TEXT_CONTRAST = 4.5
TONE_SYSTEM = (
    "You describe a brand's writing voice for the writers who will imitate it. You get "
    "excerpts of the brand's writing and figures measured in them. Answer in JSON: a short "
    "description (two or three sentences: register, rhythm, attitude to the reader), the "
    "formality (formal, neutral or casual; the measured score is a strong hint), phrases the "
    "brand uses (copied from the excerpts) and phrases it would never write. Describe only "
    "what the excerpts show."
)

TONE_INSTRUCTIONS = "\n".join(
    [
        TONE_SYSTEM,
        *(
            field.description
            for field in ToneDescription.model_fields.values()
            if field.description
        ),
    ]
)
"""Everything the model is told besides the excerpts and figures: what its answer must not
merely say back."""


@dataclass
class BrandMaterial:
    """What a tenant gave, already read (a URL's page fetched through the guard)."""

    name: str | None = None
    images: list[bytes] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    """HTML pages or CSS files, as text."""
    samples: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.images or self.pages or any(s.strip() for s in self.samples))


@dataclass(frozen=True)
class LearnedKit:
    proposal: BrandKitProposal
    voice_embedding: list[float] | None


class BrandLearningAgent:
    def __init__(self, router: SmartRouter | None, embedder: Embedder) -> None:
        self.router = router
        self.embedder = embedder

    async def learn(
        self, material: BrandMaterial, *, tenant_id: UUID | None, current: BrandSpec
    ) -> LearnedKit:
        if material.empty():
            raise ValidationFailed("give at least one image, page or text sample to learn from")
        image_palette = (
            await asyncio.to_thread(colours.extract_palette, material.images)
            if material.images
            else []
        )
        declared = styles.DeclaredStyle()
        for page in material.pages:
            declared.merge(styles.parse_html(page) if _is_html(page) else styles.parse_css(page))
        palette = _palette(image_palette, declared)
        background, text, accent = choose_colours(
            [entry.hex for entry in palette], palette, current
        )
        heading = declared.heading_font()
        texts = [sample for sample in material.samples if sample.strip()]
        profile = await self.learn_tone(texts, tenant_id) if texts else None
        embedding = await self.voice_embedding(texts) if texts else None
        proposal = BrandKitProposal(
            name=(material.name or current.name)[:80],
            background=background,
            accent=accent,
            text=text,
            font=styles.renderer_font(heading, declared.generic.get(heading))
            if heading
            else _font(current.font),
            palette=palette[:16],
            contrast_pairs=[
                ContrastPairOut(foreground=p.foreground, background=p.background, ratio=p.ratio)
                for p in colours.contrast_pairs([entry.hex for entry in palette[:8]])[:20]
            ],
            declared_fonts=declared.top_fonts(),
            heading_font=heading,
            body_font=declared.body_font(),
            tone=profile,
            samples=len(texts),
        )
        return LearnedKit(proposal, embedding)

    async def learn_tone(self, texts: list[str], tenant_id: UUID | None) -> ToneProfile:
        measured = tone.measure(texts)
        described = await self._describe(texts, measured, tenant_id)
        model = described[0] if described else None
        do_phrases = [*measured.recurring_phrases, *(model.do_phrases if model else [])]
        return ToneProfile(
            formality=model.formality if model else tone.formality_label(measured.formality),
            formality_score=measured.formality,
            person=measured.person,
            mean_sentence_words=measured.mean_sentence_words,
            sentence_words_stdev=measured.sentence_words_stdev,
            type_token_ratio=measured.type_token_ratio,
            vocabulary=list(measured.top_terms),
            do_phrases=[phrase[:120] for phrase in list(dict.fromkeys(do_phrases))[:16]],
            dont_phrases=[phrase[:120] for phrase in (model.dont_phrases if model else [])],
            description=(model.description if model else measured_description(measured))[:600],
            described_by=described[1] if described else None,
        )

    async def _describe(
        self, texts: list[str], measured: tone.ToneMeasures, tenant_id: UUID | None
    ) -> tuple[ToneDescription, str] | None:
        """The model's description, or None (no router, or no usable answer): the measured
        profile stands on its own, so a model outage never blocks learning."""
        if self.router is None:
            return None
        inputs = ToneDescriptionInput(
            samples=[" ".join(text.split())[:1500] for text in texts[:6]],
            measures=measures_text(measured),
        )
        try:
            call = await self.router.complete(
                TaskKind.BRAND_TONE,
                system=TONE_SYSTEM,
                inputs=inputs.model_dump(),
                output=ToneDescription,
                tenant_id=tenant_id,
                seed=0,
            )
        except RoutingError as error:
            logger.warning("brand.tone: no model answered (%s); the measured tone stands", error)
            return None
        if call.value is None:
            return None
        if echo.echoes_prompt(
            call.value.description,
            instructions=TONE_INSTRUCTIONS,
            samples=inputs.samples,
        ):
            # A model that restates its prompt has not read the excerpts: its phrases and
            # formality are as suspect as its description, so the whole answer goes.
            logger.warning(
                "brand.tone: %s/%s restated its instructions (%r); the measured tone stands",
                call.provider,
                call.model,
                call.value.description[:120],
            )
            return None
        return call.value, f"{call.provider}/{call.model}"[:160]

    async def voice_embedding(self, texts: list[str]) -> list[float]:
        """The normalised centroid of the samples' embeddings (each sample the mean of its
        chunks, as voice samples are embedded)."""
        vectors: list[list[float]] = []
        for text in texts:
            chunks = chunk_text(text, target=800, overlap=0)
            if chunks:
                embedded = await self.embedder.embed(chunks)
                vectors.append(embedded[0] if len(embedded) == 1 else mean_vector(embedded))
        return mean_vector(vectors)


def measures_text(measured: tone.ToneMeasures) -> str:
    return "\n".join(
        [
            f"samples: {measured.samples}, words: {measured.words}",
            f"mean sentence length: {measured.mean_sentence_words} words "
            f"(stdev {measured.sentence_words_stdev})",
            f"person: {measured.person}",
            f"formality score (0 chatty, 1 formal): {measured.formality}",
            f"contractions per 100 words: {measured.contractions_per_100_words}",
            f"exclamations per sentence: {measured.exclamations_per_sentence}",
            f"recurring phrases: {', '.join(measured.recurring_phrases) or 'none'}",
        ]
    )


def measured_description(measured: tone.ToneMeasures) -> str:
    person = {
        "first_singular": "speaks as 'I'",
        "first_plural": "speaks as 'we'",
        "second": "addresses the reader as 'you'",
        "third": "writes about its subject in the third person",
    }[measured.person]
    return (
        f"A {tone.formality_label(measured.formality)} voice that {person}, in sentences of "
        f"about {round(measured.mean_sentence_words)} words."
    )


def _is_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith("<") or "<html" in head or "<style" in head


def _palette(
    image_palette: list[colours.PaletteColour], declared: styles.DeclaredStyle
) -> list[PaletteEntry]:
    entries = [
        PaletteEntry(hex=c.hex, share=c.share, chroma=c.chroma, source="image")
        for c in image_palette
    ]
    seen = {entry.hex for entry in entries}
    total = sum(declared.colours.values()) or 1
    for hex_ in declared.top_colours():
        if hex_ in seen:
            continue
        seen.add(hex_)
        [lab] = colours.srgb_to_oklab(_array(hex_))
        entries.append(
            PaletteEntry(
                hex=hex_,
                share=round(declared.colours[hex_] / total, 4),
                chroma=round(float((lab[1] ** 2 + lab[2] ** 2) ** 0.5), 4),
                source="css",
            )
        )
    return entries


def _array(hex_: str) -> NDArray[np.float64]:
    return np.array([hex_to_rgb(hex_)], dtype=np.float64)


def choose_colours(
    hexes: list[str], palette: list[PaletteEntry], current: BrandSpec
) -> tuple[str, str, str]:
    """(background, text, accent) for cards: the dominant colour as the background, the
    palette colour most legible on it as the text (white or near-black when none reaches
    4.5:1), the most chromatic remaining colour that stands out from it as the accent."""
    if not hexes:
        return current.background, current.text, current.accent
    background = hexes[0]
    bg = hex_to_rgb(background)
    others = [h for h in hexes[1:]]
    legible = sorted(others, key=lambda h: -contrast_ratio(hex_to_rgb(h), bg))
    if legible and contrast_ratio(hex_to_rgb(legible[0]), bg) >= BODY_TEXT_CONTRAST:
        text = legible[0]
    else:
        text = max(("#ffffff", "#111111"), key=lambda h: contrast_ratio(hex_to_rgb(h), bg))
    chroma = {entry.hex: entry.chroma for entry in palette}
    accents = [
        h for h in others if h != text and contrast_ratio(hex_to_rgb(h), bg) >= MIN_ACCENT_CONTRAST
    ]
    accent = (
        max(accents, key=lambda h: (chroma.get(h, 0.0), h))
        if accents
        else (current.accent if current.accent != background else DEFAULT_SPEC.accent)
    )
    return background, text, accent


def _font(name: str | None) -> BrandFont | None:
    try:
        return BrandFont(name) if name else None
    except ValueError:
        return None
