"""A tone profile as the line the writers read in their brief."""

from __future__ import annotations

from icop.brand.learning.schemas import ToneProfile

_PERSON = {
    "first_singular": "write as 'I'",
    "first_plural": "write as 'we'",
    "second": "address the reader as 'you'",
    "third": "write in the third person",
}


def tone_guide(profile: ToneProfile) -> str:
    """E.g. "Casual; address the reader as 'you'; sentences of about 11 words. <description>
    Use phrases like: "grow your own". Never write: "synergy"."""
    parts = [
        f"{profile.formality.capitalize()}; {_PERSON[profile.person]}; sentences of about "
        f"{round(profile.mean_sentence_words)} words."
    ]
    if profile.description:
        parts.append(profile.description.strip())
    if profile.do_phrases:
        phrases = ", ".join(f'"{phrase}"' for phrase in profile.do_phrases[:6])
        parts.append(f"Use phrases like: {phrases}.")
    if profile.dont_phrases:
        phrases = ", ".join(f'"{phrase}"' for phrase in profile.dont_phrases[:6])
        parts.append(f"Never write: {phrases}.")
    return " ".join(parts)[:1200]
