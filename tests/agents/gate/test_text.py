"""The text measures the gate and the evaluation harness share, on texts with known answers."""

from __future__ import annotations

from icop.agents.gate import spacing
from icop.agents.gate.scaffolding import leaked_sentences
from icop.agents.gate.text import (
    distinct_ngram_ratio,
    repeated_sentences,
    script_share,
    sentences,
    word_count,
    words,
)
from tests.agents.fakes import ARTICLE_TEXT, KOREAN_ARTICLE_TEXT


def test_sentences_are_what_a_reader_reads() -> None:
    text = "---\ntitle: x\n---\n# Title\n\n- First item [1].\n\nOne. Two [2]!\n\n![alt](u)"
    assert sentences(text) == ["Title", "First item.", "One.", "Two!"]
    initials = "Mix greens (e.g. peels) and browns. The U.S. market is big."
    assert sentences(initials) == ["Mix greens (e.g. peels) and browns.", "The U.S. market is big."]


def test_words_split_hangul_into_bigrams_whatever_the_particle() -> None:
    assert words("퇴비를 만들기") == ["퇴비", "비를", "만들", "들기"]
    assert set(words("퇴비는")) & set(words("퇴비를")) == {"퇴비"}
    assert words("Compost, compost!") == ["compost", "compost"]


def test_repetition_is_found_exactly_and_nearly() -> None:
    text = (
        "The compost pile needs fresh air every week. Something else entirely here. "
        "The compost pile needs fresh air every single week."
    )
    assert repeated_sentences(text) == ["The compost pile needs fresh air every single week."]
    assert repeated_sentences(ARTICLE_TEXT) == []
    loop = "꿀벌 키우기는 가장 정확한 방법을 제공합니다. " * 10
    assert len(repeated_sentences(loop)) == 9
    assert distinct_ngram_ratio(loop, 3) < 0.2 < 0.9 < distinct_ngram_ratio(ARTICLE_TEXT, 3)


def test_a_heading_naming_what_an_earlier_sentence_promised_is_not_a_repeat() -> None:
    # From a CI run: the bundled model's introduction promised "tips for choosing the right
    # materials" and the next section was headed so; all the heading's trigrams are in it.
    text = (
        "This guide covers waste management strategies and tips for choosing the right "
        "materials.\n\n## Choosing the Right Materials\n\n- Greens and browns in balance."
    )
    assert repeated_sentences(text) == []
    assert repeated_sentences(f"{text}\n\n## Choosing the Right Materials") == [
        "Choosing the Right Materials"
    ]


def test_script_share_and_word_count() -> None:
    assert script_share(KOREAN_ARTICLE_TEXT, "ko") > 0.95
    assert script_share(ARTICLE_TEXT, "ko") == 0.0
    assert script_share(ARTICLE_TEXT, "en") == 1.0
    assert word_count("# Title\n\nOne two three [1].") == 4


def test_leaked_sentences_share_a_run_of_words_with_the_prompt() -> None:
    prompt = "Write the article the brief asks for, in Markdown, with short sections."
    text = "Compost is easy. Write the article the brief asks for, in Markdown. Go."
    assert leaked_sentences(text, [prompt]) == [
        "Write the article the brief asks for, in Markdown."
    ]


def test_words_a_model_ran_together_are_split_where_the_sources_write_them_apart() -> None:
    # From an evaluation article of the bundled 0.5B model.
    sources = [
        "A well-managed heap can produce usable compost in two to six months.",
        "Turn the compost heap every one to two weeks. Sweep over the edges.",
        "Go around the bed; a round pot fits.",
    ]
    pairs = spacing.joined_pairs(sources)
    text = "It can produceusable compost in twoweeks, Compostheap or not, over theedges."
    fixed, found = spacing.spaced(text, pairs)
    assert (
        fixed == "It can produce usable compost in two weeks, Compost heap or not, over the edges."
    )
    assert found == ["produceusable", "twoweeks", "Compostheap", "theedges"]
    # A joined form that is a word of its own stays whole, even where the sources write it apart.
    assert spacing.spaced("Walk around the bed.", pairs) == ("Walk around the bed.", [])
    # Hashtags, handles and links run words together on purpose.
    kept = "#compostheap @twoweeks https://e.org/compostheap twoweeks.org"
    assert spacing.spaced(kept, pairs) == (kept, [])
