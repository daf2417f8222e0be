"""What travels with the article: SEO keywords and hashtags that are real words of the article,
and image alt texts that describe the article's subject in its language. A small model fuses
words ("balancingcompostwithfood") and describes an image it imagined ("a landscape where people
can walk, eat, and play"); code can check both against the article and repair them."""

from __future__ import annotations

from collections.abc import Sequence

from icop.agents.gate import scaffolding
from icop.agents.gate.support import terms
from icop.agents.gate.text import is_dense, plain, script_share, words
from icop.agents.schemas import Finding, ImagePrompt, SeoMeta
from icop.agents.schemas.common import tag

MAX_TAG_WORDS = 3
MIN_ALT_SCRIPT = {"dense": 0.5, "alphabetic": 0.8}


def _phrases(body: str, language: str) -> tuple[set[str], str]:
    """The article's words joined 1..3 at a time (what a hashtag may be), and its text without
    spaces (Korean hashtags drop the spaces between words)."""
    tokens = [token for token in plain(body).lower().split() if token]
    cleaned = ["".join(ch for ch in token if ch.isalnum()) for token in tokens]
    joined = {
        "".join(cleaned[i : i + n])
        for n in range(1, MAX_TAG_WORDS + 1)
        for i in range(len(cleaned) - n + 1)
    }
    return joined, "".join(cleaned)


def _in_article(keyword: str, body_words: set[str], compact: str, language: str) -> bool:
    wanted = words(keyword, language)
    if not wanted:
        return False
    if is_dense(language) or any(not token.isascii() for token in wanted):
        return "".join(keyword.lower().split()) in compact
    return set(wanted) <= body_words


def clean_seo(
    seo: SeoMeta, body: str, language: str, fallback: Sequence[str]
) -> tuple[SeoMeta, list[Finding]]:
    """``seo`` with only keywords whose words the article uses and hashtags that are its words
    run together; when none survive, the brief's keywords (or its subject) that the article
    uses, and hashtags made from them."""
    findings: list[Finding] = []
    body_words = set(words(plain(body), language))
    phrases, compact = _phrases(body, language)
    keywords: list[str] = []
    for keyword in seo.keywords:
        if _in_article(keyword, body_words, compact, language):
            keywords.append(keyword)
        else:
            findings.append(Finding(code="keyword", action="removed", detail=keyword))
    if not keywords:
        keywords = [k for k in fallback if _in_article(k, body_words, compact, language)][:5]
    hashtags: list[str] = []
    for hashtag in seo.hashtags:
        key = "".join(ch for ch in hashtag.lower() if ch.isalnum())
        if key and (key in phrases or (is_dense(language) and key in compact)):
            hashtags.append(hashtag)
        else:
            findings.append(Finding(code="hashtag", action="removed", detail=hashtag))
    if not hashtags:
        hashtags = [made for made in (tag(keyword) for keyword in keywords[:3]) if made]
    # Models often hand the topic back as the title, lower-case ("composting at home").
    title = seo.title[:1].upper() + seo.title[1:]
    update = {"title": title, "keywords": keywords, "hashtags": hashtags}
    return seo.model_copy(update=update), findings


def default_alt(title: str, language: str, index: int) -> str:
    base = language.split("-")[0].lower()
    if base == "ko":
        text = f"{title} 관련 이미지"
    elif base == "ja":
        text = f"{title}のイメージ"
    else:
        text = f"Illustration for “{title}”"
    return (text if index == 0 else f"{text} ({index + 1})")[:250]


def fit_alts(
    images: Sequence[ImagePrompt],
    title: str,
    article: str,
    language: str,
    references: Sequence[str] = (),
) -> tuple[list[ImagePrompt], list[Finding]]:
    """Alt texts in the article's language that name something the article is about and are
    not the prompt's words (the bundled model once answered with the visual director's
    instructions, "A concrete subject, setting, light, composition, style…"); otherwise one
    made from the title (an honest alt beats a description of another image)."""
    subject = terms(f"{title} {article}", language)
    needed = MIN_ALT_SCRIPT["dense" if is_dense(language) else "alphabetic"]
    n = scaffolding.run_length(language)
    prompt = scaffolding.reference_grams(references, n, language)
    fitted: list[ImagePrompt] = []
    findings: list[Finding] = []
    for index, image in enumerate(images):
        alt = image.alt.strip()
        on_topic = bool(terms(alt, language) & subject)
        copied = scaffolding.leaks(alt, prompt, n, language)
        if alt and on_topic and not copied and script_share(alt, language) >= needed:
            fitted.append(image)
            continue
        replacement = default_alt(title, language, index)
        findings.append(
            Finding(code="alt_text", action="repaired", detail=f"{alt[:120]!r} → {replacement!r}")
        )
        fitted.append(image.model_copy(update={"alt": replacement}))
    return fitted, findings
