"""Image prompts are always English (image models follow English best, and the image service's
prompt rules are written for it): what to check and how to fix a prompt that is not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from icop.agents.runtime.base import AgentResult
from icop.agents.schemas import AgentUsage, ImagePrompt, TranslatedText, VisualPlan, shorten

Translate = Callable[[str], Awaitable[AgentResult[TranslatedText]]]

# Below this share of ASCII letters a prompt is in another script (Hangul, kana, Cyrillic …).
_MIN_ASCII_LETTERS = 0.9


def is_english(language: str) -> bool:
    return language.split("-")[0].lower() == "en"


def looks_english(text: str) -> bool:
    """A cheap script check. It cannot tell English from French, which is why non-English
    articles are translated before the visual director sees them; this catches a model that
    answered in the article's script anyway."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return True
    ascii_letters = sum(1 for char in letters if char.isascii())
    return ascii_letters / len(letters) >= _MIN_ASCII_LETTERS


async def english_prompts(
    plan: VisualPlan, translate: Translate
) -> tuple[VisualPlan, list[AgentUsage]]:
    """``plan`` with every non-English prompt translated (alt texts stay in the article's
    language: they are for its readers)."""
    usage: list[AgentUsage] = []
    images: list[ImagePrompt] = []
    for image in plan.images:
        if looks_english(image.prompt):
            images.append(image)
            continue
        result = await translate(image.prompt)
        usage.append(result.usage)
        english = shorten(result.output.text, 600)
        images.append(image.model_copy(update={"prompt": english or image.prompt}))
    return VisualPlan(images=images), usage
